from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read/", views.notification_mark_read_view, name="mark-read"),
    path("<int:pk>/open/", views.notification_open_view, name="open"),
]
