"""/notifications/summary/: the polling fallback for browsers that cannot keep the stream open."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import notify

pytestmark = pytest.mark.django_db


def test_summary_without_a_resume_point_gives_the_count_and_the_newest_items(agent, logged_in):
    made = [notify(agent, reference=f"HD-00000{n}") for n in range(1, 8)]
    response = logged_in(agent).get("/notifications/summary/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["unread"] == 7 and body["last_id"] == made[-1].pk
    assert [item["id"] for item in body["items"]] == [n.pk for n in made[-5:]]  # newest five, oldest first
    assert body["items"][-1]["text"] == "Ticket HD-000007 escalated (level 1): first response overdue"
    assert body["items"][-1]["url"] == f"/notifications/{made[-1].pk}/open/"


def test_summary_after_an_id_gives_only_what_is_newer(agent, logged_in):
    seen = notify(agent)
    new = notify(agent)
    body = logged_in(agent).get(f"/notifications/summary/?after={seen.pk}").json()
    assert [item["id"] for item in body["items"]] == [new.pk]
    assert body["last_id"] == new.pk
    nothing_new = logged_in(agent).get(f"/notifications/summary/?after={new.pk}").json()
    assert nothing_new == {"unread": 2, "last_id": new.pk, "items": []}


def test_summary_shows_only_the_caller_s_own(agent, other_agent, logged_in):
    notify(other_agent)
    assert logged_in(agent).get("/notifications/summary/").json() == {"unread": 0, "last_id": 0, "items": []}


def test_summary_refuses_anonymous_visitors_with_json_not_a_redirect():
    response = Client().get("/notifications/summary/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
