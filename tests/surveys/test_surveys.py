"""Satisfaction surveys: the private link on resolution, answering once, refusals, low-score follow-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from surveys import links, selectors, services
from surveys.models import (
    FollowUpStatus,
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyResponse,
)
from tickets.models import TicketEvent
from tickets.services.transitions import ticket_transition

GOOD = {"score_professional": "5", "score_attitude": "4", "score_speed": "5", "solved": "yes", "comment": "很快"}


def _path(invitation: SurveyInvitation) -> str:
    return reverse("surveys:answer", args=[links.survey_token(invitation)])


# --- invitation -----------------------------------------------------------------------------------------------


def test_resolving_a_ticket_issues_a_private_link_for_its_agent_and_team(resolve, agent, team):
    ticket = resolve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invitation.agent == agent and invitation.team == team
    assert invitation.issued_for == ticket.resolved_at
    assert invitation.expires_at == invitation.created_at + timedelta(days=7)
    url = links.survey_url(invitation)
    assert url.startswith("http://") and "/survey/" in url
    assert links.invitation_from_token(links.survey_token(invitation)) == invitation


def test_a_ticket_that_is_not_resolved_has_no_invitation(team):
    from tests.factories import make_ticket

    ticket = make_ticket(team=team)
    assert not SurveyInvitation.objects.filter(ticket=ticket).exists()


def test_the_link_is_emailed_after_commit_to_a_buyer_with_an_address_once(
    resolve, _no_broker, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = resolve(email="buyer@example.com")
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert _no_broker == [invitation.pk]
    assert services.survey_send_invitation_email(invitation_id=invitation.pk) is True
    assert services.survey_send_invitation_email(invitation_id=invitation.pk) is False  # once per issue
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["buyer@example.com"]
    assert links.survey_url(invitation) in mail.body
    assert "How did we do?" in mail.body and "满意" in mail.subject + mail.body  # Chinese and English


def test_a_buyer_without_an_address_gets_no_email_but_the_link_exists(
    resolve, _no_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = resolve(email="")
    assert _no_broker == []
    assert SurveyInvitation.objects.filter(ticket=ticket).exists()


def test_reopened_and_resolved_again_reissues_the_unanswered_link_with_a_new_expiry(resolve, agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = resolve()
    first = SurveyInvitation.objects.get(ticket=ticket)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        ticket_transition(ticket=ticket, to_status="open", actor=agent)
        ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    again = SurveyInvitation.objects.get(ticket=ticket)
    assert again.pk == first.pk and again.nonce == first.nonce  # the same link keeps working
    assert again.expires_at == start + timedelta(days=9)


def test_an_answered_survey_is_not_reissued_when_the_ticket_is_resolved_again(resolve, client, agent):
    ticket = resolve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert client.post(_path(invitation), GOOD).status_code == 302
    ticket_transition(ticket=ticket, to_status="open", actor=agent)
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    assert SurveyResponse.objects.filter(ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert selectors.survey_link_for_resolution(ticket) is None


def test_a_kind_with_its_own_survey_uses_it_and_inactive_questions_are_not_asked(resolve, client):
    survey = Survey.objects.create(name="投诉回访 Complaint survey", kind="complaint")
    SurveyDimension.objects.create(survey=survey, code="fairness", label_zh="处理公正", label_en="Fairness")
    SurveyDimension.objects.create(
        survey=survey, code="old", label_zh="旧问题", label_en="Old question", is_active=False
    )
    ticket = resolve(kind="complaint", category="logistics")
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invitation.survey == survey
    page = client.get(_path(invitation) + "?lang=en").content.decode()
    assert "Fairness" in page and "Old question" not in page and "Professional level" not in page


def test_without_any_active_survey_no_link_is_issued(resolve):
    Survey.objects.update(is_active=False)
    ticket = resolve()
    assert not SurveyInvitation.objects.filter(ticket=ticket).exists()
    assert selectors.survey_link_for_resolution(ticket) is None


# --- the buyer's page -----------------------------------------------------------------------------------------


def test_the_page_asks_every_question_in_chinese_by_default_and_in_english_on_request(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    chinese = client.get(_path(invitation))
    assert chinese.status_code == 200
    text = chinese.content.decode()
    for label in ("专业水平", "服务态度", "响应速度"):
        assert label in text
    assert 'name="viewport"' in text  # phone-first
    english = client.get(_path(invitation) + "?lang=en").content.decode()
    for label in ("Professional level", "Service attitude", "Response speed", "Was your problem solved?"):
        assert label in english
    # Showing the page writes nothing; the page itself reports that it was opened (test_survey_opened.py).
    invitation.refresh_from_db()
    assert invitation.opened_at is None
    assert client.post(reverse("surveys:opened", args=[links.survey_token(invitation)])).status_code == 204
    invitation.refresh_from_db()
    assert invitation.opened_at is not None


def test_the_buyer_answers_once_and_the_response_attaches_to_ticket_agent_and_team(resolve, client, agent, team):
    ticket = resolve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    answered = client.post(_path(invitation), GOOD)
    assert answered.status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.ticket, response.agent, response.team) == (ticket, agent, team)
    assert {a.code: a.score for a in SurveyAnswer.objects.filter(response=response)} == {
        "professional": 5,
        "attitude": 4,
        "speed": 5,
    }
    assert str(response.average_score) == "4.667" and response.lowest_score == 4
    assert response.solved is True and response.comment == "很快"
    assert not SurveyFollowUp.objects.exists()
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    assert TicketEvent.objects.filter(ticket=ticket, type="workflow", data__survey_response_id=response.pk).exists()
    # After the redirect the link thanks the buyer; a second submission is refused with a clear message.
    assert client.get(answered["Location"]).status_code == 200
    again = client.post(_path(invitation), {**GOOD, "score_speed": "1"})
    assert again.status_code == 409
    assert "已" in again.content.decode()  # 您已经回答过…
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 3


@pytest.mark.parametrize(
    "bad",
    [
        {"score_speed": "0"},
        {"score_speed": "6"},
        {"score_speed": "abc"},
        {"score_speed": "3.5"},
        {"score_speed": "-1"},
        {"score_speed": ""},
        {"score_speed": "9" * 400},
    ],
)
def test_an_out_of_range_or_missing_score_is_a_400_naming_the_question_and_keeps_nothing(resolve, client, bad):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    page = client.post(_path(invitation), {**GOOD, **bad})
    assert page.status_code == 400
    assert 'data-question="speed"' in page.content.decode() and "sv-invalid" in page.content.decode()
    assert 'value="4" required checked' in page.content.decode()  # the other answers are kept in the form
    assert not SurveyResponse.objects.exists()
    invitation.refresh_from_db()
    assert invitation.completed_at is None  # the buyer can fix it and send again
    assert client.post(_path(invitation), GOOD).status_code == 302


def test_a_bad_solved_answer_or_an_overlong_comment_is_a_400(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    assert client.post(_path(invitation), {**GOOD, "solved": "maybe"}).status_code == 400
    assert client.post(_path(invitation), {**GOOD, "comment": "好" * 2001}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_an_unknown_question_code_is_refused_by_the_service(resolve):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    with pytest.raises(services.ValidationFailed) as refused:
        services.survey_submit(invitation=invitation, scores={"professional": 5, "attitude": 5, "speed": 5, "x": 3})
    assert "x" in refused.value.fields


def test_an_expired_link_is_a_410_with_a_clear_message(resolve, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        invitation = SurveyInvitation.objects.get(ticket=resolve())
    with time_machine.travel(start + timedelta(days=7, seconds=1), tick=False):
        assert client.get(_path(invitation)).status_code == 410
        posted = client.post(_path(invitation), GOOD)
        assert posted.status_code == 410
        assert 'data-testid="survey-message"' in posted.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_link_is_the_same_every_time_it_is_shown_and_old_timestamped_links_still_work(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        later = links.survey_url(invitation)
    assert links.survey_url(invitation) == later
    old_style = links.signing.dumps([invitation.pk, invitation.nonce], salt=links.SALT, compress=True)
    assert links.invitation_from_token(old_style) == invitation


def test_a_tampered_or_forged_link_is_a_404_never_a_500(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    token = links.survey_token(invitation)
    forged_nonce = links.signing.dumps([invitation.pk, "0" * 32], salt=links.SALT, compress=True)
    other_salt = links.signing.dumps([invitation.pk, invitation.nonce], salt="other", compress=True)
    for bad in (
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "garbage",
        forged_nonce,
        other_salt,
        "x" * 3000,
    ):
        page = client.get(reverse("surveys:answer", args=[bad]))
        assert page.status_code == 404, bad
        assert 'data-testid="survey-message"' in page.content.decode()
        assert client.post(reverse("surveys:answer", args=[bad]), GOOD).status_code == 404


# --- low scores -----------------------------------------------------------------------------------------------


def test_a_score_of_two_or_less_opens_a_follow_up_for_the_team_managers(resolve, client, manager):
    ticket = resolve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    before = timezone.now()
    assert client.post(_path(invitation), {**GOOD, "score_attitude": "2", "solved": "no"}).status_code == 302
    follow_up = SurveyFollowUp.objects.get()
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.response.ticket == ticket
    assert before + timedelta(hours=24) <= follow_up.due_at <= timezone.now() + timedelta(hours=24)
    note = Notification.objects.get(recipient=manager, verb="survey_low_score")
    assert note.params["ref"] == ticket.reference and note.params["score"] == 2
    assert TicketEvent.objects.filter(ticket=ticket, type="workflow", data__lowest_score=2).exists()


def test_a_three_everywhere_opens_no_follow_up(resolve, client):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    threes = {"score_professional": "3", "score_attitude": "3", "score_speed": "3"}
    assert client.post(_path(invitation), threes).status_code == 302
    assert not SurveyFollowUp.objects.exists()
    assert SurveyResponse.objects.get().solved is None  # "solved" was not answered


def test_a_manager_records_the_follow_up_outcome_and_an_agent_cannot(resolve, client, manager, agent):
    invitation = SurveyInvitation.objects.get(ticket=resolve())
    client.post(_path(invitation), {**GOOD, "score_speed": "1"})
    follow_up = SurveyFollowUp.objects.get()
    client.force_login(agent)
    assert client.get(reverse("surveys:follow_ups")).status_code == 403
    assert client.post(reverse("surveys:follow_up_done", args=[follow_up.pk]), {"outcome": "x"}).status_code == 403
    client.force_login(manager)
    listing = client.get(reverse("surveys:follow_ups"))
    assert listing.status_code == 200 and invitation.ticket.reference in listing.content.decode()
    assert client.post(reverse("surveys:follow_up_done", args=[follow_up.pk]), {"outcome": " "}).status_code == 400
    done = client.post(reverse("surveys:follow_up_done", args=[follow_up.pk]), {"outcome": "已致电道歉并补偿5元"})
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE and follow_up.done_by == manager
    assert follow_up.outcome == "已致电道歉并补偿5元"
    assert client.post(reverse("surveys:follow_up_done", args=[follow_up.pk]), {"outcome": "again"}).status_code == 409
    assert client.get(reverse("surveys:responses") + "?low=1").status_code == 200


# --- staff pages ----------------------------------------------------------------------------------------------


def test_the_ticket_page_shows_the_link_then_the_answers(resolve, client, agent):
    ticket = resolve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="survey-panel"' in page and links.survey_url(invitation) in page
    client.logout()
    client.post(_path(invitation), GOOD)
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="survey-score"' in page and "4.67" in page
    assert links.survey_url(invitation) not in page
