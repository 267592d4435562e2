import pytest
from django.test import Client

from replies.models import CannedReply

from .helpers import reply

pytestmark = pytest.mark.django_db


def _login(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_an_agent_adds_a_personal_reply_on_the_page(agent):
    browser = _login(agent)
    assert browser.get("/replies/new/").status_code == 200
    response = browser.post(
        "/replies/new/",
        {"scope": "personal", "title": "发货", "shortcut": "#发货", "body": "亲，已发货", "is_active": "on"},
    )
    assert response.status_code == 302
    assert CannedReply.objects.get().owner == agent


def test_an_agent_cannot_choose_the_global_scope(agent):
    response = _login(agent).post("/replies/new/", {"scope": "global", "title": "x", "shortcut": "x", "body": "x"})
    assert response.status_code == 400
    assert not CannedReply.objects.exists()


def test_a_shortcut_clash_and_an_unknown_variable_show_on_the_form(agent):
    reply(agent, "发货")
    browser = _login(agent)
    response = browser.post("/replies/new/", {"scope": "personal", "title": "x", "shortcut": "发货", "body": "x"})
    assert response.status_code == 400 and "#发货" in response.content.decode()
    response = browser.post("/replies/new/", {"scope": "personal", "title": "x", "shortcut": "y", "body": "{{nope}}"})
    assert response.status_code == 400 and "{{nope}}" in response.content.decode()


def test_the_list_shows_usage_to_managers_sorted_by_use(manager, team):
    reply(manager, "少", scope="global")
    busy = reply(manager, "多", scope="global")
    CannedReply.objects.filter(pk=busy.pk).update(usage_count=42)
    page = _login(manager).get("/replies/", {"sort": "usage"}).content.decode()
    assert page.index("#多") < page.index("#少")
    assert "42" in page


def test_another_agent_s_personal_reply_is_neither_listed_nor_editable(agent, other_agent):
    theirs = reply(other_agent, "私人的话术")
    browser = _login(agent)
    assert "私人的话术" not in browser.get("/replies/").content.decode()
    assert browser.get(f"/replies/{theirs.pk}/edit/").status_code == 404
    assert browser.post(f"/replies/{theirs.pk}/delete/").status_code == 404
    assert CannedReply.objects.filter(pk=theirs.pk).exists()


def test_an_agent_sees_a_team_reply_but_cannot_edit_it(agent, manager, team):
    team_reply = reply(manager, "团队话术", scope="team", team=team)
    browser = _login(agent)
    assert "团队话术" in browser.get("/replies/").content.decode()
    assert browser.get(f"/replies/{team_reply.pk}/edit/").status_code == 404


def test_a_manager_edits_and_deactivates_a_team_reply(manager, team):
    team_reply = reply(manager, "团队", scope="team", team=team)
    response = _login(manager).post(
        f"/replies/{team_reply.pk}/edit/", {"title": "新标题", "shortcut": "团队", "body": "新的内容"}
    )
    assert response.status_code == 302
    team_reply.refresh_from_db()
    assert (team_reply.title, team_reply.is_active) == ("新标题", False)


def test_a_manager_adds_and_deletes_a_team_folder(manager, team):
    browser = _login(manager)
    assert browser.post("/replies/folders/", {"name": "大促", "team": team.pk}).status_code == 302
    folder = team.reply_folders.get()
    assert browser.post(f"/replies/folders/{folder.pk}/delete/").status_code == 302
    assert not team.reply_folders.exists()


def test_an_agent_may_not_add_folders(agent):
    assert _login(agent).post("/replies/folders/", {"name": "x"}).status_code == 404


def test_the_reply_box_has_the_picker(agent, team):
    from tests.factories import make_ticket

    ticket = make_ticket(team=team)
    page = _login(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "data-canned-picker" in page and "canned_picker.js" in page


@pytest.mark.parametrize("path", ["/replies/", "/replies/export/", "/replies/export/?format=csv"])
def test_a_folder_filter_past_the_largest_id_is_ignored_not_a_server_error(agent, path):
    """A folder id past 2⁶³−1 overflowed the SQLite lookup (a 500 on the export); it is an invalid filter,
    which the page ignores like any other."""
    reply(agent, "ok", "没问题")
    separator = "&" if "?" in path else "?"
    response = _login(agent).get(f"{path}{separator}folder=99999999999999999999999")
    assert response.status_code == 200
