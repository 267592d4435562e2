"""A buyer opens a request from the help centre (自助提交): an inquiry, a complaint or an after-sales request
about one of their orders. It becomes a ticket through the same intake as every channel
(``tickets.services.intake.ticket_create``: routing, SLA, the complaint apology), and the buyer's photos become
the files of their first message.

Ownership: the buyer proves the order is theirs with the last 4 digits of the phone number on the order's buyer
record, or with their account id on the platform. Both are compared in constant time, and every failure (no
such order, wrong digits, wrong account) is the same message, so the form tells nobody whether an order exists.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed, validate_choice
from core.files import CheckedFile
from core.limits import BODY_MAX, SUBJECT_MAX, refuse_long_text
from core.platforms import Platform
from customers.models import Order
from tickets.enums import Category, Channel, TicketKind
from tickets.models import Ticket
from tickets.services.intake import ticket_create
from tickets.services.messages import ticket_add_customer_message

# What the buyer chooses → the ticket's kind. The category is "other": the agent (or a routing rule) refines it.
REQUEST_KINDS = {
    "inquiry": TicketKind.INQUIRY,
    "complaint": TicketKind.COMPLAINT,
    "aftersales": TicketKind.AFTERSALES,
}
REQUEST_KIND_LABELS = {
    "inquiry": gettext_lazy("A question"),
    "complaint": gettext_lazy("A complaint"),
    "aftersales": gettext_lazy("After-sales (return, exchange, refund)"),
}
SUBJECT_WORDS = 60  # characters of the description that make the ticket's subject
PHONE_DIGITS = 4
# Compared against when there is no order, so a miss costs the same as a wrong proof.
_NO_ACCOUNT = "\x00" * 32


class OrderNotMatched(ValidationFailed):
    code = "order_not_matched"


def order_not_matched() -> OrderNotMatched:
    message = _(
        "We could not match this order. Check the platform, the order number and the last 4 digits of the "
        "phone number (or your account name), then try again."
    )
    return OrderNotMatched(message)


def _last_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")[-PHONE_DIGITS:]


def proof_matches(order: Order | None, proof: str) -> bool:
    """Whether ``proof`` is the last 4 digits of the order's buyer phone or the buyer's platform account id.
    Both comparisons always run, in constant time, whether or not there is an order."""
    proof = proof.strip()
    phone = _last_digits(order.customer.phone) if order is not None else ""
    account = order.customer.platform_account_id if order is not None else _NO_ACCOUNT
    digits_ok = hmac.compare_digest(proof.encode(), (phone or _NO_ACCOUNT).encode())
    account_ok = hmac.compare_digest(proof.casefold().encode(), account.casefold().encode())
    has_phone = len(phone) == PHONE_DIGITS
    return order is not None and bool(proof) and ((digits_ok and has_phone) or account_ok)


def help_request_submit(
    *,
    kind: str,
    platform: str,
    order_number: str,
    proof: str,
    description: str,
    photos: Sequence[CheckedFile] = (),
) -> Ticket:
    """Open the buyer's ticket, with ``photos`` (checked beforehand) on their first message.

    Refused, with nothing written: an unknown kind or platform, an empty or too long description, and (one
    generic ``OrderNotMatched``) an order that does not exist or whose buyer the proof does not match.
    """
    if kind not in REQUEST_KINDS:
        raise ValidationFailed(
            _("Choose what your request is about."), fields={"kind": [_("Choose one of the options.")]}
        )
    validate_choice(platform, Platform, "platform")
    description = description.strip()
    if not description:
        raise ValidationFailed(_("Tell us what happened."), fields={"description": [_("This field is required.")]})
    refuse_long_text(description=(description, BODY_MAX))
    order = (
        Order.objects.select_related("customer").filter(platform=platform, order_number=order_number.strip()).first()
        if order_number.strip()
        else None
    )
    if not proof_matches(order, proof) or order is None:
        raise order_not_matched()
    first_line = description.splitlines()[0].strip()
    subject = first_line[:SUBJECT_WORDS] + ("…" if len(first_line) > SUBJECT_WORDS else "")
    with transaction.atomic():
        ticket = ticket_create(
            kind=REQUEST_KINDS[kind],
            category=Category.OTHER,
            subject=subject[:SUBJECT_MAX],
            customer=order.customer,
            description=description,
            channel=Channel.WEB_FORM,
            order=order,
        )
        if photos:
            # The buyer's first message is the description (the ticket's); the photos arrive with it.
            ticket_add_customer_message(ticket=ticket, body="", attachments=photos)
    return ticket
