"""Surveys: the only place that writes invitations, responses and low-score follow-ups.

Flow: a ticket is resolved → ``survey_invite`` issues (or re-issues) its private link, inside the resolving
transaction → the link is e-mailed to the buyer after commit when we have an address, shown on the ticket
page, returned by the API and put in the ``ticket.resolved`` webhook so the shop platform can push it in its
own chat → the buyer answers once (``survey_submit``) → a score ≤ 2 on any question opens a follow-up for
the team's managers, and ``survey.completed`` goes out to subscribed platforms.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actors import Actor, actor_or_none
from core.enqueue import enqueue_on_commit, lost_enqueue_window, send_each
from core.errors import Conflict, ValidationFailed
from notifications.services import notifications_create
from tickets.models import Ticket
from tickets.selectors import ticket_managers
from tickets.services.common import ticket_record_event
from webhooks.enums import WebhookEventType
from webhooks.services.outbox import webhook_emit

from .links import SurveyAlreadyAnswered, SurveyExpired, survey_url
from .models import (
    MAX_SCORE,
    MIN_SCORE,
    FollowUpStatus,
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyResponse,
)
from .selectors import active_dimensions, survey_for_kind

logger = logging.getLogger(__name__)

COMMENT_MAX = 2000


# --- invitations ----------------------------------------------------------------------------------------------


DEFAULT_SURVEY = "满意度调查 Satisfaction survey"
DEFAULT_DIMENSIONS = [  # the seed documents' dimensions (DESIGN rule 4); the migration creates the same
    ("professional", "专业水平", "Professional level", 10),
    ("attitude", "服务态度", "Service attitude", 20),
    ("speed", "响应速度", "Response speed", 30),
]


def survey_ensure_default() -> Survey:
    """The default survey for every kind, with its three questions (created if missing)."""
    survey, _created = Survey.objects.get_or_create(
        name=DEFAULT_SURVEY,
        defaults={
            "intro_zh": "感谢您的耐心！请花一分钟为本次服务打分，帮助我们做得更好。",
            "intro_en": "Thank you for your patience! Please take a minute to rate our service and help us improve.",
        },
    )
    for code, label_zh, label_en, position in DEFAULT_DIMENSIONS:
        SurveyDimension.objects.get_or_create(
            survey=survey, code=code, defaults={"label_zh": label_zh, "label_en": label_en, "position": position}
        )
    return survey


def survey_invite(*, ticket: Ticket, now: datetime | None = None) -> SurveyInvitation | None:
    """Issue the survey link for a resolved ticket; call inside the resolving transaction.

    Idempotent per resolution: the webhook payload and the surveys listener may both ask. A ticket reopened
    and resolved again re-issues its unanswered invitation (new expiry, same link, e-mailed again); an answered
    one stays answered: a ticket has one response. Returns None when no survey is configured.
    """
    if ticket.resolved_at is None:
        return None
    now = now or timezone.now()
    invitation = SurveyInvitation.objects.select_for_update().filter(ticket=ticket).first()
    if invitation is not None and (invitation.completed_at is not None or invitation.issued_for == ticket.resolved_at):
        return invitation
    survey = invitation.survey if invitation is not None else survey_for_kind(ticket.kind)
    if survey is None:
        return None
    expires_at = now + timedelta(days=survey.valid_days)
    if invitation is None:
        invitation = SurveyInvitation.objects.create(
            ticket=ticket,
            survey=survey,
            nonce=secrets.token_hex(16),
            agent_id=ticket.assignee_id,
            team_id=ticket.team_id,
            created_at=now,
            issued_for=ticket.resolved_at,
            expires_at=expires_at,
        )
    else:
        invitation.agent_id, invitation.team_id = ticket.assignee_id, ticket.team_id
        invitation.issued_for, invitation.expires_at = ticket.resolved_at, expires_at
        invitation.save(update_fields=["agent", "team", "issued_for", "expires_at"])
    if ticket.customer.email:
        enqueue_on_commit(
            "surveys.tasks.survey_invitation_email_task",
            invitation.pk,
            if_lost="the link is on the ticket page, in the API and in the webhook; the e-mail recovery sends it",
        )
    return invitation


def survey_send_invitation_email(*, invitation_id: int, skip_locked: bool = False) -> bool:
    """E-mail the buyer their survey link, in Chinese and English (we do not know which they read).

    Sent once per issue: ``emailed_at`` at or after ``issued_for`` means this issue went out already. The row
    stays locked from that check until the mark after the send commits, so the task, its retries and the
    recovery never mail one issue twice (with ``skip_locked`` a row being sent is left to its holder).
    """
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("ticket__customer", "survey")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.completed_at is not None or invitation.is_expired():
            return False
        if invitation.emailed_at is not None and invitation.emailed_at >= invitation.issued_for:
            return False
        return _send_invitation_email_locked(invitation)


def _send_invitation_email_locked(invitation: SurveyInvitation) -> bool:
    ticket, email = invitation.ticket, invitation.ticket.customer.email
    if not email:
        return False
    url = survey_url(invitation)
    expires = timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M")
    parts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            parts.append(
                _(
                    "Hello %(name)s,\n\nyour request %(ref)s “%(subject)s” has been resolved. How did we do? "
                    "Please rate our service (one minute, no login):\n%(url)s\n\nThe link works once, until "
                    "%(expires)s."
                )
                % {
                    "name": ticket.customer.name,
                    "ref": ticket.reference,
                    "subject": ticket.subject,
                    "url": url,
                    "expires": expires,
                }
            )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(ref)s] How did we do? Rate our service") % {"ref": ticket.reference}
    send_mail(
        subject=subject,
        message="\n\n———\n\n".join(parts),
        from_email=None,
        recipient_list=[email],
        fail_silently=False,
    )
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        emailed_at=timezone.now(), email_count=invitation.email_count + 1
    )
    return True


def survey_invitation_emails_recover(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the survey invitations whose e-mail task was never queued (the broker was down when the ticket
    was resolved): unanswered, unexpired invitations to a buyer with an address, issued between a day and a
    minute ago (``lost_enqueue_window``) and not e-mailed for that issue. Each issue is sent once however many
    recoveries and tasks run at once (``survey_send_invitation_email``). Stops at the first mail error.
    Returns how many were sent."""
    now = now or timezone.now()
    oldest, newest = lost_enqueue_window(now)
    unsent = (
        SurveyInvitation.objects.filter(
            completed_at__isnull=True, expires_at__gt=now, issued_for__gte=oldest, issued_for__lte=newest
        )
        .filter(Q(emailed_at__isnull=True) | Q(emailed_at__lt=F("issued_for")))
        .exclude(ticket__customer__email="")
        .order_by("issued_for", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return send_each(
        list(unsent),
        lambda pk: survey_send_invitation_email(invitation_id=pk, skip_locked=True),
        what="the survey invitation e-mail of invitation",
    )


def survey_mark_opened(invitation: SurveyInvitation) -> None:
    if invitation.opened_at is None:
        SurveyInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=timezone.now())


# --- answering ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanAnswers:
    scores: dict[str, int]
    solved: bool | None
    comment: str


def _clean(survey: Survey, *, scores: dict[str, Any], solved: Any, comment: Any) -> CleanAnswers:
    """Check the answers against the survey. Every rating question needs a whole number from 1 to 5."""
    errors: dict[str, list[str]] = {}
    dimensions = active_dimensions(survey)
    known = {dimension.code for dimension in dimensions}
    clean_scores: dict[str, int] = {}
    for dimension in dimensions:
        raw = scores.get(dimension.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[dimension.code] = [_("Please choose a score from 1 to 5.")]
            continue
        try:
            value = int(str(raw).strip()) if not isinstance(raw, bool) else None
        except ValueError:
            value = None
        if value is None or not MIN_SCORE <= value <= MAX_SCORE or str(raw).strip().lstrip("+") != str(value):
            errors[dimension.code] = [_("A score is a whole number from 1 to 5.")]
            continue
        clean_scores[dimension.code] = value
    for code in scores:
        if code not in known:
            errors[str(code)[:40]] = [_("This survey has no such question.")]
    clean_solved: bool | None = None
    if survey.ask_solved and solved not in (None, ""):
        if solved in (True, "yes", "true", "1", 1):
            clean_solved = True
        elif solved in (False, "no", "false", "0", 0):
            clean_solved = False
        else:
            errors["solved"] = [_("Answer yes or no.")]
    clean_comment = ""
    if survey.ask_comment and comment:
        if not isinstance(comment, str):
            errors["comment"] = [_("The comment must be text.")]
        elif len(comment) > COMMENT_MAX:
            errors["comment"] = [_("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX}]
        else:
            clean_comment = comment.strip().replace("\x00", "")
    if errors:
        raise ValidationFailed(_("Please check your answers."), fields=errors)
    return CleanAnswers(scores=clean_scores, solved=clean_solved, comment=clean_comment)


def survey_submit(
    *,
    invitation: SurveyInvitation,
    scores: dict[str, Any],
    solved: Any = None,
    comment: Any = "",
    language: str = "",
    now: datetime | None = None,
) -> SurveyResponse:
    """Record the buyer's answers, once. Expired → ``SurveyExpired`` (410); answered → ``SurveyAlreadyAnswered``
    (409); a bad score → ``ValidationFailed`` (400) naming the question. Nothing is kept unless all is valid."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update(of=("self",))
            .select_related("survey", "ticket", "ticket__customer")
            .get(pk=invitation.pk)
        )
        if invitation.completed_at is not None:
            raise SurveyAlreadyAnswered(_("You have already answered this survey. Thank you!"))
        if invitation.is_expired(now):
            raise SurveyExpired(_("This survey link has expired."))
        answers = _clean(invitation.survey, scores=scores, solved=solved, comment=comment)
        values = list(answers.scores.values())
        average = (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        response = SurveyResponse.objects.create(
            invitation=invitation,
            ticket=invitation.ticket,
            survey=invitation.survey,
            agent_id=invitation.agent_id,
            team_id=invitation.team_id,
            submitted_at=now,
            solved=answers.solved,
            comment=answers.comment,
            language=(language or "")[:10],
            average_score=average,
            lowest_score=min(values),
        )
        dimensions = {dimension.code: dimension for dimension in active_dimensions(invitation.survey)}
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, dimension=dimensions[code], code=code, score=score)
            for code, score in answers.scores.items()
        )
        invitation.completed_at = now
        invitation.save(update_fields=["completed_at"])
        _record_on_ticket(response, answers)
        if response.is_low:
            _open_follow_up(response, now)
        _emit_completed(response, answers)
    return response


def _record_on_ticket(response: SurveyResponse, answers: CleanAnswers) -> None:
    ticket_record_event(
        ticket=response.ticket,
        actor=None,
        summary=gettext_noop("Customer answered the satisfaction survey: %(average_score)s of 5"),
        survey_response_id=response.pk,
        scores=answers.scores,
        solved=answers.solved,
        average_score=f"{response.average_score:.2f}",
    )


def _open_follow_up(response: SurveyResponse, now: datetime) -> None:
    hours = settings.SURVEY_FOLLOW_UP_HOURS
    follow_up = SurveyFollowUp.objects.create(response=response, created_at=now, due_at=now + timedelta(hours=hours))
    ticket = response.ticket
    ticket_record_event(
        ticket=ticket,
        actor=None,
        summary=gettext_noop("Low satisfaction score (%(lowest_score)s of 5): a manager follow-up is open"),
        lowest_score=response.lowest_score,
    )
    notifications_create(
        recipients=ticket_managers(ticket=ticket),
        verb="survey_low_score",
        message=gettext_noop("%(ref)s: the customer rated our service %(score)s of 5. Please follow up."),
        params={"ref": ticket.reference, "score": response.lowest_score},
        url=reverse("surveys:follow_ups") + f"#follow-up-{follow_up.pk}",
        dedupe_key=f"survey-low-{response.pk}",
    )


def _emit_completed(response: SurveyResponse, answers: CleanAnswers) -> None:
    ticket = response.ticket
    webhook_emit(
        type=WebhookEventType.SURVEY_COMPLETED,
        platform=ticket.customer.platform,  # as every ticket webhook: the buyer's platform
        payload={
            "ticket_id": ticket.pk,
            "ticket_reference": ticket.reference,
            "external_id": ticket.external_id,
            "scores": answers.scores,
            "average_score": str(response.average_score),
            "solved": answers.solved,
            "comment": answers.comment,
            "completed_at": response.submitted_at.isoformat(),
        },
    )


# --- follow-ups -----------------------------------------------------------------------------------------------


def survey_follow_up_complete(*, follow_up: SurveyFollowUp, outcome: str, actor: Actor) -> SurveyFollowUp:
    """A manager called the buyer back (回访) and records what came of it."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationFailed(_("Write down what came of the follow-up."), fields={"outcome": [_("Required.")]})
    if len(outcome) > COMMENT_MAX:
        raise ValidationFailed(
            _("Keep the outcome under %(max)s characters.") % {"max": COMMENT_MAX},
            fields={"outcome": [_("Too long.")]},
        )
    with transaction.atomic():
        follow_up = (
            SurveyFollowUp.objects.select_for_update(of=("self",))
            .select_related("response__ticket")
            .get(pk=follow_up.pk)
        )
        if follow_up.status == FollowUpStatus.DONE:
            raise Conflict(_("This follow-up is already done."))
        follow_up.status = FollowUpStatus.DONE
        follow_up.done_at = timezone.now()
        follow_up.done_by = actor_or_none(actor)
        follow_up.outcome = outcome
        follow_up.save(update_fields=["status", "done_at", "done_by", "outcome"])

        ticket_record_event(
            ticket=follow_up.response.ticket,
            actor=actor,
            summary=gettext_noop("Low-score follow-up done"),
            outcome=outcome,
        )
    return follow_up
