"""Evidence files: checked by content before any transaction, stored through Django's storage API."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import files
from core.actors import Actor, actor_or_none
from core.errors import Conflict, validate_choice
from tickets.selectors_attachments import message_attachments
from tickets.services.assignment import ticket_claim_if_unassigned
from tickets.services.common import label_id

from ..enums import (
    EvidenceKind,
)
from ..models import AfterSalesRequest, Evidence
from .common import lock_request, timeline_add

logger = logging.getLogger(__name__)


def store_evidence(request: AfterSalesRequest, kind: str, checked: files.CheckedFile, actor: Actor) -> Evidence:
    evidence = Evidence(
        request=request,
        kind=kind,
        content_type=checked.content_type,
        size=len(checked.content),
        original_name=checked.original_name,
        uploaded_by=actor_or_none(actor),
    )
    evidence.file.save(files.stored_name(checked), ContentFile(checked.content), save=False)
    thumbnail = files.make_thumbnail(checked)
    if thumbnail is not None:
        evidence.thumbnail.save(thumbnail.name or "thumb.jpg", thumbnail, save=False)
    evidence.save()
    return evidence


def delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete orphaned evidence file %s", name)


def aftersales_evidence_add(*, request: AfterSalesRequest, kind: str, file: Any, actor: Actor) -> Evidence:
    """Attach one more file (checked like at creation). Refused once the request has ended."""
    validate_choice(kind, EvidenceKind, "kind")
    checked = files.check_upload(file, field="file")
    saved: list[str] = []
    try:
        with transaction.atomic():
            request = lock_request(request)
            ticket_claim_if_unassigned(ticket=request.ticket_id, actor=actor)
            if request.is_terminal:
                raise Conflict(_("The request has ended; no more evidence can be added."))
            evidence = store_evidence(request, kind, checked, actor)
            saved = [evidence.file.name, evidence.thumbnail.name or ""]
            timeline_add(
                request,
                actor,
                gettext_noop("Evidence added: %(kind_label)s."),
                kind_label=label_id(EvidenceKind(evidence.kind).label),
            )
    except BaseException:
        delete_files(saved)
        raise
    return evidence


# The buyer's photos sent with a message (tracking page, help centre, platform push) count as evidence.
BUYER_FILE_KINDS = {True: EvidenceKind.PRODUCT_PHOTO, False: EvidenceKind.OTHER}  # is_image -> kind


def aftersales_evidence_from_buyer_message(*, ticket_id: int, message_id: int) -> list[Evidence]:
    """Keep the files of a buyer's message on an after-sales ticket as evidence of its request.

    Called by the ticket core's event listener (``aftersales.handlers``) inside the message's transaction,
    after the files were stored. The evidence points at the *same* stored files as the ticket attachments (no
    copy: the bytes were checked once, and stored files are never deleted while a row names them). Photos
    become "product photo" evidence, PDFs "other file". Nothing happens without a request, or once it ended
    (the files stay on the conversation).
    """
    found = AfterSalesRequest.objects.filter(ticket_id=ticket_id).values_list("pk", flat=True).first()
    if found is None:
        return []
    attachments = [
        attachment
        for attachment in message_attachments(message_id=message_id)
        if attachment.is_image or attachment.content_type == "application/pdf"
    ]
    if not attachments:
        return []
    request = lock_request(found)
    if request.is_terminal:
        return []
    created = []
    for attachment in attachments:
        evidence = Evidence(
            request=request,
            kind=BUYER_FILE_KINDS[attachment.is_image],
            content_type=attachment.content_type,
            size=attachment.size,
            original_name=attachment.original_name,
            uploaded_by=None,
        )
        evidence.file.name = attachment.file.name
        evidence.thumbnail.name = attachment.thumbnail.name or ""
        evidence.save()
        created.append(evidence)
    timeline_add(
        request,
        None,
        gettext_noop("The buyer's files were added as evidence: %(count)s."),
        count=len(created),
    )
    return created
