"""Two managers resolving the same complaint at once, and two agents recording the same follow-up call, on
the real PostgreSQL: one wins, the other is refused, nothing is done twice."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from complaints import services
from complaints.models import Complaint, FollowUp
from core.errors import Conflict
from tests.concurrency import race
from tests.factories import UserFactory, make_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_managers_resolving_at_once_resolve_once(team, manager):
    other = UserFactory(username="manager2")
    other.groups.add(Group.objects.get_or_create(name="Manager")[0])
    ticket = make_ticket(kind="complaint", category="logistics", subject="包裹丢失", team=team)
    complaint = Complaint.objects.get(ticket=ticket)

    def resolve(actor, text):
        return lambda: services.complaint_resolve(
            complaint=complaint,
            actor=actor,
            root_cause=text,
            outcome=text,
            message=text,
            compensation_amount=Decimal("5"),
        )

    outcomes = race(resolve(manager, "甲"), resolve(other, "乙"), expected=(Conflict,))
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    assert ticket.messages.filter(author_type="agent").count() == 1
    assert FollowUp.objects.filter(complaint=complaint).count() == 1


def test_two_agents_recording_the_same_follow_up_record_it_once(team, manager, agent, other_agent):
    ticket = make_ticket(kind="complaint", category="logistics", subject="包裹丢失", team=team)
    complaint = Complaint.objects.get(ticket=ticket)
    services.complaint_resolve(complaint=complaint, actor=manager, root_cause="a", outcome="b", message="c")
    follow_up = FollowUp.objects.get()
    outcomes = race(
        lambda: services.follow_up_record(follow_up=follow_up, actor=agent, satisfied=True),
        lambda: services.follow_up_record(follow_up=follow_up, actor=other_agent, satisfied=False),
        expected=(Conflict,),
    )
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    follow_up.refresh_from_db()
    assert follow_up.is_done
