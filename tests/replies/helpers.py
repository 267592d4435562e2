"""Shared set-up for the canned-reply tests."""

from __future__ import annotations

from typing import Any

from replies.models import CannedReply
from replies.services.canned import canned_reply_create


def reply(actor: Any, shortcut: str, body: str = "亲，您好", *, scope: str = "personal", **fields: Any) -> CannedReply:
    return canned_reply_create(
        actor=actor, scope=scope, title=fields.pop("title", shortcut), shortcut=shortcut, body=body, **fields
    )
