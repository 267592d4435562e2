"""Shift arithmetic and the shift services: overlaps (past midnight too), bad input refused with a 4xx."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from accounts.roles import Role
from core.errors import Forbidden, ValidationFailed
from tests.browser import staff_user
from workforce.models import Shift
from workforce.services.shifts import shift_create, shift_delete, shift_update
from workforce.shifts import recently_ended, shift_label, shifts_overlap, team_time_zone

pytestmark = pytest.mark.django_db


def t(value: str) -> time:
    return time.fromisoformat(value)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (("08:00", "16:00"), ("16:00", "00:00"), False),
        (("16:00", "00:00"), ("00:00", "08:00"), False),
        (("22:00", "06:00"), ("05:00", "09:00"), True),
        (("22:00", "06:00"), ("06:00", "14:00"), False),
        (("22:00", "06:00"), ("23:00", "23:30"), True),
        (("16:00", "00:00"), ("23:00", "01:00"), True),
        (("08:00", "16:00"), ("12:00", "13:00"), True),
    ],
)
def test_shifts_overlap_counts_minutes_past_midnight(a, b, overlap):  # type: ignore[no-untyped-def]
    assert shifts_overlap(t(a[0]), t(a[1]), t(b[0]), t(b[1])) is overlap
    assert shifts_overlap(t(b[0]), t(b[1]), t(a[0]), t(a[1])) is overlap


def test_shift_label_says_24_00_for_midnight():
    assert shift_label("晚班", t("16:00"), t("00:00")) == "晚班 16:00–24:00"


def test_recently_ended_finds_the_run_that_just_ended(team):  # type: ignore[no-untyped-def]
    shift = Shift(team=team, name="晚班", start_time=t("16:00"), end_time=t("00:00"))
    tz = team_time_zone(team)
    just_after = datetime(2026, 12, 6, 0, 30, tzinfo=tz)
    assert recently_ended(shift, just_after, tz, timedelta(hours=2)) == just_after.date() - timedelta(days=1)
    assert recently_ended(shift, just_after + timedelta(hours=3), tz, timedelta(hours=2)) is None


def test_manager_creates_a_shift_with_members(team, manager, agent):  # type: ignore[no-untyped-def]
    shift = shift_create(
        team=team, name=" 早班 ", start_time=t("08:00"), end_time=t("16:00"), members=[agent], actor=manager
    )
    assert shift.name == "早班"
    assert list(shift.members.all()) == [agent]


def test_an_overlapping_shift_is_refused_naming_the_other(team, manager):  # type: ignore[no-untyped-def]
    shift_create(team=team, name="晚班", start_time=t("16:00"), end_time=t("00:00"), actor=manager)
    with pytest.raises(ValidationFailed) as refused:
        shift_create(team=team, name="夜班", start_time=t("22:00"), end_time=t("06:00"), actor=manager)
    assert "晚班 16:00–24:00" in refused.value.message
    assert "start_time" in refused.value.fields
    shift_create(team=team, name="夜班", start_time=t("00:00"), end_time=t("08:00"), actor=manager)
    assert Shift.objects.filter(team=team).count() == 2


def test_the_same_times_in_another_team_are_fine(team, manager):  # type: ignore[no-untyped-def]
    from tests.factories import TeamFactory

    other = TeamFactory(name="售前")
    other.managers.add(manager)
    shift_create(team=team, name="早班", start_time=t("08:00"), end_time=t("16:00"), actor=manager)
    shift_create(team=other, name="早班", start_time=t("08:00"), end_time=t("16:00"), actor=manager)


@pytest.mark.parametrize(
    ("name", "start", "end", "field"),
    [
        ("", "08:00", "16:00", "name"),
        ("x" * 51, "08:00", "16:00", "name"),
        ("早班", "08:00", "08:00", "end_time"),
    ],
)
def test_bad_shift_input_is_refused(team, manager, name, start, end, field):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        shift_create(team=team, name=name, start_time=t(start), end_time=t(end), actor=manager)
    assert field in refused.value.fields
    assert not Shift.objects.exists()


def test_a_duplicate_name_is_refused(team, manager):  # type: ignore[no-untyped-def]
    shift_create(team=team, name="早班", start_time=t("08:00"), end_time=t("12:00"), actor=manager)
    with pytest.raises(ValidationFailed) as refused:
        shift_create(team=team, name="早班", start_time=t("13:00"), end_time=t("16:00"), actor=manager)
    assert "name" in refused.value.fields


def test_members_must_belong_to_the_team(team, manager, other_agent):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        shift_create(
            team=team, name="早班", start_time=t("08:00"), end_time=t("16:00"), members=[other_agent], actor=manager
        )
    assert str(other_agent) in refused.value.message


def test_only_the_teams_managers_and_admins_manage_shifts(team, agent, manager):  # type: ignore[no-untyped-def]
    outsider = staff_user("other_manager", Role.MANAGER)
    for actor in (agent, outsider):
        with pytest.raises(Forbidden):
            shift_create(team=team, name="早班", start_time=t("08:00"), end_time=t("16:00"), actor=actor)
    admin = staff_user("boss", Role.ADMIN)
    shift = shift_create(team=team, name="早班", start_time=t("08:00"), end_time=t("16:00"), actor=admin)
    with pytest.raises(Forbidden):
        shift_delete(shift=shift, actor=agent)


def test_update_checks_overlaps_against_the_other_shifts_only(team, manager):  # type: ignore[no-untyped-def]
    early = shift_create(team=team, name="早班", start_time=t("08:00"), end_time=t("16:00"), actor=manager)
    shift_create(team=team, name="晚班", start_time=t("16:00"), end_time=t("00:00"), actor=manager)
    shift_update(shift=early, actor=manager, start_time=t("07:00"))  # overlaps its old self only
    with pytest.raises(ValidationFailed) as refused:
        shift_update(shift=early, actor=manager, end_time=t("17:00"))
    assert "晚班" in refused.value.message
    early.refresh_from_db()
    assert (early.start_time, early.end_time) == (t("07:00"), t("16:00"))


def test_delete_removes_the_shift(team, manager):  # type: ignore[no-untyped-def]
    shift = shift_create(team=team, name="早班", start_time=t("08:00"), end_time=t("16:00"), actor=manager)
    shift_delete(shift=shift, actor=manager)
    assert not Shift.objects.exists()


def test_team_time_zone_defaults_to_the_projects():  # type: ignore[no-untyped-def]
    assert str(team_time_zone(object())) == "Asia/Shanghai"
    assert datetime(2026, 1, 1, tzinfo=UTC).astimezone(team_time_zone(object())).hour == 8
