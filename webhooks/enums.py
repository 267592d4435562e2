"""Webhook vocabulary: the event types a platform may subscribe to, and a delivery's states."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class WebhookEventType(TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated")
    TICKET_ESCALATED = "ticket.escalated", _("Ticket escalated")
    TICKET_RESOLVED = "ticket.resolved", _("Ticket resolved")
    AFTERSALES_STATUS_CHANGED = "aftersales.status_changed", _("After-sales request status changed")
    SURVEY_COMPLETED = "survey.completed", _("Satisfaction survey completed")


# Not subscribable: sent to one endpoint on request, to test the connection and the signature check.
PING = "ping"


class DeliveryStatus(TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
