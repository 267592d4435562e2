from django.urls import path

from . import views

app_name = "aftersales"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("tickets/<int:ticket_pk>/new/", views.create_view, name="request-create"),
    path("requests/<int:pk>/transition/", views.transition_view, name="transition"),
    path("requests/<int:pk>/approval-request/", views.approval_request_view, name="approval-request"),
    path("requests/<int:pk>/offer/", views.offer_view, name="offer"),
    path("requests/<int:pk>/evidence/", views.evidence_add_view, name="evidence-add"),
    path("offers/<int:pk>/answer/", views.offer_answer_view, name="offer-answer"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("approvals/<int:pk>/decide/", views.approval_decide_view, name="approval-decide"),
    path("evidence/<int:pk>/", views.evidence_file_view, name="evidence"),
]
