"""The survey reaches the shop platform: the link over the API and in ticket.resolved; survey.completed."""

from __future__ import annotations

import pytest

from integrations.scopes import Scope
from surveys import links
from surveys.models import SurveyInvitation
from webhooks.enums import WebhookEventType
from webhooks.models import WebhookEvent
from webhooks.services.endpoints import webhook_endpoint_create
from webhooks.services.outbox import webhook_subscriptions_forget

GOOD = {"score_professional": "5", "score_attitude": "2", "score_speed": "4", "solved": "no", "comment": "态度一般"}


@pytest.fixture
def subscribed(settings, make_key):  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    webhook_subscriptions_forget()
    integration, _key, _secret = make_key(platform="")
    webhook_endpoint_create(
        integration=integration, url="http://127.0.0.1:9/hooks", events=list(WebhookEventType.values)
    )
    yield
    webhook_subscriptions_forget()


def test_ticket_resolved_webhook_carries_the_survey_link(subscribed, resolve):
    ticket = resolve()
    event = WebhookEvent.objects.get(type="ticket.resolved")
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert event.payload["data"]["survey_url"] == links.survey_url(invitation)


def test_answering_emits_survey_completed_with_the_scores(subscribed, resolve, client):
    ticket = resolve(external_id="TB-CONV-1")
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    client.post(f"/survey/{links.survey_token(invitation)}/", GOOD)
    data = WebhookEvent.objects.get(type="survey.completed").payload["data"]
    assert data["ticket_id"] == ticket.pk and data["ticket_reference"] == ticket.reference
    assert data["external_id"] == "TB-CONV-1"
    assert data["scores"] == {"professional": 5, "attitude": 2, "speed": 4}
    assert data["average_score"] == "3.667" and data["solved"] is False and data["comment"] == "态度一般"


def test_the_api_hands_the_link_to_the_platform_then_the_answers(resolve, make_key, key_client, client):
    _integration, _key, secret = make_key(scopes=[Scope.TICKETS_READ])
    api = key_client(secret)
    from tests.factories import make_ticket

    open_ticket = make_ticket()
    assert api.get(f"/api/v1/tickets/{open_ticket.pk}/survey/").json()["status"] == "not_invited"
    ticket = resolve()
    invited = api.get(f"/api/v1/tickets/{ticket.pk}/survey/").json()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invited["status"] == "invited" and invited["url"] == links.survey_url(invitation)
    assert invited["response"] is None and invited["expires_at"]
    client.post(f"/survey/{links.survey_token(invitation)}/", GOOD)
    answered = api.get(f"/api/v1/tickets/{ticket.pk}/survey/").json()
    assert answered["status"] == "answered" and answered["url"] is None
    response = answered["response"]
    assert [(a["code"], a["score"]) for a in response["answers"]] == [
        ("professional", 5),
        ("attitude", 2),
        ("speed", 4),
    ]
    assert response["solved"] is False and response["follow_up"] == "open" and response["lowest_score"] == 2
    assert api.get("/api/v1/tickets/999999/survey/").status_code == 404


def test_a_key_without_the_tickets_scope_cannot_read_surveys(resolve, make_key, key_client):
    _integration, _key, secret = make_key(scopes=[Scope.ORDERS_READ])
    ticket = resolve()
    refused = key_client(secret).get(f"/api/v1/tickets/{ticket.pk}/survey/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"
