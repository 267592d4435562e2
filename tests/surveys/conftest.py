from __future__ import annotations

import pytest

from tests.factories import CustomerFactory, make_ticket
from tickets.services.assignment import ticket_assign
from tickets.services.messages import ticket_reply
from tickets.services.transitions import ticket_transition


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):  # type: ignore[no-untyped-def]
    """Invitation e-mails queued after commit are recorded, not sent to a broker."""
    from surveys import tasks

    queued: list[int] = []
    monkeypatch.setattr(
        tasks.survey_invitation_email_task, "apply_async", lambda args, **kwargs: queued.append(args[0])
    )
    return queued


@pytest.fixture
def resolve(team, agent, manager):  # type: ignore[no-untyped-def]
    """resolve(**ticket fields) -> a ticket of ``team``, answered by ``agent`` and resolved."""
    from surveys.services import survey_ensure_default

    survey_ensure_default()  # transactional tests flush what the data migration created

    return _resolver(team, agent, manager)


def _resolver(team, agent, manager):  # type: ignore[no-untyped-def]

    def make(email: str = "", **fields):  # type: ignore[no-untyped-def]
        fields.setdefault("team", team)
        fields.setdefault("customer", CustomerFactory(email=email))
        ticket = make_ticket(**fields)
        ticket_assign(ticket=ticket, assignee=agent, actor=manager)
        ticket_reply(ticket=ticket, author=agent, body="您好，已为您处理。")
        ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
        ticket.refresh_from_db()
        return ticket

    return make
