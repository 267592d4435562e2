"""customer_link / customer_unlink: one person behind accounts on several platforms."""

import pytest

from core.errors import ValidationFailed
from customers.enums import LinkAction
from customers.models import CustomerLinkEvent, Person
from customers.services.links import customer_link, customer_unlink
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_linking_two_lone_accounts_makes_one_person_and_records_who(agent):
    taobao, jd = CustomerFactory(platform="taobao"), CustomerFactory(platform="jd")
    result = customer_link(customer=taobao, other=jd, actor=agent)
    taobao.refresh_from_db()
    jd.refresh_from_db()
    assert result.changed and result.person is not None
    assert taobao.person_id == jd.person_id == result.person.pk
    event = CustomerLinkEvent.objects.get()
    assert (event.action, event.customer, event.other, event.actor) == (LinkAction.LINKED, taobao, jd, agent)
    assert event.person_ref == result.person.pk


def test_a_lone_account_joins_the_others_person(agent):
    a, b, c = CustomerFactory(), CustomerFactory(platform="jd"), CustomerFactory(platform="douyin")
    person = customer_link(customer=a, other=b, actor=agent).person
    customer_link(customer=c, other=b, actor=agent)
    assert set(person.accounts.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert Person.objects.count() == 1


def test_linking_accounts_of_two_persons_merges_them_into_the_older(agent):
    a, b = CustomerFactory(), CustomerFactory(platform="jd")
    c, d = CustomerFactory(platform="douyin"), CustomerFactory(platform="pinduoduo")
    older = customer_link(customer=a, other=b, actor=agent).person
    newer = customer_link(customer=c, other=d, actor=agent).person
    result = customer_link(customer=d, other=a, actor=agent)
    assert result.person.pk == older.pk
    assert not Person.objects.filter(pk=newer.pk).exists()
    assert set(older.accounts.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk, d.pk}
    merge = CustomerLinkEvent.objects.get(action=LinkAction.MERGED)
    assert merge.person_ref == older.pk and merge.merged_person_ref == newer.pk


def test_linking_what_is_already_linked_changes_nothing(agent):
    a, b = CustomerFactory(), CustomerFactory(platform="jd")
    customer_link(customer=a, other=b, actor=agent)
    result = customer_link(customer=b, other=a, actor=agent)
    assert not result.changed
    assert CustomerLinkEvent.objects.count() == 1


def test_an_account_cannot_be_linked_to_itself(agent):
    a = CustomerFactory()
    with pytest.raises(ValidationFailed) as exc:
        customer_link(customer=a, other=a, actor=agent)
    assert exc.value.code == "link_to_self"


def test_unlinking_takes_the_account_out_and_keeps_the_rest_together(agent):
    a, b, c = CustomerFactory(), CustomerFactory(platform="jd"), CustomerFactory(platform="douyin")
    person = customer_link(customer=a, other=b, actor=agent).person
    customer_link(customer=a, other=c, actor=agent)
    assert customer_unlink(customer=b, actor=agent).changed
    b.refresh_from_db()
    assert b.person_id is None
    assert set(person.accounts.values_list("pk", flat=True)) == {a.pk, c.pk}
    event = CustomerLinkEvent.objects.filter(action=LinkAction.UNLINKED).get()
    assert event.customer == b and event.actor == agent


def test_unlinking_one_of_two_accounts_dissolves_the_person(agent):
    a, b = CustomerFactory(), CustomerFactory(platform="jd")
    person = customer_link(customer=a, other=b, actor=agent).person
    customer_unlink(customer=a, actor=agent)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.person_id is None and b.person_id is None
    assert not Person.objects.filter(pk=person.pk).exists()


def test_unlinking_a_lone_account_is_harmless(agent):
    a = CustomerFactory()
    assert not customer_unlink(customer=a, actor=agent).changed
    assert not CustomerLinkEvent.objects.exists()
