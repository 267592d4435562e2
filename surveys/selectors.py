"""Reads of surveys. Nothing here writes."""

from __future__ import annotations

from tickets.models import Ticket

from .models import SurveyInvitation
from .services import survey_url


def survey_link_for_resolution(ticket: Ticket) -> str | None:
    """The buyer's link for this resolution, to hand to the platform: None when nothing is left to answer
    (no survey configured, already answered, or no invitation issued for this resolution)."""
    if ticket.resolved_at is None:
        return None
    invitation = SurveyInvitation.objects.filter(ticket=ticket).first()
    if invitation is None or invitation.completed_at is not None or invitation.issued_for != ticket.resolved_at:
        return None
    return survey_url(invitation)
