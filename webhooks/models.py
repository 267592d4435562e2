"""Webhook endpoints (one integration's subscriptions), the outbox of events, and every delivery attempt."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from integrations.models import Integration

from .enums import DeliveryStatus


class WebhookEndpoint(models.Model):
    """Where an integration wants events sent, and which ones. ``secret`` signs every delivery.

    The secret is kept in clear (we must sign with it); it is shown in the API's create and rotate responses.
    After a rotation the previous secret keeps signing too (a second signature) until
    ``previous_secret_expires_at``, so a receiver can switch without failing deliveries.
    """

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("integration")
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret signs until"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.integration} → {self.url}"

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in (self.events or [])


class WebhookEvent(models.Model):
    """The outbox: one row per event, written in the same transaction as the change it reports."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=50)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class WebhookDelivery(models.Model):
    """One event to one endpoint. Pending until a 2xx answer (succeeded) or ``give_up_at`` (failed).

    ``lease_until`` is the claim of whoever is sending it now: nobody else sends it before the lease ends.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    give_up_at = models.DateTimeField(_("give up at"))
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(_("last response time (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [
            # The relay's question, "what is due?", reads only the pending rows.
            models.Index(
                fields=["next_attempt_at"], name="webhook_delivery_due", condition=Q(status=DeliveryStatus.PENDING)
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what came back and how long it took (or why nothing came back)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"))
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("response excerpt"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
