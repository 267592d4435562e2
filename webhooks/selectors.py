"""Reads: whose endpoints and deliveries a caller sees. An integration sees its own; admins see all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import WebhookDelivery, WebhookEndpoint


def webhook_endpoints_for(*, integration: Any) -> QuerySet[WebhookEndpoint]:
    """``integration=None``: every endpoint (the caller is an admin)."""
    endpoints = WebhookEndpoint.objects.select_related("integration")
    return endpoints if integration is None else endpoints.filter(integration=integration)


def webhook_deliveries_for(*, integration: Any) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("endpoint", "event")
    return deliveries if integration is None else deliveries.filter(endpoint__integration=integration)
