"""Who did something.

Services take ``actor``: the signed-in user who acted, or ``None`` when the system did (the SLA sweep, a shop
platform's API key, the buyer through their private link). Request code may pass ``request.user`` as it is,
so an ``AnonymousUser`` means "nobody we can name" too. Rows that record who did something store
``actor_or_none(actor)``: a real user or NULL, never an anonymous placeholder.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None


def is_user(actor: Any) -> bool:
    """A signed-in user (not the system, not anonymous)."""
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def actor_or_none(actor: Any) -> Any:
    """The user to record as having acted, or ``None`` for the system and anonymous callers."""
    return actor if is_user(actor) else None
