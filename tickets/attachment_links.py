"""Signed, expiring download links for attachments that leave the helpdesk (the ``ticket.updated`` webhook of a
reply): a platform fetches the file without an account or an API key, until the link expires.

The link carries the attachment id signed with the secret key, its own salt and a timestamp
(``TimestampSigner``); ``ATTACHMENT_LINK_MAX_AGE_SECONDS`` (7 days by default) says how long it works.
Rotating ``DJANGO_SECRET_KEY`` voids every link. Only files of public messages are ever served this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import MessageAttachment

SALT = "helpdesk.attachment-download"


class LinkExpired(Exception):
    """The signature is good but the link is older than ``ATTACHMENT_LINK_MAX_AGE_SECONDS``."""


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: datetime


def attachment_signed_link(attachment: MessageAttachment, *, now: datetime | None = None) -> SignedLink:
    token = signing.TimestampSigner(salt=SALT).sign_object({"a": attachment.pk}, compress=True)
    path = reverse("attachment-download", args=[token])
    issued = now or timezone.now()
    return SignedLink(
        url=f"{settings.HELPDESK_PUBLIC_URL.rstrip('/')}{path}",
        expires_at=issued + timedelta(seconds=settings.ATTACHMENT_LINK_MAX_AGE_SECONDS),
    )


def attachment_id_from_link(token: str) -> int | None:
    """The attachment id a link names; None when it was tampered with. Raises ``LinkExpired`` when too old."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign_object(token, max_age=settings.ATTACHMENT_LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("a"), int):
        return None
    return int(value["a"])
