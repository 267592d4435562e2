from django.urls import path

from . import views

urlpatterns = [
    path("tickets/", views.TicketListCreateApi.as_view(), name="ticket-list"),
    path("tickets/<id:pk>/", views.TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<id:pk>/replies/", views.TicketReplyApi.as_view(), name="ticket-reply"),
    path("tickets/<id:pk>/notes/", views.TicketNoteApi.as_view(), name="ticket-note"),
    path(
        "tickets/<id:pk>/customer-messages/", views.TicketCustomerMessageApi.as_view(), name="ticket-customer-message"
    ),
    path(
        "tickets/<id:pk>/attachments/<id:attachment_id>/",
        views.TicketAttachmentApi.as_view(),
        name="ticket-attachment",
    ),
    path("tickets/<id:pk>/take/", views.TicketTakeApi.as_view(), name="ticket-take"),
    path("tickets/<id:pk>/help-requests/", views.TicketHelpRequestApi.as_view(), name="ticket-help-request"),
    path("teams/", views.TeamListApi.as_view(), name="team-list"),
    path("agents/", views.AgentListApi.as_view(), name="agent-list"),
    path("escalations/", views.EscalationListApi.as_view(), name="escalation-list"),
]
