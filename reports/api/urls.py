from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.ReportListApi.as_view(), name="report-list"),
    path("reports/<str:name>/", views.ReportDetailApi.as_view(), name="report-detail"),
]
