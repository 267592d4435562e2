from django.urls import path

from . import views

urlpatterns = [
    path("tickets/<id:pk>/survey/", views.TicketSurveyApi.as_view(), name="ticket-survey"),
]
