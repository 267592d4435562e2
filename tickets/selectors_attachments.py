"""Reads of message attachments: who may get which file."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from .access import may_read_notes, visible_tickets_q
from .enums import MessageVisibility
from .models import Message, MessageAttachment, Ticket


def attachment_for_staff(*, ticket_id: int, attachment_id: int, user: Any) -> MessageAttachment | None:
    """An attachment of ticket ``ticket_id`` if ``user`` may see that ticket (the rule of
    ``ticket_get_for_agent``: ``tickets.access.visible_tickets_q``), else None, in one query: a page with
    twenty thumbnails asks twenty times. Internal notes' files only for readers of notes (staff; integrations
    with notes:read)."""
    queryset = MessageAttachment.objects.filter(
        visible_tickets_q(user, prefix="message__ticket__"), pk=attachment_id, message__ticket_id=ticket_id
    )
    if not may_read_notes(user):
        queryset = queryset.filter(message__visibility=MessageVisibility.PUBLIC)
    return queryset.first()


def attachment_for_buyer(*, ticket: Ticket, attachment_id: int) -> MessageAttachment | None:
    """An attachment the buyer may open through their tracking link: on a public message of their ticket
    (agents' replies and their own messages), never an internal note's."""
    return MessageAttachment.objects.filter(
        pk=attachment_id, message__ticket=ticket, message__visibility=MessageVisibility.PUBLIC
    ).first()


def attachment_public(*, attachment_id: int) -> MessageAttachment | None:
    """An attachment of a public message (a signed webhook link names it; internal notes' never qualify)."""
    return MessageAttachment.objects.filter(pk=attachment_id, message__visibility=MessageVisibility.PUBLIC).first()


def public_messages(*, ticket: Ticket) -> QuerySet[Message]:
    """The buyer's view of the conversation: public messages with their files, oldest first."""
    return (
        ticket.messages.filter(visibility=MessageVisibility.PUBLIC)
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def message_attachments(*, message_id: int) -> list[MessageAttachment]:
    return list(MessageAttachment.objects.filter(message_id=message_id).order_by("id"))
