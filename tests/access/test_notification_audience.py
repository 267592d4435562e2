"""Notifications and e-mails about a ticket reach only people who may see it: the bell, the live stream and
the inbox of someone the ticket page answers 404 must not carry its reference and subject."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from notifications.models import Notification
from tests.browser import staff_user
from tests.factories import TeamFactory, make_ticket
from tickets.access import ticket_readers
from tickets.models import Escalation, EscalationStep, SlaPolicy
from tickets.selectors import ticket_managers
from tickets.services.escalation import escalation_send_email, sla_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams():  # type: ignore[no-untyped-def]
    after, pre = TeamFactory(name="售后 After-sales"), TeamFactory(name="售前 Pre-sales")
    people = {
        "after_manager": staff_user("after_manager", Role.MANAGER, email="am@example.com"),
        "pre_manager": staff_user("pre_manager", Role.MANAGER, email="pm@example.com"),
        "lead": staff_user("lead", Role.MANAGER, email="lead@example.com"),  # manages no team: sees all
        "admin": staff_user("boss", Role.ADMIN, email="boss@example.com"),
        "member": staff_user("member", Role.AGENT),
        "own_only": staff_user("own_only", Role.AGENT, ticket_scope="assigned"),
    }
    after.managers.add(people["after_manager"])
    after.members.add(people["member"], people["own_only"])
    pre.managers.add(people["pre_manager"])
    return after, pre, people


def _recipients(verb: str) -> set[str]:
    return set(Notification.objects.filter(verb=verb).values_list("recipient__username", flat=True))


def test_ticket_readers_keeps_only_those_who_may_see_the_ticket(teams):
    after, _pre, people = teams
    ticket = make_ticket(team=after)
    everyone = list(people.values())
    assert [user.username for user in ticket_readers(ticket, [*everyone, None, people["lead"]])] == [
        "after_manager",
        "lead",
        "boss",
        "member",
    ]


def test_a_chain_level_naming_every_manager_reaches_only_those_who_see_the_ticket(teams):
    after, _pre, people = teams
    policy = SlaPolicy.objects.get()
    step = EscalationStep.objects.create(
        policy=policy, level=2, after_minutes=30, notify_group=Group.objects.get(name=Role.MANAGER)
    )
    step.notify_users.add(people["own_only"])  # named by hand, but the ticket is not theirs
    start = timezone.now()
    ticket = make_ticket(team=after, received_at=start)
    ticket.restricted = True
    ticket.save(update_fields=["restricted"])
    sla_sweep(now=start + timedelta(minutes=10))
    sla_sweep(now=start + timedelta(minutes=41))
    level_two = Escalation.objects.get(level=2, target="first_response")
    assert set(
        Notification.objects.filter(verb="escalated", dedupe_key=f"escalation:{level_two.pk}").values_list(
            "recipient__username", flat=True
        )
    ) == {"after_manager", "lead"}
    mail.outbox.clear()
    assert escalation_send_email(escalation_id=level_two.pk) is True
    assert sorted(mail.outbox[0].to) == ["am@example.com", "lead@example.com"]


def test_an_sla_warning_to_the_team_skips_a_member_who_sees_only_their_own_tickets(teams):
    after, _pre, _people = teams
    start = timezone.now()
    make_ticket(team=after, received_at=start)
    sla_sweep(now=start + timedelta(minutes=9))
    assert _recipients("sla_warning") == {"member"}


def test_a_team_without_managers_falls_back_to_managers_who_may_see_its_tickets(teams):
    _after, _pre, people = teams
    leaderless = TeamFactory(name="夜班 Night")
    ticket = make_ticket(team=leaderless)
    assert {user.username for user in ticket_managers(ticket=ticket)} == {"lead", "boss"}
    start = timezone.now()
    make_ticket(team=leaderless, received_at=start)
    sla_sweep(now=start + timedelta(minutes=10))
    assert _recipients("escalated") == {"lead", "boss"}


def test_choosing_readers_costs_four_queries_however_large_the_team(teams, django_assert_max_num_queries):
    """The sweep warns whole teams: one query per member made a warning to 20 agents cost 60 more queries."""
    after, _pre, _people = teams
    crowd = [staff_user(f"agent{number}", Role.AGENT, ticket_scope="all") for number in range(20)]
    ticket = make_ticket(team=after)
    fresh = list(get_user_model().objects.filter(pk__in=[user.pk for user in crowd]).order_by("id"))
    with django_assert_max_num_queries(4):
        readers = ticket_readers(ticket, fresh)
    assert len(readers) == 20
