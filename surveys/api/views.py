"""Survey API: a ticket's survey status and link, for the shop platform to push in its own chat."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.scopes import Scope
from tickets.api.base import TicketApiMixin
from tickets.models import Ticket

from .. import links
from ..models import SurveyInvitation, SurveyResponse
from .serializers import TicketSurveyOutput


def ticket_survey_data(ticket: Ticket) -> dict[str, Any]:
    invitation = SurveyInvitation.objects.filter(ticket=ticket).first()
    if invitation is None:
        return {
            "status": "not_invited",
            "url": None,
            "invited_at": None,
            "expires_at": None,
            "opened_at": None,
            "response": None,
        }
    response = (
        SurveyResponse.objects.filter(invitation=invitation).select_related("follow_up").first()
        if invitation.completed_at
        else None
    )
    expired = response is None and invitation.expires_at <= timezone.now()
    status = "answered" if response is not None else "expired" if expired else "invited"
    response_data = None
    if response is not None:
        language = translation.get_language()
        follow_up = getattr(response, "follow_up", None)
        response_data = {
            "submitted_at": response.submitted_at,
            "average_score": response.average_score,
            "lowest_score": response.lowest_score,
            "solved": response.solved,
            "comment": response.comment,
            "answers": [
                {"code": answer.code, "question": answer.dimension.label(language), "score": answer.score}
                for answer in response.answers.select_related("dimension").order_by("dimension__position", "id")
            ],
            "follow_up": follow_up.status if follow_up is not None else None,
        }
    return {
        "status": status,
        "url": links.survey_url(invitation) if status == "invited" else None,
        "invited_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "opened_at": invitation.opened_at,
        "response": response_data,
    }


class TicketSurveyApi(TicketApiMixin, APIView):
    required_scopes = (Scope.TICKETS_READ, Scope.TICKETS_WRITE)

    @extend_schema(
        summary="A ticket's satisfaction survey",
        description="The survey link to push to the buyer (while it waits for an answer) and, once answered, the "
        "scores. The link is also in the ticket.resolved webhook (survey_url).",
        responses=TicketSurveyOutput,
    )
    def get(self, request: Request, pk: int) -> Response:
        ticket = self.get_ticket(pk)  # 404 unless the caller may see it
        return Response(TicketSurveyOutput(ticket_survey_data(ticket)).data)
