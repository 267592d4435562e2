from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("follow-ups/", views.follow_up_list_view, name="follow_ups"),
    path("follow-ups/<id:pk>/done/", views.follow_up_done_view, name="follow_up_done"),
    path("responses/", views.response_list_view, name="responses"),
    path("<str:token>/", views.answer_view, name="answer"),
    path("<str:token>/opened/", views.opened_view, name="opened"),
]
