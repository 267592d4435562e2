"""The ticket, its messages, its event rows and its escalations: fields and state predicates only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.platforms import Platform
from customers.models import Customer, Order

from ..enums import (
    ALLOWED_TRANSITIONS,
    RUNNING_STATUSES,
    AuthorType,
    Category,
    Channel,
    EscalationTarget,
    EventType,
    MessageVisibility,
    Priority,
    TicketKind,
    TicketStatus,
)
from .policies import SlaPolicy
from .tags import Tag
from .teams import Team

REFERENCE_PREFIX = "HD-"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def first_response_due(self, now: datetime) -> TicketQuerySet:
        """Tickets whose first response is late and not yet escalated (served by a partial index)."""
        return self.filter(
            status__in=RUNNING_STATUSES,
            sla_paused_at__isnull=True,
            first_responded_at__isnull=True,
            first_response_breached_at__isnull=True,
            first_response_due_at__lte=now,
        )

    def resolution_due(self, now: datetime) -> TicketQuerySet:
        return self.filter(
            status__in=RUNNING_STATUSES,
            sla_paused_at__isnull=True,
            resolved_at__isnull=True,
            resolution_breached_at__isnull=True,
            resolution_due_at__lte=now,
        )

    def next_reply_due(self, now: datetime) -> TicketQuerySet:
        return self.filter(
            status__in=RUNNING_STATUSES,
            sla_paused_at__isnull=True,
            next_reply_started_at__isnull=False,
            next_reply_breached_at__isnull=True,
            next_reply_due_at__lte=now,
        )

    def warning_due(self, now: datetime) -> TicketQuerySet:
        return self.filter(sla_warn_at__isnull=False, sla_warn_at__lte=now)

    def overdue(self, now: datetime) -> TicketQuerySet:
        """Tickets with a running clock past its due time, escalated or not."""
        return self.filter(status__in=RUNNING_STATUSES, sla_paused_at__isnull=True).filter(
            Q(first_responded_at__isnull=True, first_response_due_at__lte=now)
            | Q(resolved_at__isnull=True, resolution_due_at__lte=now)
            | Q(next_reply_started_at__isnull=False, next_reply_due_at__lte=now)
        )


class Ticket(models.Model):
    """One table for inquiries, complaints and after-sales requests."""

    kind = models.CharField(_("kind"), max_length=20, choices=TicketKind.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, default=Category.OTHER)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB_FORM)
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer"))
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("order")
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    tags = models.ManyToManyField(Tag, related_name="tickets", blank=True, verbose_name=_("tags"))
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the ticket's team (and its assignee and admins) can see it, whatever their ticket scope."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The platform's own id for the conversation or message this ticket came from. The same buyer message
    # synced twice is one ticket: (source_platform, external_id) is unique when given.
    source_platform = models.CharField(_("source platform"), max_length=20, choices=Platform.choices, blank=True)
    external_id = models.CharField(_("external id"), max_length=128, blank=True)

    # SLA bookkeeping. Due times are stored (never computed on the fly) so the sweep can find them by index.
    sla_policy = models.ForeignKey(
        SlaPolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("SLA policy")
    )
    received_at = models.DateTimeField(
        _("received at"), help_text=_("When the buyer wrote; the SLA clocks start here.")
    )
    first_response_due_at = models.DateTimeField(_("first response due at"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due at"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA paused at"), null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(_("SLA paused time (seconds)"), default=0)
    first_response_breached_at = models.DateTimeField(_("first response breached at"), null=True, blank=True)
    resolution_breached_at = models.DateTimeField(_("resolution breached at"), null=True, blank=True)
    # The clocks as one running total: ``sla_elapsed`` is the business time the clocks have run up to
    # ``sla_clock_started_at`` (empty while paused or stopped). A clock is due when the running total reaches
    # its target, so a change of policy, priority, team or calendar keeps the time already spent and paused.
    sla_elapsed = models.DurationField(_("SLA time used before the clocks last started"), default=timedelta(0))
    sla_clock_started_at = models.DateTimeField(_("SLA clocks last started at"), null=True, blank=True)
    next_reply_due_at = models.DateTimeField(_("next reply due at"), null=True, blank=True)
    next_reply_started_at = models.DateTimeField(
        _("waiting for a reply since"), null=True, blank=True, help_text=_("The oldest unanswered customer message.")
    )
    next_reply_offset = models.DurationField(_("SLA time used when the customer wrote"), null=True, blank=True)
    next_reply_breached_at = models.DateTimeField(_("next reply breached at"), null=True, blank=True)
    next_reply_cycle = models.PositiveIntegerField(_("next reply clocks started"), default=0)
    first_response_warned_at = models.DateTimeField(_("first response warning sent at"), null=True, blank=True)
    resolution_warned_at = models.DateTimeField(_("resolution warning sent at"), null=True, blank=True)
    next_reply_warned_at = models.DateTimeField(_("next reply warning sent at"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(
        _("next SLA warning at"), null=True, blank=True, help_text=_("The nearest warning point not yet warned.")
    )
    sla_next_due_at = models.DateTimeField(
        _("next SLA deadline"), null=True, blank=True, help_text=_("The nearest running deadline; empty when paused.")
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The sweep reads only these two partial indexes: their size is the number of tickets whose clock
            # is running and not yet breached, not the size of the table.
            models.Index(
                fields=["first_response_due_at"],
                name="ticket_first_response_due_idx",
                condition=Q(
                    status__in=RUNNING_STATUSES,
                    sla_paused_at__isnull=True,
                    first_responded_at__isnull=True,
                    first_response_breached_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="ticket_resolution_due_idx",
                condition=Q(
                    status__in=RUNNING_STATUSES,
                    sla_paused_at__isnull=True,
                    resolved_at__isnull=True,
                    resolution_breached_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["next_reply_due_at"],
                name="ticket_next_reply_due_idx",
                condition=Q(
                    status__in=RUNNING_STATUSES,
                    sla_paused_at__isnull=True,
                    next_reply_started_at__isnull=False,
                    next_reply_breached_at__isnull=True,
                ),
            ),
            models.Index(fields=["sla_warn_at"], name="ticket_sla_warn_idx", condition=Q(sla_warn_at__isnull=False)),
            models.Index(fields=["status", "sla_next_due_at"], name="ticket_inbox_idx"),
            models.Index(fields=["assignee", "status", "sla_next_due_at"], name="ticket_assignee_inbox_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["updated_at", "id"], name="ticket_updated_idx"),  # incremental sync
            # Reports: every report selects its cohort by ``received_at``; with the columns the metrics read
            # included, PostgreSQL answers from the index alone (an index-only scan, no table pages), and the raw
            # export streams in (received_at, id) order without sorting. SQLite keeps a plain index.
            models.Index(
                fields=["received_at", "id"],
                name="ticket_report_cohort_idx",
                include=[
                    "team",
                    "kind",
                    "channel",
                    "category",
                    "assignee",
                    "status",
                    "first_responded_at",
                    "resolved_at",
                    "sla_elapsed",
                    "first_response_breached_at",
                    "next_reply_breached_at",
                    "resolution_breached_at",
                ],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_platform", "external_id"],
                condition=~Q(external_id=""),
                name="ticket_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk:06d}" if self.pk else ""

    # --- state predicates ---
    def can_transition_to(self, status: str) -> bool:
        if status == TicketStatus.PENDING_CUSTOMER and self.first_responded_at is None:
            return False  # nobody has asked the buyer anything yet
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_closed(self) -> bool:
        return self.status == TicketStatus.CLOSED

    @property
    def is_paused(self) -> bool:
        return self.sla_paused_at is not None

    @property
    def is_clock_running(self) -> bool:
        return self.status in RUNNING_STATUSES and not self.is_paused

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(self.is_clock_running and self.sla_next_due_at and self.sla_next_due_at <= now)


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket"))
    visibility = models.CharField(_("visibility"), max_length=10, choices=MessageVisibility.choices)
    author_type = models.CharField(_("author type"), max_length=10, choices=AuthorType.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return self.body[:50]


class TicketEvent(models.Model):
    """An audit row: what happened to a ticket, who did it, and the old and new values."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket"))
    type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.type}"


class Escalation(models.Model):
    """A breach sent up to the manager role. Unique per ticket, target and level: never twice."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("ticket"))
    target = models.CharField(_("target"), max_length=20, choices=EscalationTarget.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations", verbose_name=_("team")
    )
    due_at = models.DateTimeField(_("was due at"))
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    notified_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    cycle = models.PositiveIntegerField(
        _("cycle"), default=0, help_text=_("Which next-reply clock breached (0 for first response and resolution).")
    )
    met_at = models.DateTimeField(
        _("target met at"), null=True, blank=True, help_text=_("When the breached target was finally met.")
    )
    next_level_at = models.DateTimeField(
        _("next level due at"), null=True, blank=True, help_text=_("When the chain's next level fires if still unmet.")
    )
    # Only for target "requested": the agent who asked the managers for help, and why.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-escalated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "cycle", "level"], name="escalation_once_per_ticket_target_level"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_level_at"], condition=Q(next_level_at__isnull=False), name="escalation_chain_due_idx"
            ),
            models.Index(
                fields=["-escalated_at"], condition=Q(acknowledged_at__isnull=True), name="escalation_open_idx"
            ),
            # The e-mail recovery's question (escalations not yet e-mailed): only unsent rows are in it.
            models.Index(
                fields=["escalated_at"], condition=Q(notified_at__isnull=True), name="escalation_unmailed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target} L{self.level}"

    @property
    def late_seconds_at_escalation(self) -> int:
        return max(0, int((self.escalated_at - self.due_at).total_seconds()))

    def late_until(self) -> datetime | None:
        """Where lateness stops counting: when the target was met or, failing that, when a manager took the
        escalation up. ``None``: nobody has dealt with it, and it is still late now."""
        return self.met_at or self.acknowledged_at

    def late_seconds(self, now: datetime) -> int:
        """How late the target is now, or was when it was met or handled (it stops growing then)."""
        return max(0, int(((self.late_until() or now) - self.due_at).total_seconds()))

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
