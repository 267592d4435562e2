"""Complaint details of a ticket (kind "complaint"): fields and predicates only; writes live in services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.enums import Category
from tickets.models import Ticket

from .enums import ReviewOutcome, Severity

COMPLAINT_CATEGORIES = [
    (value, label)
    for value, label in Category.choices
    if value in ("product_quality", "logistics", "service_attitude", "negative_review", "other")
]


class Complaint(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="complaint", verbose_name=_("ticket"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    # What set the severity, as data: the severity rule's keyword found in the complaint (blank when no rule
    # did). The sentence around it is written in the reader's language when shown (``severity_reason``).
    severity_keyword = models.CharField(
        _("severity keyword"),
        max_length=50,
        blank=True,
        help_text=_("The severity rule's keyword found in the complaint, when a rule set its severity."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_complaints",
        verbose_name=_("owning manager"),
    )
    customer_request = models.TextField(_("what the customer asks for"), blank=True)
    apology_sent_at = models.DateTimeField(_("apology sent at"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    compensation_amount = models.DecimalField(_("compensation given (¥)"), max_digits=10, decimal_places=2, default=0)
    compensation_note = models.CharField(_("compensation note"), max_length=200, blank=True)
    result_reported_at = models.DateTimeField(_("result reported at"), null=True, blank=True)
    review_link = models.URLField(_("review link"), max_length=500, blank=True)
    review_outcome = models.CharField(
        _("review outcome"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.ticket.reference} ({self.get_severity_display()})"

    @property
    def is_negative_review(self) -> bool:
        return self.ticket.category == "negative_review"

    @property
    def severity_reason(self) -> str:
        """Why the complaint has its severity, in the active language ("" when no rule set it)."""
        if not self.severity_keyword:
            return ""
        return gettext("Keyword “%(word)s”") % {"word": self.severity_keyword}


class FollowUp(models.Model):
    """回访: a call-back after a complaint is resolved, to ask whether the customer is satisfied."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("complaint")
    )
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]
        constraints = [
            # At most one open follow-up per complaint: resolving twice must not schedule two calls.
            models.UniqueConstraint(fields=["complaint"], condition=Q(done_at__isnull=True), name="followup_one_open"),
        ]
        indexes = [models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="followup_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.complaint} @ {self.due_at:%Y-%m-%d}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ApologyTemplate(models.Model):
    """The acknowledgement sent to the buyer the moment a complaint arrives (rule 2: acknowledged at once,
    apology recorded). The most specific active template wins: its category, else one for any category."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("category"), max_length=30, choices=COMPLAINT_CATEGORIES, blank=True, help_text=_("Blank: any category.")
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {customer} (the buyer's name), {reference} (the ticket number), "
            "{track_url} (the buyer's private link to follow the complaint)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("apology template")
        verbose_name_plural = _("apology templates")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.name


class SeverityRule(models.Model):
    """A word that, found in a complaint's subject or description, raises its severity (e.g. safety words)."""

    keyword = models.CharField(_("keyword"), max_length=50, unique=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.CRITICAL)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("severity rule")
        verbose_name_plural = _("severity rules")
        ordering = ["keyword"]

    def __str__(self) -> str:
        return f"{self.keyword} → {self.get_severity_display()}"
