from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read/", views.notification_mark_read_view, name="mark-read"),
    path("<id:pk>/open/", views.notification_open_view, name="open"),
    path("stream/", views.notification_stream_view, name="stream"),
    path("summary/", views.notification_summary_view, name="summary"),
    path("settings/", views.notification_settings_view, name="settings"),
]
