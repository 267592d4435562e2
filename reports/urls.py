from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("section/<str:name>/", views.section_view, name="section"),
    path("actions/", views.improvement_action_create_view, name="action-create"),
    path("<str:name>.csv", views.report_csv_view, name="csv"),
    path("<str:name>.xlsx", views.report_xlsx_view, name="xlsx"),
]
