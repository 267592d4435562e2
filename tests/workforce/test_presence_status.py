"""presence_set, presence_heartbeat, presence_session_end and presence_sweep: the status and its log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import Forbidden, ValidationFailed
from tests.factories import UserFactory
from workforce.enums import PresenceReason, PresenceStatus
from workforce.models import AgentProfile, PresenceChange, PresenceSession
from workforce.services.presence import presence_heartbeat, presence_session_end, presence_set, presence_sweep

from .assign_helpers import make_agent

pytestmark = pytest.mark.django_db

ONLINE, BUSY, AWAY, OFFLINE = PresenceStatus.ONLINE, PresenceStatus.BUSY, PresenceStatus.AWAY, PresenceStatus.OFFLINE


def _profile(user):  # type: ignore[no-untyped-def]
    return AgentProfile.objects.get(user=user)


def _log(user):  # type: ignore[no-untyped-def]
    return list(PresenceChange.objects.filter(user=user).values_list("old_status", "new_status", "reason"))


def test_setting_a_status_records_it_and_logs_the_change():
    agent = make_agent("a")
    moment = timezone.now()
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL, now=moment)
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)  # no change, no row
    presence_set(user=agent, status=BUSY, reason=PresenceReason.MANUAL)

    profile = _profile(agent)
    assert (profile.status, profile.chosen_status) == (BUSY, BUSY)
    assert _log(agent) == [(OFFLINE, ONLINE, "manual"), (ONLINE, BUSY, "manual")]
    assert PresenceChange.objects.filter(user=agent).first().at == moment


def test_an_agent_without_a_profile_gets_one(agent):  # type: ignore[no-untyped-def]
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
    assert _profile(agent).status == ONLINE


def test_a_non_agent_has_no_presence_and_an_unknown_status_is_refused():
    with pytest.raises(Forbidden):
        presence_set(user=UserFactory(), status=ONLINE, reason=PresenceReason.MANUAL)
    with pytest.raises(ValidationFailed):
        presence_set(user=make_agent("a"), status="asleep", reason=PresenceReason.MANUAL)


def test_idle_makes_a_working_agent_away_and_input_brings_back_the_chosen_status(settings):  # type: ignore[no-untyped-def]
    settings.PRESENCE_IDLE_AWAY_MINUTES = 10
    agent = make_agent("a")
    presence_set(user=agent, status=BUSY, reason=PresenceReason.MANUAL)

    presence_heartbeat(user=agent, session_key="s1", idle_seconds=9 * 60)
    assert _profile(agent).status == BUSY
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=10 * 60)
    assert (_profile(agent).status, _profile(agent).chosen_status) == (AWAY, BUSY)
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=3)

    assert _profile(agent).status == BUSY
    assert _log(agent)[1:] == [(BUSY, AWAY, "idle"), (AWAY, BUSY, "active")]


def test_input_in_another_session_keeps_the_agent_working(settings):  # type: ignore[no-untyped-def]
    settings.PRESENCE_IDLE_AWAY_MINUTES = 10
    agent = make_agent("a")
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
    presence_heartbeat(user=agent, session_key="laptop", idle_seconds=1)
    presence_heartbeat(user=agent, session_key="desktop", idle_seconds=3600)
    assert _profile(agent).status == ONLINE


def test_a_chosen_away_or_offline_is_not_changed_by_activity():
    agent = make_agent("a")
    presence_set(user=agent, status=AWAY, reason=PresenceReason.MANUAL)
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=0)
    assert _profile(agent).status == AWAY
    presence_set(user=agent, status=OFFLINE, reason=PresenceReason.MANUAL)
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=0)
    assert _profile(agent).status == OFFLINE  # signing in or typing never makes an agent online


def test_a_session_whose_heartbeat_stops_ends_and_its_agent_goes_offline(settings):  # type: ignore[no-untyped-def]
    settings.PRESENCE_HEARTBEAT_TIMEOUT_SECONDS = 120
    agent = make_agent("a")
    start = timezone.now()
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL, now=start)
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=0, now=start)

    assert presence_sweep(now=start + timedelta(seconds=119)) == 0
    assert _profile(agent).status == ONLINE
    assert presence_sweep(now=start + timedelta(seconds=121)) == 1

    assert _profile(agent).status == OFFLINE
    assert not PresenceSession.objects.filter(user=agent).exists()
    assert _log(agent)[-1] == (ONLINE, OFFLINE, "heartbeat_lost")


def test_the_sweep_keeps_agents_with_a_live_session():
    with time_machine.travel("2026-03-02 10:00:00+08:00", tick=False):
        agent = make_agent("a")
        presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
        presence_heartbeat(user=agent, session_key="old", idle_seconds=0)
    with time_machine.travel("2026-03-02 10:05:00+08:00", tick=False):
        presence_heartbeat(user=agent, session_key="new", idle_seconds=0)
        presence_sweep()
    assert _profile(agent).status == ONLINE
    assert list(PresenceSession.objects.filter(user=agent).values_list("session_key", flat=True)) == ["new"]


def test_signing_out_of_the_last_session_makes_the_agent_offline():
    agent = make_agent("a")
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=0)
    presence_session_end(user=agent, session_key="s1")
    assert _profile(agent).status == OFFLINE
    assert _log(agent)[-1] == (ONLINE, OFFLINE, "logout")


def test_signing_out_of_one_of_two_sessions_keeps_the_agent_online():
    agent = make_agent("a")
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
    presence_heartbeat(user=agent, session_key="s1", idle_seconds=0)
    presence_heartbeat(user=agent, session_key="s2", idle_seconds=0)
    presence_session_end(user=agent, session_key="s1")
    assert _profile(agent).status == ONLINE
    assert list(PresenceSession.objects.filter(user=agent).values_list("session_key", flat=True)) == ["s2"]


def test_the_log_out_page_ends_the_session_s_presence(client):  # type: ignore[no-untyped-def]
    agent = make_agent("a")
    client.force_login(agent)
    presence_set(user=agent, status=ONLINE, reason=PresenceReason.MANUAL)
    presence_heartbeat(user=agent, session_key=client.session.session_key, idle_seconds=0)
    client.post("/logout/")
    assert _profile(agent).status == OFFLINE
    assert not PresenceSession.objects.filter(user=agent).exists()


def test_signing_in_does_not_change_the_status(client):  # type: ignore[no-untyped-def]
    agent = make_agent("a")
    client.post("/login/", {"username": "a", "password": "secret-pass-123"})
    assert _profile(agent).status == OFFLINE
