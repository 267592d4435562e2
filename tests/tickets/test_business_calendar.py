"""Business-calendar arithmetic: exact at span edges, across midnight, holidays and 调休, DST and DST-free
zones, and the invariants checked by hypothesis."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tickets.sla import AlwaysOpenCalendar, Span, WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600

# Office hours with a lunch break, and the 2026 National Day holiday with its two make-up Saturdays/Sundays.
OFFICE = {day: [(time(9), time(12)), (time(13, 30), time(18))] for day in range(5)}
NATIONAL_DAY = [date(2026, 10, day) for day in range(1, 8)]
MAKEUP = [date(2026, 9, 20), date(2026, 10, 10)]


def office(**kwargs):
    return WorkingCalendar(weekly=OFFICE, holidays=NATIONAL_DAY, workdays=MAKEUP, **kwargs)


def sh(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_adding_within_a_span_is_plain_addition():
    assert office().add(sh(2026, 11, 23, 9, 0), 10 * 60) == sh(2026, 11, 23, 9, 10)


def test_lunch_break_is_a_gap_between_two_spans_of_the_same_day():
    assert office().add(sh(2026, 11, 23, 11, 55), 10 * 60) == sh(2026, 11, 23, 13, 35)


def test_landing_on_the_end_of_a_span_gives_that_end():
    assert office().add(sh(2026, 11, 23, 17, 0), HOUR) == sh(2026, 11, 23, 18, 0)


def test_one_second_past_the_end_of_the_day_moves_to_the_next_working_morning():
    assert office().add(sh(2026, 11, 23, 17, 0), HOUR + 1) == sh(2026, 11, 24, 9, 0, 1)


def test_a_start_outside_working_time_waits_for_the_next_span():
    calendar = office()
    assert calendar.add(sh(2026, 11, 21, 23, 0), 10 * 60) == sh(2026, 11, 23, 9, 10)  # Saturday night
    assert calendar.add(sh(2026, 11, 23, 12, 30), 10 * 60) == sh(2026, 11, 23, 13, 40)  # at lunch


def test_holidays_have_no_working_time_and_a_makeup_saturday_does():
    calendar = office()
    # 17:00 on 30 September: one hour that day, then the National Day week off, then Thursday 8 October.
    assert calendar.add(sh(2026, 9, 30, 17, 0), 2 * HOUR) == sh(2026, 10, 8, 10, 0)
    # 24 working hours from there take Thursday, Friday and the make-up Saturday 10 October.
    assert calendar.add(sh(2026, 9, 30, 17, 0), 24 * HOUR) == sh(2026, 10, 12, 9, 30)
    assert calendar.is_working(sh(2026, 10, 10, 10, 0))  # 调休: a Saturday that is a working day
    assert not calendar.is_working(sh(2026, 10, 5, 10, 0))


def test_a_holiday_never_makes_a_deadline_come_sooner():
    with_holidays = office()
    without = WorkingCalendar(weekly=OFFICE)
    start = sh(2026, 9, 29, 10, 0)
    for hours in range(1, 40):
        assert with_holidays.add(start, hours * HOUR) >= without.add(start, hours * HOUR)


def test_a_span_that_runs_past_midnight():
    night = WorkingCalendar(weekly={day: [(time(22), time(2))] for day in range(7)})
    assert night.add(sh(2026, 11, 23, 23, 30), HOUR) == sh(2026, 11, 24, 0, 30)
    assert night.add(sh(2026, 11, 24, 1, 0), 2 * HOUR) == sh(2026, 11, 24, 23, 0)
    assert night.seconds_between(sh(2026, 11, 23, 21, 0), sh(2026, 11, 24, 3, 0)) == 4 * HOUR


def test_whole_day_spans_make_a_continuous_clock_across_midnight():
    always = WorkingCalendar(weekly={day: [(time(0), time(0))] for day in range(7)})
    start = sh(2026, 11, 23, 23, 50)
    assert always.add(start, 20 * 60) == sh(2026, 11, 24, 0, 10)
    assert always.add(start, 3 * 24 * HOUR) == start + timedelta(days=3)


def test_a_dst_day_has_its_real_length():
    # New York springs forward on 8 March 2026 (02:00 → 03:00): 00:00–06:00 holds five real hours.
    early = WorkingCalendar(time_zone="America/New_York", weekly={6: [(time(0), time(6))]})
    start = datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK)
    assert early.seconds_between(start, datetime(2026, 3, 8, 6, 0, tzinfo=NEW_YORK)) == 5 * HOUR
    assert early.add(start, 5 * HOUR) == datetime(2026, 3, 8, 6, 0, tzinfo=NEW_YORK)
    # It falls back on 1 November 2026: the same span holds seven.
    fall = datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK)
    assert early.seconds_between(fall, datetime(2026, 11, 1, 6, 0, tzinfo=NEW_YORK)) == 7 * HOUR


def test_subtract_walks_back_over_closed_time():
    assert office().subtract(sh(2026, 10, 8, 9, 30), HOUR) == sh(2026, 9, 30, 17, 30)


def test_a_calendar_without_working_hours_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar(weekly={})


def test_the_default_calendar_is_24x7():
    start = datetime(2026, 11, 23, 23, 55, tzinfo=UTC)
    assert AlwaysOpenCalendar().add(start, 600) == start + timedelta(minutes=10)


# --- properties ------------------------------------------------------------------------------------------------

spans = st.lists(
    st.tuples(st.integers(0, 47), st.integers(1, 16)).map(
        lambda pair: Span(
            time(pair[0] // 2, 30 * (pair[0] % 2)),
            time(((pair[0] + pair[1]) % 48) // 2, 30 * ((pair[0] + pair[1]) % 2)),
        )
    ),
    min_size=1,
    max_size=3,
)
calendars = st.builds(
    lambda weekly, zone, holidays, workdays: WorkingCalendar(
        time_zone=zone, weekly=weekly, holidays=holidays, workdays=workdays
    ),
    st.dictionaries(st.integers(0, 6), spans, min_size=1, max_size=7),
    st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/Berlin", "UTC"]),
    st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=20),
    st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=5),
)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))
durations = st.integers(1, 5 * 24 * HOUR)


def has_work(calendar):
    # A random calendar may put every working weekday on a holiday for a long stretch; skip those.
    return any(calendar.spans_on(date(2026, 1, 1) + timedelta(days=n)) for n in range(30))


@settings(max_examples=300, deadline=None)
@given(calendars, moments, durations, durations)
def test_adding_a_then_b_equals_adding_a_plus_b(calendar, start, a, b):
    assume(has_work(calendar))
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@settings(max_examples=300, deadline=None)
@given(calendars, moments, durations)
def test_a_due_time_always_lies_in_working_time(calendar, start, seconds):
    assume(has_work(calendar))
    assert calendar.is_working(calendar.add(start, seconds))


@settings(max_examples=300, deadline=None)
@given(calendars, moments, durations)
def test_working_time_between_start_and_due_is_the_duration(calendar, start, seconds):
    assume(has_work(calendar))
    assert calendar.seconds_between(start, calendar.add(start, seconds)) == seconds


@settings(max_examples=300, deadline=None)
@given(calendars, moments, durations)
def test_subtract_undoes_add_in_working_time(calendar, start, seconds):
    assume(has_work(calendar))
    due = calendar.add(start, seconds)
    assert calendar.seconds_between(calendar.subtract(due, seconds), due) == seconds


@settings(max_examples=200, deadline=None)
@given(calendars, moments, durations, durations)
def test_more_time_never_gives_an_earlier_due_time(calendar, start, a, b):
    assume(has_work(calendar))
    assert calendar.add(start, a) <= calendar.add(start, a + b)
