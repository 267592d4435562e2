"""After-sales requests: fields and state predicates only. Every write is in ``aftersales.services``."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from customers.models import Order, OrderLine
from tickets.models import Ticket

from .enums import (
    CUSTOMER_PATH,
    STATUS_TIMESTAMP,
    TERMINAL_STATUSES,
    TYPE_STEPS,
    ApprovalStatus,
    EvidenceKind,
    OfferStatus,
    RequestStatus,
    RequestType,
    Resolution,
    can_transition,
)

# Return processing: from approval to completion within 3 days (seed 002; a 24×7 clock here).
PROCESSING_TARGET = timedelta(days=3)


class Reason(models.Model):
    """Why the buyer asks, with the evidence that reason needs and its return window (admin-editable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=100)
    requires_product_photo = models.BooleanField(_("requires a product photo"), default=False)
    requires_defect_photo = models.BooleanField(_("requires a defect photo"), default=False)
    requires_tracking_number = models.BooleanField(_("requires a tracking number"), default=False)
    return_window_days = models.PositiveIntegerField(
        _("return window (days from delivery)"),
        null=True,
        blank=True,
        help_text=_("Empty: no window applies."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("after-sales reason")
        verbose_name_plural = _("after-sales reasons")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class AuthorityLimit(models.Model):
    """What a role may grant without a manager's approval. Empty means no limit."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    max_compensation = models.DecimalField(
        _("compensation limit (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    max_refund = models.DecimalField(
        _("refund limit (¥)"), max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("Empty: no limit.")
    )

    class Meta:
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        ordering = ["role"]

    def __str__(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


class UserAuthorityOverride(models.Model):
    """A personal limit that replaces the role's. Empty fields fall back to the role's limit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="aftersales_authority",
        verbose_name=_("user"),
    )
    max_compensation = models.DecimalField(
        _("compensation limit (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the role's limit."),
    )
    max_refund = models.DecimalField(
        _("refund limit (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the role's limit."),
    )

    class Meta:
        verbose_name = _("personal authority limit")
        verbose_name_plural = _("personal authority limits")

    def __str__(self) -> str:
        return str(self.user)


class AfterSalesRequest(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="aftersales_request", verbose_name=_("ticket")
    )
    type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="aftersales_requests", verbose_name=_("order")
    )
    reason = models.ForeignKey(Reason, on_delete=models.PROTECT, related_name="requests", verbose_name=_("reason"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    compensation_amount = models.DecimalField(
        _("compensation amount"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    accepted_resolution = models.CharField(
        _("resolution the customer accepted"), max_length=20, choices=Resolution.choices, blank=True
    )
    evidence_tracking_number = models.CharField(
        _("tracking number (evidence)"), max_length=64, blank=True, help_text=_("The delivery's tracking number.")
    )
    return_tracking_number = models.CharField(_("return tracking number"), max_length=64, blank=True)
    outbound_tracking_number = models.CharField(_("outbound tracking number"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    reviewed_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    waiting_for_return_at = models.DateTimeField(_("waiting for the parcel since"), null=True, blank=True)
    received_at = models.DateTimeField(_("parcel received at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    replacement_shipped_at = models.DateTimeField(_("replacement shipped at"), null=True, blank=True)
    compensated_at = models.DateTimeField(_("compensated at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales request")
        verbose_name_plural = _("after-sales requests")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="aftersales_status_idx")]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.get_type_display()}"

    def can_transition_to(self, status: str) -> bool:
        return can_transition(request_type=self.type, from_status=self.status, to_status=status)

    @property
    def next_statuses(self) -> list[str]:
        return [value for value in RequestStatus.values if self.can_transition_to(value)]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    def customer_steps(self) -> list[dict[str, Any]]:
        """The request's path as the buyer sees it: each step of its type, done or not, and how it ended."""
        path = [status for status in CUSTOMER_PATH if status in TYPE_STEPS[self.type]]
        steps = [
            {
                "label": RequestStatus(status).label,
                "done": status == RequestStatus.SUBMITTED or bool(getattr(self, STATUS_TIMESTAMP[status], None)),
            }
            for status in path
        ]
        if self.status in (RequestStatus.REJECTED, RequestStatus.CANCELLED):
            steps = [step for step in steps if step["done"]] + [{"label": self.get_status_display(), "done": True}]
        return steps

    @property
    def has_parcel(self) -> bool:
        return RequestStatus.WAITING_FOR_RETURN in TYPE_STEPS[self.type]

    @property
    def processing_due_at(self) -> datetime | None:
        return self.approved_at + PROCESSING_TARGET if self.approved_at else None

    def processing_seconds(self, now: datetime) -> int | None:
        """Time from approval to completion (or to now, while still open)."""
        if self.approved_at is None:
            return None
        end = self.completed_at or (None if self.is_terminal else now)
        if end is None:
            return None
        return int((end - self.approved_at).total_seconds())

    def processing_on_time(self, now: datetime) -> bool | None:
        seconds = self.processing_seconds(now)
        return None if seconds is None else seconds <= PROCESSING_TARGET.total_seconds()


class RequestLine(models.Model):
    request = models.ForeignKey(
        AfterSalesRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="aftersales_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order_line"], name="aftersales_line_once_per_request"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="aftersales_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line.sku} × {self.quantity}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"aftersales/evidence/{filename}"


def _thumbnail_path(instance: Evidence, filename: str) -> str:
    return f"aftersales/thumbnails/{filename}"


class Evidence(models.Model):
    """A file the buyer sent. Stored through the storage API, served to staff only through a view."""

    request = models.ForeignKey(
        AfterSalesRequest, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_thumbnail_path, max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Offer(models.Model):
    """One rung of the compensation ladder offered to the buyer, and what they said."""

    request = models.ForeignKey(
        AfterSalesRequest, on_delete=models.CASCADE, related_name="offers", verbose_name=_("request")
    )
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    offered_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_resolution_display()} ¥{self.amount}"


class Approval(models.Model):
    """A manager's decision on amounts beyond the requesting agent's authority (or outside policy)."""

    request = models.ForeignKey(
        AfterSalesRequest, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("request")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    compensation_amount = models.DecimalField(
        _("compensation amount"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    why_needed = models.JSONField(_("why approval is needed"), default=list, blank=True)
    request_note = models.TextField(_("note from the agent"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="pending"),
                name="aftersales_one_pending_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_status_display()}"


class RequestEvent(models.Model):
    """The audit row of one transition: who moved the request, from what, to what, when, and why."""

    request = models.ForeignKey(
        AfterSalesRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
