"""Buyers: one per platform account, upserted from every intake path; their contact details revealed only on
request, and every reveal — and every look at a buyer's profile — in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import roles
from audit.enums import AuditAction
from audit.services import audit_record
from core.actors import Actor
from core.errors import Forbidden
from core.platforms import Platform

from ..models import Customer


def customer_upsert(
    *,
    platform: str,
    platform_account_id: str,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    tier: str | None = None,
) -> Customer:
    """Find the customer by (platform, platform account id) or create them; update the details given.

    Details not given (``None``) are left as they are, so a platform that sends only a name does not erase
    a phone number recorded earlier.
    """
    updates: dict[str, Any] = {"name": name}
    for field, value in (("phone", phone), ("email", email), ("tier", tier)):
        if value is not None:
            updates[field] = value
    with transaction.atomic():
        customer = (
            Customer.objects.select_for_update()
            .filter(platform=platform, platform_account_id=platform_account_id)
            .first()
        )
        if customer is None:
            try:
                with transaction.atomic():
                    return Customer.objects.create(
                        platform=platform, platform_account_id=platform_account_id, **updates
                    )
            except IntegrityError:
                # Another request created the same buyer a moment ago: update theirs instead.
                customer = Customer.objects.select_for_update().get(
                    platform=platform, platform_account_id=platform_account_id
                )
        changed = [field for field, value in updates.items() if getattr(customer, field) != value]
        for field in changed:
            setattr(customer, field, updates[field])
        if changed:
            customer.save(update_fields=[*changed, "updated_at"])
        return customer


def customer_is_as_given(customer: Customer, details: dict[str, Any]) -> bool:
    return all(
        value is None or getattr(customer, field) == value
        for field, value in details.items()
        if field not in ("platform", "platform_account_id")
    )


def customer_audit_label(customer: Customer) -> str:
    """How the audit log names a buyer: name, platform and account id — never a contact detail. The platform is
    kept as its code (entries are never rewritten); ``customer_audit_label_shown`` words it for a reader."""
    return f"{customer.name} · {customer.platform} {customer.platform_account_id}"


def customer_audit_label_shown(label: str) -> str:
    """A label written by ``customer_audit_label``, with the platform in the reader's language ("王小明 · taobao
    tb_x" reads "王小明 · 淘宝 tb_x"). A label in another shape, or of a platform no longer known, is kept."""
    name, separator, account = label.rpartition(" · ")
    platform, space, account_id = account.partition(" ")
    if not separator or not space or platform not in Platform.values:
        return label
    return f"{name} · {Platform(platform).label} {account_id}"


def customer_contact_reveal(*, customer: Customer, user: Any, context: str = "") -> dict[str, str]:
    """Return the customer's unmasked phone and e-mail, and log who looked (every reveal is an audit entry, with
    ``context``, e.g. the ticket it was shown on).

    Raises ``Forbidden`` for roles that may only see masked contact details.
    """
    if not roles.can_see_customer_contact(user):
        raise Forbidden(_("Your role may not see customer contact details."))
    audit_record(
        action=AuditAction.CONTACT_REVEALED,
        actor=user,
        target=customer,
        target_label=customer_audit_label(customer),
        context=context,
    )
    return {"phone": customer.phone, "email": customer.email}


def customer_profile_record_view(*, customer: Customer, actor: Actor, context: str = "") -> None:
    """Log that ``actor`` opened the buyer's profile (the audit entry says whether on the page or over the API,
    with the request id), or with ``context`` one of its lists (``customers.audit_contexts``: every ticket, every
    order). Call it before the data is sent. The profile shows contact details masked."""
    audit_record(
        action=AuditAction.CUSTOMER_VIEWED,
        actor=actor,
        target=customer,
        target_label=customer_audit_label(customer),
        context=context,
    )
