from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("follow-ups/", views.follow_up_list_view, name="follow-ups"),
    path("follow-ups/<int:pk>/", views.follow_up_record_view, name="follow-up-record"),
    path("<int:pk>/details/", views.complaint_update_view, name="update"),
    path("<int:pk>/resolve/", views.complaint_resolve_view, name="resolve"),
]
