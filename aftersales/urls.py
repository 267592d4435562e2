from django.urls import path

from . import views

app_name = "aftersales"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("tickets/<id:ticket_pk>/new/", views.create_view, name="request-create"),
    path("requests/<id:pk>/transition/", views.transition_view, name="transition"),
    path("requests/<id:pk>/approval-request/", views.approval_request_view, name="approval-request"),
    path("requests/<id:pk>/offer/", views.offer_view, name="offer"),
    path("requests/<id:pk>/evidence/", views.evidence_add_view, name="evidence-add"),
    path("offers/<id:pk>/answer/", views.offer_answer_view, name="offer-answer"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("approvals/<id:pk>/decide/", views.approval_decide_view, name="approval-decide"),
    path("evidence/<id:pk>/", views.evidence_file_view, name="evidence"),
]
