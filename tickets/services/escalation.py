"""The escalation engine: the sweep finds breached clocks through partial indexes, escalates each once
(level 1 to the team's managers, further chain levels after their delay), and e-mails the recipients."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.enqueue import enqueue_on_commit, lost_enqueue_window, send_each
from notifications.services import notifications_create

from ..access import ticket_readers
from ..calendars import calendar_for_ticket
from ..enums import (
    RUNNING_STATUSES,
    UNRESOLVED_STATUSES,
    EscalationTarget,
    EventType,
    SlaTarget,
)
from ..models import (
    Escalation,
    EscalationStep,
    Ticket,
)
from .clocks import recompute_due_times
from .common import escalation_recipients, record_event
from .help import help_request_recipients
from .warnings import sweep_warning_batch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EscalationResult:
    ticket_id: int
    reference: str
    target: str
    level: int
    late_seconds: int


def sla_sweep(*, now: datetime | None = None, batch_size: int = 200) -> list[EscalationResult]:
    """Escalate every breached clock, fire the escalation chains' further levels and send the warnings.

    Safe to run from several workers and beats at once and after any downtime:
    - due tickets are found through partial indexes, so the cost follows the number due, not the table;
    - each batch is locked with ``SKIP LOCKED``: a ticket another sweep holds is left to that sweep;
    - the row is re-checked under the lock (PostgreSQL re-evaluates the filter on locked rows);
    - the unique constraint on (ticket, target, cycle, level) makes a second escalation impossible even if
      all of the above were bypassed, and warnings are marked on the ticket in the same transaction;
    - it loops until nothing due is left, so a sweep after hours of downtime catches up at once.
    E-mails go out from tasks enqueued after commit, never inside the sweep's transaction; one whose task
    was lost (broker down at commit) is sent by ``escalation_emails_recover`` a minute later.
    """
    now = now or timezone.now()
    results: list[EscalationResult] = []
    for target in (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_REPLY, SlaTarget.RESOLUTION):
        while True:
            escalated, locked = _sweep_batch(target=target, now=now, batch_size=batch_size)
            results.extend(escalated)
            # Every locked ticket leaves the due index (its breach is recorded), so a full batch means
            # there may be more and a short one means this target is done.
            if locked < batch_size:
                break
    # Bounded loops: rows another sweep holds are skipped, and a long-held lock must not make this one spin.
    for _round in range(MAX_SWEEP_ROUNDS):
        escalated, handled = _sweep_chain_batch(now=now, batch_size=batch_size)
        results.extend(escalated)
        if handled < batch_size:
            break
    for _round in range(MAX_SWEEP_ROUNDS):
        if sweep_warning_batch(now=now, batch_size=batch_size) < batch_size:
            break
    return results


MAX_SWEEP_ROUNDS = 500


_DUE_FIELDS: dict[str, tuple[str, str]] = {
    SlaTarget.FIRST_RESPONSE: ("first_response_due_at", "first_response_breached_at"),
    SlaTarget.NEXT_REPLY: ("next_reply_due_at", "next_reply_breached_at"),
    SlaTarget.RESOLUTION: ("resolution_due_at", "resolution_breached_at"),
}


def _sweep_batch(*, target: str, now: datetime, batch_size: int) -> tuple[list[EscalationResult], int]:
    due_querysets: dict[str, Callable[[datetime], Any]] = {
        SlaTarget.FIRST_RESPONSE: Ticket.objects.first_response_due,
        SlaTarget.NEXT_REPLY: Ticket.objects.next_reply_due,
        SlaTarget.RESOLUTION: Ticket.objects.resolution_due,
    }
    due = due_querysets[target](now)
    due_field = _DUE_FIELDS[target][0]
    results: list[EscalationResult] = []
    with transaction.atomic():
        tickets = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("team", "sla_policy")
            .order_by(due_field, "id")[:batch_size]
        )
        for ticket in tickets:
            result = _breach_locked(ticket, target=target, now=now)
            if result is not None:
                results.append(result)
    return results, len(tickets)


def _breach_locked(ticket: Ticket, *, target: str, now: datetime) -> EscalationResult | None:
    """Record a breach and escalate it to level 1 (the team's managers); arm level 2 if the policy has one."""
    due_field, breach_field = _DUE_FIELDS[target]
    due_at: datetime = getattr(ticket, due_field)
    cycle = ticket.next_reply_cycle if target == SlaTarget.NEXT_REPLY else 0
    setattr(ticket, breach_field, now)
    ticket.escalation_level = max(ticket.escalation_level, 1)
    fields = [breach_field, "escalation_level", *recompute_due_times(ticket, now)]
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    return _escalate_locked(
        ticket, target=target, level=1, cycle=cycle, due_at=due_at, now=now, recipients=escalation_recipients(ticket)
    )


def _next_step(ticket: Ticket, level: int) -> EscalationStep | None:
    if ticket.sla_policy_id is None:
        return None
    return (
        EscalationStep.objects.filter(policy_id=ticket.sla_policy_id, level__gt=level)
        .order_by("level")
        .prefetch_related("notify_users")
        .select_related("notify_group")
        .first()
    )


def _escalate_locked(
    ticket: Ticket,
    *,
    target: str,
    level: int,
    cycle: int,
    due_at: datetime,
    now: datetime,
    recipients: list[Any],
) -> EscalationResult | None:
    step = _next_step(ticket, level)
    next_level_at = None
    if step is not None:
        next_level_at = calendar_for_ticket(ticket).add(now, step.after_minutes * 60)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket,
                target=target,
                level=level,
                cycle=cycle,
                team=ticket.team,
                due_at=due_at,
                escalated_at=now,
                next_level_at=next_level_at,
            )
    except IntegrityError:
        return None  # escalated already (by a sweep that crashed before marking the ticket)
    late_seconds = escalation.late_seconds_at_escalation
    record_event(
        ticket,
        EventType.ESCALATED,
        None,
        target=target,
        level=level,
        due_at=due_at.isoformat(),
        late_seconds=late_seconds,
        recipients=sorted(str(user) for user in recipients),
    )
    messages = {
        SlaTarget.FIRST_RESPONSE: gettext_noop(
            "Ticket %(reference)s escalated (level %(level)s): first response overdue"
        ),
        SlaTarget.NEXT_REPLY: gettext_noop(
            "Ticket %(reference)s escalated (level %(level)s): reply to the customer overdue"
        ),
        SlaTarget.RESOLUTION: gettext_noop("Ticket %(reference)s escalated (level %(level)s): resolution overdue"),
    }
    notifications_create(
        recipients=recipients,
        verb="escalated",
        message=messages[SlaTarget(target)],
        params={"reference": ticket.reference, "subject": ticket.subject, "level": level},
        url=f"/tickets/{ticket.pk}/",
        dedupe_key=f"escalation:{escalation.pk}",
        email=False,  # the escalation e-mail below goes to the same people
    )
    # A broker outage must not abort the sweep: the escalation is committed and shown in the app.
    enqueue_on_commit(
        "tickets.tasks.escalation_email_task",
        escalation.pk,
        if_lost="the escalation stands; escalation_email_recovery_task sends its e-mail a minute later",
    )
    logger.info("escalated %s (%s, level %s, %ss late)", ticket.reference, target, level, late_seconds)
    return EscalationResult(ticket.pk, ticket.reference, target, level, late_seconds)


def _target_unmet(ticket: Ticket, escalation: Escalation) -> bool:
    if ticket.status not in UNRESOLVED_STATUSES:
        return False
    if escalation.target == SlaTarget.FIRST_RESPONSE:
        return ticket.first_responded_at is None
    if escalation.target == SlaTarget.NEXT_REPLY:
        return ticket.next_reply_cycle == escalation.cycle and ticket.next_reply_started_at is not None
    return ticket.resolved_at is None


def _sweep_chain_batch(*, now: datetime, batch_size: int) -> tuple[list[EscalationResult], int]:
    """Fire the next level of every chain whose time has come, if its target is still unmet.

    Chains wait while a ticket waits on the customer (they fire when it runs again). The ticket is locked
    before its escalation row, in the same order as every other service, so sweeps cannot deadlock.
    """
    candidates = list(
        Escalation.objects.filter(
            next_level_at__lte=now, ticket__status__in=RUNNING_STATUSES, ticket__sla_paused_at__isnull=True
        )
        .exclude(target=EscalationTarget.REQUESTED)  # a help request has no chain (nor a next_level_at)
        .order_by("next_level_at", "id")
        .values_list("pk", "ticket_id")[:batch_size]
    )
    results: list[EscalationResult] = []
    for escalation_id, ticket_id in candidates:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("team", "sla_policy")
                .filter(pk=ticket_id)
                .first()
            )
            if ticket is None:
                continue  # another sweep holds it
            escalation = Escalation.objects.select_for_update().filter(pk=escalation_id, next_level_at__lte=now).first()
            if escalation is None:
                continue
            Escalation.objects.filter(pk=escalation.pk).update(next_level_at=None)
            if not _target_unmet(ticket, escalation):
                continue
            step = _next_step(ticket, escalation.level)
            if step is None:
                continue  # the chain was shortened since
            recipients = _step_recipients(ticket, step)
            result = _escalate_locked(
                ticket,
                target=escalation.target,
                level=step.level,
                cycle=escalation.cycle,
                due_at=escalation.due_at,
                now=now,
                recipients=recipients,
            )
            if result is not None:
                ticket.escalation_level = max(ticket.escalation_level, step.level)
                ticket.save(update_fields=["escalation_level", "updated_at"])
                results.append(result)
    return results, len(candidates)


def _step_recipients(ticket: Ticket, step: EscalationStep) -> list[Any]:
    """The people a chain level names (users and a group), of them those who may see the ticket: a group such
    as every manager must not carry a restricted or another team's ticket to someone it answers 404."""
    users = {user.pk: user for user in step.notify_users.all() if user.is_active}
    if step.notify_group_id is not None:
        for user in get_user_model().objects.filter(groups=step.notify_group_id, is_active=True):
            users.setdefault(user.pk, user)
    return ticket_readers(ticket, users.values())


def escalation_send_email(*, escalation_id: int, skip_locked: bool = False) -> bool:
    """E-mail the managers about one escalation. Returns whether a mail was sent now.

    Once: the escalation row stays locked from the check of ``notified_at`` until the mark after the send
    commits, so the task, its retries and the recovery never mail it twice (a caller that finds the row
    locked waits and then sees it marked, or with ``skip_locked`` leaves it to the holder). A failure raises
    and marks nothing, so the task retries. Only a crash between the send and the commit can send it again.
    """
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("ticket", "ticket__team", "requested_by")
            .filter(pk=escalation_id)
            .first()
        )
        if escalation is None or escalation.notified_at is not None:
            return False
        return _send_escalation_email_locked(escalation)


def _send_escalation_email_locked(escalation: Escalation) -> bool:
    if escalation.target == EscalationTarget.REQUESTED:
        return _send_help_request_email_locked(escalation)
    people = escalation_recipients(escalation.ticket)
    if escalation.level > 1:
        step = (
            EscalationStep.objects.filter(policy_id=escalation.ticket.sla_policy_id, level=escalation.level)
            .prefetch_related("notify_users")
            .first()
        )
        people = _step_recipients(escalation.ticket, step) if step is not None else []
    recipients = [user.email for user in people if user.email]
    if recipients:
        ticket = escalation.ticket
        with translation.override(settings.LANGUAGE_CODE):
            reason = SlaTarget(escalation.target).label
            subject = _("[%(ref)s] escalated: %(reason)s overdue") % {"ref": ticket.reference, "reason": reason}
            body = _("%(ref)s %(subject)s\nWas due at %(due)s.\nOpen it: /tickets/%(pk)s/") % {
                "ref": ticket.reference,
                "subject": ticket.subject,
                "due": timezone.localtime(escalation.due_at).strftime("%Y-%m-%d %H:%M"),
                "pk": ticket.pk,
            }
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients, fail_silently=False)
    Escalation.objects.filter(pk=escalation.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    return bool(recipients)


def _send_help_request_email_locked(escalation: Escalation) -> bool:
    """A help request's e-mail: to the managers who may see the ticket (not the asker), with the reason."""
    ticket = escalation.ticket
    recipients = [user.email for user in help_request_recipients(ticket, escalation.requested_by) if user.email]
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            requester = str(escalation.requested_by) if escalation.requested_by else _("An agent")
            subject = _("[%(ref)s] help requested by %(who)s") % {"ref": ticket.reference, "who": requester}
            body = _("%(ref)s %(subject)s\n%(who)s asks for help: %(reason)s\nOpen it: /tickets/%(pk)s/") % {
                "ref": ticket.reference,
                "subject": ticket.subject,
                "who": requester,
                "reason": escalation.reason,
                "pk": ticket.pk,
            }
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients, fail_silently=False)
    Escalation.objects.filter(pk=escalation.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    return bool(recipients)


def escalation_emails_recover(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the escalation e-mails whose task was never queued (the broker was down when the sweep
    committed): escalations not yet notified, escalated between a day and a minute ago
    (``core.enqueue.lost_enqueue_window``). Each is sent once, however many recoveries and tasks run at
    once (``escalation_send_email``); a row another one is sending is skipped. Stops at the first mail error
    (the next run tries again). Returns how many were sent."""
    oldest, newest = lost_enqueue_window(now or timezone.now())
    unsent = (
        Escalation.objects.filter(notified_at__isnull=True, escalated_at__gte=oldest, escalated_at__lte=newest)
        .order_by("escalated_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return send_each(
        list(unsent),
        lambda pk: escalation_send_email(escalation_id=pk, skip_locked=True),
        what="the escalation e-mail of escalation",
    )
