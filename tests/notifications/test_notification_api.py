"""/api/v1/notifications/: every user's own notifications, the unread count, marking read."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification

from .conftest import notify

pytestmark = pytest.mark.django_db


def test_list_shows_the_caller_s_own_notifications_newest_first(agent_api, agent, other_agent):
    older, newer = notify(agent, reference="HD-000001"), notify(agent, reference="HD-000002")
    notify(other_agent)
    response = agent_api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [newer.pk, older.pk]
    assert results[0] == {
        "id": newer.pk,
        "verb": "escalated",
        "text": "Ticket HD-000002 escalated (level 1): first response overdue",
        "link": "/tickets/1/",
        "open_url": f"/notifications/{newer.pk}/open/",
        "created_at": results[0]["created_at"],
        "read_at": None,
        "is_read": False,
    }


def test_list_filters_unread_and_pages_with_a_cursor(agent_api, agent):
    read = notify(agent)
    unread = [notify(agent) for _ in range(3)]
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    assert [row["id"] for row in agent_api.get("/api/v1/notifications/?unread=1").json()["results"]] == [
        n.pk for n in reversed(unread)
    ]
    first_page = agent_api.get("/api/v1/notifications/?page_size=2").json()
    assert len(first_page["results"]) == 2 and first_page["next"]
    second_page = agent_api.get(first_page["next"]).json()
    assert [row["id"] for row in second_page["results"]] == [unread[0].pk, read.pk]


def test_a_malformed_filter_is_a_validation_error(agent_api):
    response = agent_api.get("/api/v1/notifications/?unread=perhaps")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "unread" in response.json()["error"]["fields"]


def test_the_list_query_count_does_not_grow_with_rows(agent_api, agent, django_assert_max_num_queries):
    for _ in range(30):
        notify(agent)
    with django_assert_max_num_queries(5):
        assert len(agent_api.get("/api/v1/notifications/").json()["results"]) == 30


def test_unread_count_is_the_caller_s(agent_api, agent, other_agent):
    notify(agent)
    notify(other_agent)
    notify(other_agent)
    assert agent_api.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


def test_read_by_ids_touches_only_the_caller_s_rows(agent_api, agent, other_agent):
    mine, also_mine = notify(agent), notify(agent)
    theirs = notify(other_agent)
    response = agent_api.post("/api/v1/notifications/read/", {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    mine.refresh_from_db(), also_mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.is_read and not also_mine.is_read and not theirs.is_read


def test_read_all_touches_only_the_caller_s_rows(agent_api, agent, other_agent):
    notify(agent), notify(agent)
    theirs = notify(other_agent)
    assert agent_api.post("/api/v1/notifications/read/", {"all": True}, format="json").json() == {
        "marked": 2,
        "unread": 0,
    }
    theirs.refresh_from_db()
    assert not theirs.is_read


@pytest.mark.parametrize(
    "body",
    [{}, {"all": False}, {"ids": [1], "all": True}, {"ids": ["x"]}, {"ids": [0]}, {"ids": [2**64]}, {"ids": "1"}],
)
def test_read_needs_ids_or_all(agent_api, body):
    response = agent_api.post("/api/v1/notifications/read/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_anonymous_callers_are_refused():
    client = APIClient()
    assert client.get("/api/v1/notifications/").status_code == 401
    assert client.get("/api/v1/notifications/unread-count/").status_code == 401
    assert client.post("/api/v1/notifications/read/", {"all": True}, format="json").status_code == 401


def test_an_integration_account_may_read_its_own_notifications(api):
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
