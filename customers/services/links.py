"""One buyer's accounts on several platforms, linked into a ``Person`` (and unlinked), with an audit row."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, actor_or_none
from core.errors import ValidationFailed

from ..enums import LinkAction
from ..models import Customer, CustomerLinkEvent, Person


@dataclass(frozen=True)
class LinkResult:
    person: Person | None
    changed: bool


def customer_link(*, customer: Customer, other: Customer, actor: Actor) -> LinkResult:
    """Record that ``customer`` and ``other`` are the same human: afterwards both share one person.

    Neither linked yet: a new person. One linked: the other joins that person. Both linked to different
    persons: the persons merge (the older one stays, the newer one's accounts move to it and it is deleted).
    Already the same person: nothing changes (``changed`` is False). Linking an account to itself is refused
    (``ValidationFailed``). Writes one ``CustomerLinkEvent`` (linked or merged) with the actor.
    Locks both customer rows (in id order, so two links of the same pair cannot deadlock).
    """
    if customer.pk == other.pk:
        raise ValidationFailed(
            _("An account cannot be linked to itself."),
            fields={"platform_account_id": [_("Choose another account of this buyer.")]},
            code="link_to_self",
        )
    actor = actor_or_none(actor)
    with transaction.atomic():
        locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[customer.pk, other.pk])}
        customer, other = locked[customer.pk], locked[other.pk]
        if customer.person_id is not None and customer.person_id == other.person_id:
            return LinkResult(person=customer.person, changed=False)
        if customer.person_id is None and other.person_id is None:
            person = Person.objects.create(created_by=actor_or_none(actor))
            Customer.objects.filter(pk__in=[customer.pk, other.pk]).update(person=person, updated_at=timezone.now())
            _link_event(LinkAction.LINKED, customer, other, person.pk, actor)
        elif customer.person_id is None or other.person_id is None:
            person_id = customer.person_id or other.person_id
            Customer.objects.filter(pk__in=[customer.pk, other.pk]).update(
                person_id=person_id, updated_at=timezone.now()
            )
            _link_event(LinkAction.LINKED, customer, other, person_id, actor)
        else:
            kept_id, absorbed_id = sorted([customer.person_id, other.person_id])  # type: ignore[type-var]
            # Lock every account of both persons so no concurrent link or unlink sees half a merge.
            list(Customer.objects.select_for_update().filter(person_id__in=[kept_id, absorbed_id]))
            Customer.objects.filter(person_id=absorbed_id).update(person_id=kept_id, updated_at=timezone.now())
            Person.objects.filter(pk=absorbed_id).delete()
            _link_event(LinkAction.MERGED, customer, other, kept_id, actor, merged_person_ref=absorbed_id)
        customer.refresh_from_db(fields=["person"])
        other.refresh_from_db(fields=["person"])
        return LinkResult(person=customer.person, changed=True)


def customer_unlink(*, customer: Customer, actor: Actor) -> LinkResult:
    """Take ``customer`` out of its person (it becomes a lone account again).

    A person left with a single account is dissolved too: one account needs no person. An account that is
    not linked is left as it is (``changed`` is False), so a repeated unlink is harmless. Writes one
    ``CustomerLinkEvent`` (unlinked) with the actor.
    """
    actor = actor_or_none(actor)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        person_id = customer.person_id
        if person_id is None:
            return LinkResult(person=None, changed=False)
        rest = list(Customer.objects.select_for_update().filter(person_id=person_id).exclude(pk=customer.pk))
        customer.person = None
        customer.save(update_fields=["person", "updated_at"])
        if len(rest) <= 1:
            Customer.objects.filter(person_id=person_id).update(person=None, updated_at=timezone.now())
            Person.objects.filter(pk=person_id).delete()
        _link_event(LinkAction.UNLINKED, customer, rest[0] if len(rest) == 1 else None, person_id, actor)
        return LinkResult(person=None, changed=True)


def _link_event(
    action: str,
    customer: Customer,
    other: Customer | None,
    person_ref: int | None,
    actor: Actor,
    *,
    merged_person_ref: int | None = None,
) -> CustomerLinkEvent:
    return CustomerLinkEvent.objects.create(
        action=action,
        customer=customer,
        other=other,
        person_ref=person_ref,
        merged_person_ref=merged_person_ref,
        actor=actor_or_none(actor),
    )
