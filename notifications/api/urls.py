from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/unread-count/", views.NotificationUnreadCountApi.as_view(), name="notification-unread-count"),
    path("notifications/read/", views.NotificationMarkReadApi.as_view(), name="notification-mark-read"),
]
