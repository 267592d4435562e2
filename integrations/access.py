"""What an integration may touch: the buyers of its own platform. An integration with no platform (several
platforms) and the legacy integration account (a token, no integration) are not bound to one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts import roles
from core.errors import Forbidden
from core.platforms import Platform

from .models import Integration
from .scopes import Scope


def caller_integration(user: Any) -> Integration | None:
    try:
        return user.integration  # type: ignore[no-any-return]
    except (AttributeError, Integration.DoesNotExist):
        return None


def integration_platform(user: Any) -> str | None:
    """The platform an integration account is bound to: ``None`` for people, ``""`` for every platform."""
    if not roles.is_integration(user):
        return None
    integration = caller_integration(user)
    return integration.platform if integration is not None else ""


def refuse_other_platform(user: Any, platform: str, *, field: str = "customer.platform") -> None:
    """A platform-bound integration acts only for buyers of its platform: 403 otherwise."""
    bound = integration_platform(user)
    if bound and platform != bound:
        raise Forbidden(
            _("This integration is bound to %(bound)s; it cannot act for buyers on %(platform)s.")
            % {"bound": Platform(bound).label, "platform": platform},
            fields={field: [_("Only %(bound)s buyers.") % {"bound": Platform(bound).label}]},
            code="platform_not_allowed",
        )


def integration_may_read_notes(user: Any) -> bool:
    integration = caller_integration(user)
    return integration is not None and Scope.NOTES_READ in (integration.scopes or [])
