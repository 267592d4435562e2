"""Files on messages: checked before any transaction (``core.files.check_upload``: by content, size-limited,
pixel-capped, thumbnailed), stored inside the message's transaction, deleted again if it fails.

The message services (``tickets.services.messages``) take the checked files; callers check them first with
``attachments_check`` so that the slow decoding of photos never runs while the ticket row is locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import files
from core.actors import Actor, actor_or_none
from core.errors import ValidationFailed

from ..models import Message, MessageAttachment

FIELD = "attachments"


def attachments_check(
    uploads: Sequence[Any], *, allow_documents: bool = True, field: str = FIELD
) -> list[files.CheckedFile]:
    """Check every uploaded file of one message; refused as a whole (nothing kept) if one is bad or there are
    more than ``ATTACHMENT_MAX_PER_MESSAGE``. Agents may attach Word and Excel files too (``allow_documents``);
    buyers send photos and PDFs only."""
    uploads = [upload for upload in uploads if upload is not None]
    refuse_too_many(len(uploads), field=field)
    return [
        files.check_upload(
            upload, field=field, max_bytes=settings.ATTACHMENT_MAX_BYTES, allow_documents=allow_documents
        )
        for upload in uploads
    ]


def refuse_too_many(count: int, *, field: str = FIELD) -> None:
    limit = settings.ATTACHMENT_MAX_PER_MESSAGE
    if count > limit:
        message = ngettext(
            "At most %(limit)d file can be attached to one message.",
            "At most %(limit)d files can be attached to one message.",
            limit,
        ) % {"limit": limit}
        raise ValidationFailed(message, fields={field: [message]})


def refuse_empty(body: str, attachments: Sequence[files.CheckedFile], empty_message: str) -> None:
    """A message needs text or at least one file."""
    if not body and not attachments:
        raise ValidationFailed(empty_message, fields={"body": [_("Write something or attach a file.")]})


def attachments_store(
    *, message: Message, checked: Sequence[files.CheckedFile], actor: Actor, saved: list[str]
) -> list[MessageAttachment]:
    """Store checked files on ``message``. Call inside the message's transaction, *before* its event is
    recorded (listeners such as after-sales evidence see the files). Every stored name is appended to ``saved``
    as soon as it exists, so ``core.files.removed_on_failure`` can delete it if the transaction fails."""
    refuse_too_many(len(checked))
    stored: list[MessageAttachment] = []
    uploader = actor_or_none(actor)
    for item in checked:
        attachment = MessageAttachment(
            message=message,
            content_type=item.content_type,
            size=len(item.content),
            original_name=item.original_name,
            uploaded_by=uploader,
        )
        attachment.file.save(files.stored_name(item), ContentFile(item.content), save=False)
        saved.append(attachment.file.name)
        thumbnail = files.make_thumbnail(item)
        if thumbnail is not None:
            attachment.thumbnail.save(thumbnail.name or "thumb.jpg", thumbnail, save=False)
            saved.append(attachment.thumbnail.name)
        attachment.save()
        stored.append(attachment)
    return stored
