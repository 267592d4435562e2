"""Work distribution (the agent's day): skills, capacity and presence; per-team assignment settings and
shifts; routing rules (智能分流); and the shift-handover book (交接班记录本). Fields and predicates only:
every write goes through ``workforce.services``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.enums import Priority
from tickets.models import Team, Ticket

from .enums import AssignmentMode, BusinessHoursCondition, HandoverAction, PresenceStatus

CAPACITY_MAX = 200
DEFAULT_CAPACITY = 8


class Skill(models.Model):
    """A skill an agent has and a ticket may require (退款, 发票, English …)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """An agent's capacity, skills and presence. Made on first need for every agent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile", verbose_name=_("user")
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=DEFAULT_CAPACITY,
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITY_MAX)],
        help_text=_("The most open tickets auto-assignment gives this agent at once (接待上限)."),
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="agents", verbose_name=_("skills"))
    status = models.CharField(
        _("status"), max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.OFFLINE
    )
    status_since = models.DateTimeField(_("status since"), default=timezone.now)
    # The status the agent chose last (online or busy) when the heartbeat set them away: an agent who comes
    # back from idle returns to it.
    chosen_status = models.CharField(
        _("chosen status"), max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.ONLINE
    )
    last_seen_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        indexes = [models.Index(fields=["status"], name="agent_profile_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=CAPACITY_MAX), name="agent_capacity_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class PresenceSession(models.Model):
    """One signed-in browser session's heartbeat: the agent is offline when the last one ends or goes quiet."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    session_key = models.CharField(_("session"), max_length=64)
    last_seen_at = models.DateTimeField(_("last heartbeat"))
    last_input_at = models.DateTimeField(_("last keyboard or mouse input"))

    class Meta:
        verbose_name = _("presence session")
        verbose_name_plural = _("presence sessions")
        constraints = [models.UniqueConstraint(fields=["user", "session_key"], name="presence_session_once")]
        indexes = [models.Index(fields=["last_seen_at"], name="presence_session_seen_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.session_key[:6]}"


class PresenceChange(models.Model):
    """A status change, kept so reports can show each agent's online time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    old_status = models.CharField(_("from"), max_length=10, choices=PresenceStatus.choices)
    new_status = models.CharField(_("to"), max_length=10, choices=PresenceStatus.choices)
    reason = models.CharField(_("reason"), max_length=20)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("presence change")
        verbose_name_plural = _("presence changes")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["user", "at"], name="presence_change_user_idx"),
            models.Index(fields=["at"], name="presence_change_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.old_status}→{self.new_status}"


class TeamWorkSettings(models.Model):
    """How a team's new tickets find an agent."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="work_settings", verbose_name=_("team"))
    assignment_mode = models.CharField(
        _("auto-assignment"), max_length=20, choices=AssignmentMode.choices, default=AssignmentMode.OFF
    )
    assignment_paused = models.BooleanField(
        _("auto-assignment paused"), default=False, help_text=_("Tickets wait in the queue until resumed.")
    )
    capacity_override = models.PositiveSmallIntegerField(
        _("capacity for this team"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITY_MAX)],
        help_text=_("Empty: each agent's own capacity."),
    )
    hand_back_on_offline = models.BooleanField(
        _("hand back unanswered tickets when an agent goes offline"), default=True
    )
    # Round-robin's place: the agent who got the last ticket (the next one goes to the next agent by id).
    last_assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("team work settings")
        verbose_name_plural = _("team work settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_override__isnull=True)
                | (Q(capacity_override__gte=1) & Q(capacity_override__lte=CAPACITY_MAX)),
                name="team_capacity_override_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.team)


class Shift(models.Model):
    """A team's shift (班次), in the team calendar's time zone. ``end_time`` at or before ``start_time`` runs
    past midnight (16:00–00:00 is the evening shift)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("team"))
    name = models.CharField(_("name"), max_length=50)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shifts", verbose_name=_("agents")
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["team", "start_time"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="shift_name_once_per_team")]

    def __str__(self) -> str:
        return f"{self.team} {self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class RoutingRule(models.Model):
    """A routing rule (智能分流). Empty conditions match anything; see ``workforce.services.routing`` for how
    the ordered list is applied."""

    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("applies to team"),
        help_text=_("Empty: a global rule, for every new ticket. A team's rules run for tickets headed to it."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    stop_processing = models.BooleanField(_("stop here"), default=False, help_text=_("Later rules are skipped."))
    # Conditions (all given ones must hold; a list matches any of its values).
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    customer_tiers = models.JSONField(_("customer tiers"), default=list, blank=True)
    order_amount_min = models.DecimalField(
        _("order amount from"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    order_amount_max = models.DecimalField(_("order amount to"), max_digits=12, decimal_places=2, null=True, blank=True)
    keywords = models.JSONField(
        _("keywords"), default=list, blank=True, help_text=_("Any of these words in the subject or description.")
    )
    business_hours = models.CharField(
        _("business hours"), max_length=10, choices=BusinessHoursCondition.choices, default=BusinessHoursCondition.ANY
    )
    # Actions.
    set_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("set team")
    )
    set_priority = models.CharField(_("set priority"), max_length=20, choices=Priority.choices, blank=True)
    required_skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("require skill")
    )
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named owner"),
        help_text=_("Gets these tickets first whenever online with free capacity (a VIP's dedicated agent)."),
    )
    restrict = models.BooleanField(_("restrict to the team"), default=False)
    fired_count = models.PositiveIntegerField(_("times fired"), default=0)
    last_fired_at = models.DateTimeField(_("last fired"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class TicketRouting(models.Model):
    """What routing decided for a ticket that the ticket itself has no column for: the skill an agent needs
    to get it, and the agent who should get it first."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="routing", verbose_name=_("ticket")
    )
    required_skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("required skill")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named owner"),
    )

    class Meta:
        verbose_name = _("ticket routing")
        verbose_name_plural = _("ticket routing")

    def __str__(self) -> str:
        return str(self.ticket_id)


class Handover(models.Model):
    """One agent's handover at the end of a shift (an entry in the team's 交接班记录本)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("team"))
    shift = models.ForeignKey(
        Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="handovers", verbose_name=_("shift")
    )
    shift_date = models.DateField(_("shift date"), help_text=_("The day the shift started, in the team's time zone."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handed over by")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("handed over at"), default=timezone.now)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="handover_team_idx"),
            models.Index(fields=["shift_date", "team"], name="handover_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.shift_date} {self.author}"


class HandoverItem(models.Model):
    """One open ticket in a handover, with its note and what happens to it."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("handover"))
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="handover_items", verbose_name=_("ticket")
    )
    action = models.CharField(_("action"), max_length=10, choices=HandoverAction.choices)
    to_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed to"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("handed-over ticket")
        verbose_name_plural = _("handed-over tickets")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["handover", "ticket"], name="handover_item_once")]
        indexes = [models.Index(fields=["ticket", "-id"], name="handover_item_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.handover_id} {self.ticket_id} {self.action}"


class HandoverAck(models.Model):
    """A next-shift agent read a handover."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="acks", verbose_name=_("handover"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("acknowledged by")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        verbose_name = _("handover acknowledgement")
        verbose_name_plural = _("handover acknowledgements")
        constraints = [models.UniqueConstraint(fields=["handover", "user"], name="handover_ack_once")]

    def __str__(self) -> str:
        return f"{self.handover_id} {self.user_id}"
