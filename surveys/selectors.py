"""Reads of surveys. Nothing here writes."""

from __future__ import annotations

from tickets.models import Ticket

from .links import survey_url
from .models import Survey, SurveyDimension, SurveyInvitation


def survey_link_for_resolution(ticket: Ticket) -> str | None:
    """The buyer's link for this resolution, to hand to the platform: None when nothing is left to answer
    (no survey configured, already answered, or no invitation issued for this resolution)."""
    if ticket.resolved_at is None:
        return None
    invitation = SurveyInvitation.objects.filter(ticket=ticket).first()
    if invitation is None or invitation.completed_at is not None or invitation.issued_for != ticket.resolved_at:
        return None
    return survey_url(invitation)


def survey_for_kind(kind: str) -> Survey | None:
    """The active survey for a ticket kind: the kind's own, else the one for every kind."""
    surveys = Survey.objects.filter(is_active=True, kind__in=[kind, ""]).order_by("-kind", "id")
    for survey in surveys:
        if survey.dimensions.filter(is_active=True).exists():
            return survey
    return None


def active_dimensions(survey: Survey) -> list[SurveyDimension]:
    return list(survey.dimensions.filter(is_active=True).order_by("position", "id"))
