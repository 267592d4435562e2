"""What the after-sales services share: the row lock, the ticket timeline line, telling the buyer.
Package-internal: other apps call the topic modules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actors import Actor
from core.errors import NotFound
from tickets.enums import TicketStatus
from tickets.models import Ticket
from tickets.selectors import ticket_managers
from tickets.services.common import ticket_record_event
from tickets.services.messages import ticket_add_system_message

from ..enums import (
    RequestStatus,
    RequestType,
)
from ..models import AfterSalesRequest, Approval

REFUND_TYPES = (RequestType.REFUND_ONLY, RequestType.RETURN_REFUND)


ZERO = Decimal("0.00")
TRACKING_NUMBER_MAX = 64  # the tracking number columns' length


def lock_request(request: AfterSalesRequest | int) -> AfterSalesRequest:
    pk = request.pk if isinstance(request, AfterSalesRequest) else request
    try:
        return (
            AfterSalesRequest.objects.select_for_update(of=("self",))
            .select_related("ticket", "reason", "order")
            .get(pk=pk)
        )
    except AfterSalesRequest.DoesNotExist:
        raise NotFound(_("No such after-sales request.")) from None


def status_label(status: str) -> str:
    return str(RequestStatus(status).label) if status in RequestStatus.values else status


def timeline_add(request: AfterSalesRequest, actor: Actor, summary: str | list[str], **params: Any) -> None:
    """Put a step on the ticket's timeline (a workflow event: staff see it, the buyer does not), stored as
    message ids and translated for each reader; see ``tickets.services.ticket_record_event``."""
    ticket_record_event(ticket=request.ticket, actor=actor, summary=summary, **params)


BUYER_MESSAGES: dict[str, str] = {
    RequestStatus.REJECTED: gettext_noop("Sorry, your %(type)s request could not be accepted. %(note)s"),
    RequestStatus.WAITING_FOR_RETURN: gettext_noop(
        "Your %(type)s request was approved. Please send the item back and tell us the tracking number."
    ),
    RequestStatus.REFUNDED: gettext_noop("¥%(refund)s has been refunded to you."),
    RequestStatus.REPLACEMENT_SHIPPED: gettext_noop("Your replacement is on its way: parcel %(outbound)s."),
    RequestStatus.COMPENSATED: gettext_noop("¥%(compensation)s compensation has been paid to you."),
}


def tell_the_buyer(request: AfterSalesRequest, to_status: str, note: str) -> None:
    """The buyer hears of each step that concerns them (a public system message, in the shop's language),
    unless the ticket is already closed. It does not count as an agent's reply."""

    message_id = BUYER_MESSAGES.get(to_status)
    if message_id is None or Ticket.objects.filter(pk=request.ticket_id, status=TicketStatus.CLOSED).exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = _(message_id) % {
            "type": RequestType(request.type).label,
            "note": note,
            "refund": request.refund_amount,
            "outbound": request.outbound_tracking_number,
            "compensation": request.compensation_amount,
        }
    ticket_add_system_message(ticket=request.ticket, body=body.strip(), event_data={"aftersales": to_status})


def approvals_set_status(
    approvals: QuerySet[Approval], *, to_status: str, decided_at: datetime, **decision: Any
) -> int:
    """The one function that writes ``Approval.status``: a manager's decision (``decided_by``,
    ``decision_note``), or a request's pending approvals superseded (approved within someone's own authority,
    an accepted offer, a request that ended). Returns how many changed."""
    return approvals.update(status=to_status, decided_at=decided_at, **decision)


def managers_for(ticket: Ticket) -> list[Any]:
    return ticket_managers(ticket=ticket)
