"""A manager's refused decision on an approval (no note to reject, above their own limit) shows the page it came
from again, status 4xx, with the message once, at the note field, and the note as typed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.models import UserAuthorityOverride
from aftersales.services.approvals import aftersales_approval_request

pytestmark = pytest.mark.django_db

NOTE_REQUIRED = "A note is required to reject."


@pytest.fixture
def approval(make_request, agent):  # type: ignore[no-untyped-def]
    request = make_request(type="compensation", compensation_amount=Decimal("35"))
    return aftersales_approval_request(request=request, actor=agent, note="老客户")


@pytest.fixture
def other_approval(approval, agent, make_request, as_ticket):  # type: ignore[no-untyped-def]
    """A second pending approval on the page, which the refusal must leave alone."""
    from tests.factories import make_ticket

    ticket = make_ticket(kind="aftersales", category="compensation", customer=as_ticket.customer, team=as_ticket.team)
    request = make_request(ticket=ticket, type="compensation", compensation_amount=Decimal("40"))
    return aftersales_approval_request(request=request, actor=agent)


@pytest.fixture
def manager_client(client, manager):  # type: ignore[no-untyped-def]
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _decision_form(html: str, approval_pk: int) -> str:
    action = reverse("aftersales:approval-decide", args=[approval_pk])
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert match, f"no decision form for approval {approval_pk}"
    return match.group(0)


def test_rejecting_without_a_note_shows_the_approvals_page_with_the_error_once_at_the_note(
    manager_client, approval, other_approval
):
    response = manager_client.post(reverse("aftersales:approval-decide", args=[approval.pk]), {"decision": "reject"})
    assert response.status_code == 400
    assert "aftersales/approvals.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert html.count(NOTE_REQUIRED) == 1 and "Say why you reject it." not in html
    assert 'class="flash' not in html and 'class="form-error"' not in html
    form = _decision_form(html, approval.pk)
    assert NOTE_REQUIRED in form and 'aria-invalid="true"' in form
    assert form.index('name="note"') < form.index(NOTE_REQUIRED) < form.index('value="reject"')
    assert NOTE_REQUIRED not in _decision_form(html, other_approval.pk)
    # Nothing is decided and both approvals are still listed.
    approval.refresh_from_db()
    assert approval.status == "pending"
    assert approval.request.ticket.reference in html and other_approval.request.ticket.reference in html


def test_a_refusal_keeps_the_note_as_typed(manager_client, manager, approval):
    UserAuthorityOverride.objects.create(user=manager, max_compensation=Decimal("10"))
    response = manager_client.post(
        reverse("aftersales:approval-decide", args=[approval.pk]), {"decision": "approve", "note": "同意，老客户"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    form = _decision_form(html, approval.pk)
    assert 'value="同意，老客户"' in form
    assert html.count("These amounts are above your own authority limit.") == 1
    assert "above your own authority limit" in form


def test_rejecting_from_the_ticket_page_shows_the_ticket_page_again_with_the_error_at_the_note(
    manager_client, approval
):
    ticket_page = reverse("tickets:detail", args=[approval.request.ticket_id])
    response = manager_client.post(
        reverse("aftersales:approval-decide", args=[approval.pk]),
        {"decision": "reject", "note": "  ", "next": ticket_page + "#aftersales"},
    )
    assert response.status_code == 400
    assert "tickets/detail.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert html.count(NOTE_REQUIRED) == 1 and "Say why you reject it." not in html
    assert NOTE_REQUIRED in _decision_form(html, approval.pk)
    assert 'data-testid="aftersales-error"' not in html  # not also at the top of the panel


def test_a_decision_with_a_note_still_goes_back_where_it_came_from(manager_client, approval):
    response = manager_client.post(
        reverse("aftersales:approval-decide", args=[approval.pk]), {"decision": "reject", "note": "金额过高"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("aftersales:approvals")
    approval.refresh_from_db()
    assert approval.status == "rejected"
