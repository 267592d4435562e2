from django.urls import path

from . import views, views_attachments, views_live, views_reply

app_name = "tickets"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("tickets/new/", views.ticket_create_view, name="create"),
    path("tickets/<id:pk>/", views.ticket_detail_view, name="detail"),
    path("tickets/<id:pk>/reply/", views_reply.ticket_reply_view, name="reply"),
    path("tickets/<id:pk>/note/", views.ticket_note_view, name="note"),
    path(
        "tickets/<id:pk>/attachments/<id:attachment_id>/",
        views_attachments.ticket_attachment_view,
        name="attachment",
    ),
    path("tickets/<id:pk>/customer-message/", views.ticket_customer_message_view, name="customer-message"),
    path("tickets/<id:pk>/status/", views.ticket_status_view, name="status"),
    path("tickets/<id:pk>/priority/", views.ticket_priority_view, name="priority"),
    path("tickets/<id:pk>/classification/", views.ticket_classification_view, name="classification"),
    path("tickets/<id:pk>/team/", views.ticket_team_view, name="team"),
    path("tickets/<id:pk>/restricted/", views.ticket_restricted_view, name="restricted"),
    path("tickets/<id:pk>/assignee/", views.ticket_assignee_view, name="assignee"),
    path("tickets/<id:pk>/take/", views.ticket_take_view, name="take"),
    # Collision detection (views_live): the page's live stream, heartbeat and timeline fragment.
    path("tickets/<id:pk>/live/", views_live.ticket_live_view, name="live"),
    path("tickets/<id:pk>/viewing/", views_live.ticket_viewing_view, name="viewing"),
    path("tickets/<id:pk>/timeline/", views_live.ticket_timeline_view, name="timeline"),
    path("tickets/<id:pk>/help-request/", views.ticket_help_request_view, name="help-request"),
    path("escalations/", views.escalation_list_view, name="escalations"),
    path("escalations/<id:pk>/reassign/", views.escalation_reassign_view, name="escalation-reassign"),
]
