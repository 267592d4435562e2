from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.ComplaintListCreateApi.as_view(), name="complaint-list"),
    path("complaints/follow-ups/", views.FollowUpListApi.as_view(), name="follow-up-list"),
    path("complaints/follow-ups/<id:pk>/", views.FollowUpRecordApi.as_view(), name="follow-up-record"),
    path("complaints/<id:pk>/", views.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("complaints/<id:pk>/resolve/", views.ComplaintResolveApi.as_view(), name="complaint-resolve"),
]
