from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<str:name>.csv", views.report_csv_view, name="csv"),
    path("<str:name>.xlsx", views.report_xlsx_view, name="xlsx"),
]
