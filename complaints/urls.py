from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("follow-ups/", views.follow_up_list_view, name="follow-ups"),
    path("follow-ups/<id:pk>/", views.follow_up_record_view, name="follow-up-record"),
    path("<id:pk>/details/", views.complaint_update_view, name="update"),
    path("<id:pk>/resolve/", views.complaint_resolve_view, name="resolve"),
]
