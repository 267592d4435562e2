"""Shared helpers for the routing-rule tests."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from workforce.models import RoutingRule
from workforce.services.routing import routing_rule_create


def admin() -> Any:
    return User.objects.get_or_create(username="routing-admin", defaults={"is_superuser": True, "is_staff": True})[0]


def rule(name: str, **values: Any) -> RoutingRule:
    """A rule made through the service, by an admin."""
    return routing_rule_create(actor=admin(), name=name, **values)
