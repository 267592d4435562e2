"""The ``Idempotency-Key`` header's form, which every POST of the API checks, and the marker the OpenAPI
document reads (``helpdesk.schema``). Storing a first response and replaying it is
``integrations.idempotency.idempotent``'s job (a key belongs to the caller's integration).

A few operations are idempotent by nature and must not keep what they were sent or answered: the token
exchange (its body holds a password, and a fingerprint of it would be a fast, unsalted hash) and the contact
reveal (its answer is an unmasked phone number, and every reveal must be its own entry in the audit log).
They take ``@idempotent_by_nature``: the key is checked like any other, nothing is stored, and a retry runs
again, which gives the same answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from .errors import ValidationFailed

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def idempotency_key_clean(value: str) -> str:
    """The key without surrounding spaces; ``ValidationFailed`` (400, naming the header) when it is empty, too
    long or not printable ASCII. An empty header is refused, never taken as "no key": the client meant one."""
    key = value.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationFailed(
            _("The Idempotency-Key header must be 1 to %(max)s printable ASCII characters (a UUID is best).")
            % {"max": MAX_KEY_LENGTH},
            fields={HEADER: [_("Invalid key.")]},
            code="invalid_idempotency_key",
        )
    return key


def mark_idempotent(wrapper: Callable[..., Any], *, replays: bool) -> None:
    """Tell the OpenAPI document that this handler takes ``Idempotency-Key`` (and whether a retry is answered
    with the stored first response, with ``Idempotent-Replayed: true``)."""
    wrapper.idempotent = True  # type: ignore[attr-defined]
    wrapper.idempotent_replays = replays  # type: ignore[attr-defined]


def idempotent_by_nature(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view's ``post`` that is safe to repeat and whose request or answer must not be stored."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        raw = request.headers.get(HEADER)
        if raw is not None:
            idempotency_key_clean(raw)
        return handler(view, request, *args, **kwargs)

    mark_idempotent(wrapper, replays=False)
    return wrapper
