"""Every ticket report over the hand-built month in ``conftest.py``: the expected numbers are worked out in the
comments from that timeline, not by running the code."""

from __future__ import annotations

import types
from datetime import date

import pytest

from reports.filters import ReportFilters
from reports.registry import REPORTS, run_report
from tickets.services.assignment import ticket_assign

from .conftest import local, november, open_ticket

pytestmark = pytest.mark.django_db

# November's cohort: t1 t2 t3 t4 t5 t6 t7 t8 t11 (t10 received 10-31 23:59:59 and t9 12-01 00:00 are outside).
# First responses (s): t5 60, t3 120, t6 180, t11 240, t1 300, t4 600, t2 1200 — t7 and t8 unanswered.
# Resolution clocks (s), resolved only: t1 3600, t2 7200, t3 7200, t11 14400, t4 18000, t6 21600 — t5 was
#   reopened and is open, t7 and t8 never resolved.
# Breaches: t2 first response (answered late); t7 first response and resolution (open). Escalations: t2 1, t7 2.


def rows(name: str, filters: ReportFilters) -> list[dict]:
    return list(run_report(name, filters).rows)


def test_every_report_keeps_its_registered_columns(month):
    for name, definition in REPORTS.items():
        result = definition.build(november())
        keys = [column.key for column in result.columns]
        for row in result.rows:
            assert list(row) == keys, name


# --- volume and time bands --------------------------------------------------------------------------------------


def test_volume_counts_each_local_weekday_and_hour_and_fills_the_empty_ones(month):
    table = rows("volume", november())
    assert len(table) == 7 * 24
    assert [(row["weekday"], row["hour"]) for row in table[:2]] == [(1, 0), (1, 1)]
    busy = {(row["weekday"], row["hour"]): row for row in table if row["received"]}
    assert {key: (row["received"], row["resolved"], row["resolution_rate"]) for key, row in busy.items()} == {
        (1, 9): (2, 2, 1.0),  # t1 09:00 and t2 09:30 on Monday 11-02, both resolved
        (2, 8): (1, 1, 1.0),  # t11, Tuesday 08:00
        (2, 14): (1, 1, 1.0),  # t3, Tuesday 14:00
        (2, 20): (1, 1, 1.0),  # t4, Tuesday 20:00 (reopened, then resolved again)
        (5, 10): (1, 0, 0.0),  # t5, Friday 10:00: reopened and open is not resolved
        (5, 13): (1, 1, 1.0),  # t6, Friday 13:00
        (6, 23): (1, 0, 0.0),  # t7, Saturday 23:30 local (15:30 UTC)
        (1, 23): (1, 0, 0.0),  # t8, Monday 23:59 local (15:59 UTC): the local hour counts
    }
    empty = next(row for row in table if (row["weekday"], row["hour"]) == (3, 0))
    assert empty == {"weekday": 3, "hour": 0, "received": 0, "resolved": 0, "resolution_rate": None}


def test_time_bands_group_the_local_hours(month):
    assert [
        (row["band"], row["received"], row["resolved"], row["resolution_rate"])
        for row in rows("time_bands", november())
    ] == [
        ("00-08", 0, 0, None),  # nobody wrote at night: no rate, not 0
        ("08-12", 4, 3, 0.75),  # t11 08:00, t1 09:00, t2 09:30, t5 10:00 (open) → 3 / 4
        ("12-14", 1, 1, 1.0),  # t6 13:00
        ("14-18", 1, 1, 1.0),  # t3 14:00
        ("18-24", 3, 1, 0.3333),  # t4 20:00 (resolved), t7 23:30, t8 23:59 → 1 / 3 = 0.33333…
    ]


# --- SLA ------------------------------------------------------------------------------------------------------


def sla_row(dimension, key, name, tickets, responded, fr, resolved, res, compliance, escalated):  # type: ignore[no-untyped-def]
    return {
        "dimension": dimension,
        "key": key,
        "name": name,
        "tickets": tickets,
        "responded": responded,
        "first_response_median": fr[0],
        "first_response_p90": fr[1],
        "resolved": resolved,
        "resolution_median": res[0],
        "resolution_p90": res[1],
        "first_response_compliance": compliance[0],
        "resolution_compliance": compliance[1],
        "sla_compliance": compliance[2],
        "escalated_tickets": escalated[0],
        "escalations": escalated[1],
        "help_requests": escalated[2] if len(escalated) > 2 else 0,
    }


def test_sla_report_over_all_tickets_teams_kinds_and_agents(month):
    table = rows("sla", november())
    a, b = str(month.team_a.pk), str(month.team_b.pk)
    agent, other = str(month.agent.pk), str(month.other_agent.pk)
    assert [(row["dimension"], row["key"]) for row in table] == [
        ("all", ""),
        ("team", b),  # "Pre-sales" sorts before "售后 After-sales"
        ("team", a),
        ("kind", "inquiry"),
        ("kind", "complaint"),
        ("kind", "aftersales"),
        ("agent", agent),  # agent1
        ("agent", other),  # agent2
        ("agent", ""),  # unassigned last
    ]
    expected = [
        # All 9. First responses 60 120 180 240 300 600 1200: median = 4th = 240; p90 at 0.9 × 6 = 5.4 →
        #   600 + 0.4 × (1200 − 600) = 840. Resolutions 3600 7200 7200 14400 18000 21600: median at 2.5 →
        #   (7200 + 14400) / 2 = 10800; p90 at 4.5 → 18000 + 0.5 × 3600 = 19800.
        # First response within SLA: answered without breach 6 (all answered but t2) / (7 answered + t7) = 0.75.
        # Resolution within SLA: 6 resolved, none breached / (6 + t7) = 0.857142… → 0.8571.
        # SLA compliance: resolved without any breach 5 (not t2) / (6 resolved + t7 open and breached) = 0.7143;
        #   t5 and t8 are open within their targets: not decided.
        sla_row("all", "", month.all_name, 9, 7, (240, 840), 6, (10800, 19800), (0.75, 0.8571, 0.7143), (2, 3)),
        # B: t1 t2 t8. Answers 300 1200: median 750, p90 300 + 0.9 × 900 = 1110. Resolutions 3600 7200: median
        #   5400, p90 3600 + 0.9 × 3600 = 6840. First response 1 / 2 (t2 late), resolution 2 / 2, SLA 1 / 2.
        sla_row("team", b, "Pre-sales", 3, 2, (750, 1110), 2, (5400, 6840), (0.5, 1.0, 0.5), (1, 1)),
        # A: t3 t4 t5 t6 t7 t11. Answers 60 120 180 240 600: median 180, p90 at 3.6 → 240 + 0.6 × 360 = 456.
        #   Resolutions 7200 14400 18000 21600: median (14400 + 18000) / 2 = 16200, p90 at 2.7 →
        #   18000 + 0.7 × 3600 = 20520. First response 5 / 6 = 0.8333, resolution 4 / 5, SLA 4 / 5 (t7 decided).
        sla_row("team", a, "售后 After-sales", 6, 5, (180, 456), 4, (16200, 20520), (0.8333, 0.8, 0.8), (1, 2)),
        # Inquiries are team B's tickets exactly.
        sla_row(
            "kind", "inquiry", month.kind_names["inquiry"], 3, 2, (750, 1110), 2, (5400, 6840), (0.5, 1.0, 0.5), (1, 1)
        ),
        # Complaints t3 t4 t5: answers 60 120 600 → median 120, p90 at 1.8 → 120 + 0.8 × 480 = 504; resolutions
        #   7200 18000 → median 12600, p90 7200 + 0.9 × 10800 = 16920; every decided one met.
        sla_row(
            "kind",
            "complaint",
            month.kind_names["complaint"],
            3,
            3,
            (120, 504),
            2,
            (12600, 16920),
            (1.0, 1.0, 1.0),
            (0, 0),
        ),
        # After-sales t6 t7 t11: answers 180 240 → 210, p90 180 + 0.9 × 60 = 234; resolutions 14400 21600 →
        #   18000, p90 14400 + 0.9 × 7200 = 20880; t7 breached both: 2 / 3 each.
        sla_row(
            "kind",
            "aftersales",
            month.kind_names["aftersales"],
            3,
            2,
            (210, 234),
            2,
            (18000, 20880),
            (0.6667, 0.6667, 0.6667),
            (1, 2),
        ),
        # agent1: team A without t7.
        sla_row("agent", agent, "agent1", 5, 5, (180, 456), 4, (16200, 20520), (1.0, 1.0, 1.0), (0, 0)),
        # agent2: t1 t2, as team B without t8.
        sla_row("agent", other, "agent2", 2, 2, (750, 1110), 2, (5400, 6840), (0.5, 1.0, 0.5), (1, 1)),
        # Unassigned t7 t8: nothing answered or resolved (None, not 0); t7 decided and failed: 0 / 1.
        sla_row("agent", "", month.unassigned_name, 2, 0, (None, None), 0, (None, None), (0.0, 0.0, 0.0), (1, 2)),
    ]
    assert table == expected


def test_sla_filters_by_team_kind_and_channel(month):
    def everything(**filters):  # type: ignore[no-untyped-def]
        return rows("sla", november(**filters))[0]

    by_team = everything(team_id=month.team_b.pk)
    assert (by_team["tickets"], by_team["first_response_median"], by_team["sla_compliance"]) == (3, 750, 0.5)
    by_kind = everything(kind="complaint")
    assert (by_kind["tickets"], by_kind["resolution_median"], by_kind["escalations"]) == (3, 12600, 0)
    # Phone: t3 (answered 120 s, resolved 7200) and t5 (answered 60 s, reopened): median answer 90.
    by_channel = everything(channel="phone")
    assert (by_channel["tickets"], by_channel["first_response_median"], by_channel["resolved"]) == (2, 90, 1)
    assert by_channel["resolution_median"] == by_channel["resolution_p90"] == 7200
    # API: t6 (met) and t7 (breached twice): SLA 1 / 2, 2 escalations.
    by_api = everything(channel="api")
    assert (by_api["tickets"], by_api["sla_compliance"], by_api["escalations"]) == (2, 0.5, 2)
    # Together: team A's complaints by phone are t3 and t5 again.
    assert everything(team_id=month.team_a.pk, kind="complaint", channel="phone")["tickets"] == 2


def test_a_period_without_tickets_has_no_times_and_no_rates(month):
    quiet = ReportFilters(start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert rows("sla", quiet) == [
        sla_row("all", "", month.all_name, 0, 0, (None, None), 0, (None, None), (None, None, None), (0, 0))
    ]
    assert rows("agents", quiet) == rows("complaints", quiet) == rows("tickets", quiet) == []
    assert {row["resolution_rate"] for row in rows("volume", quiet)} == {None}
    assert {row["received"] for row in rows("time_bands", quiet)} == {0}


def test_the_period_is_counted_in_local_days(month):
    # The last minute of the last day is in (t8, 23:59 local = 15:59 UTC); the first minute after is out
    # (t9, 12-01 00:00 local, still 11-30 in UTC); t10 at 10-31 23:59:59 local is out.
    references = [row["reference"] for row in rows("tickets", november())]
    assert month.ref("t8") in references
    assert month.ref("t9") not in references and month.ref("t10") not in references
    december_first = rows("tickets", ReportFilters(start=date(2026, 12, 1), end=date(2026, 12, 1)))
    assert [row["reference"] for row in december_first] == [month.ref("t9")]


def test_a_ticket_at_local_midnight_on_the_first_day_is_in(db, customer):
    open_ticket(local(11, 1, 0, 0), customer=customer, kind="inquiry")  # 10-31 16:00 UTC
    assert rows("sla", november())[0]["tickets"] == 1
    assert rows("sla", ReportFilters(start=date(2026, 10, 31), end=date(2026, 10, 31)))[0]["tickets"] == 0


# --- agents -----------------------------------------------------------------------------------------------------


def test_agents_report_counts_current_tickets_and_the_responses_attributed_to_each_agent(month):
    assert rows("agents", november()) == [
        {
            "agent_id": month.agent.pk,
            "agent": "agent1",
            "handled": 5,  # t3 t4 t5 t6 t11
            "resolved": 4,  # not t5 (reopened)
            "first_response_median": 180,  # 60 120 180 240 600
            "resolution_rate": 0.8,  # 4 / 5
            "sla_compliance": 1.0,  # 4 resolved without breach / 4 decided (t5 open within targets)
            "escalations": 0,
            "help_requests": 0,
            "responses": 2,  # t3 (submitted in December: the ticket is in the cohort) and t4; t6's is manager1's
            "csat": 4.0,  # (4.000 + 4.000) / 2
            "wording_overrides": 0,
        },
        {
            "agent_id": month.other_agent.pk,
            "agent": "agent2",
            "handled": 2,  # t1 t2
            "resolved": 2,
            "first_response_median": 750,  # (300 + 1200) / 2
            "resolution_rate": 1.0,
            "sla_compliance": 0.5,  # t2 answered late
            "escalations": 1,
            "help_requests": 0,
            "responses": 2,  # t1, t2 (t10's ticket is October's)
            "csat": 3.33,  # (4.667 + 2.000) / 2 = 3.3335 → 3.33
            "wording_overrides": 0,
        },
        {
            # No ticket assigned now, but t6's response is attributed to manager1: a row with no ticket measures.
            "agent_id": month.manager.pk,
            "agent": "manager1",
            "handled": 0,
            "resolved": 0,
            "first_response_median": None,
            "resolution_rate": None,
            "sla_compliance": None,
            "escalations": 0,
            "help_requests": 0,
            "responses": 1,
            "csat": 3.0,
            "wording_overrides": 0,
        },
        {
            "agent_id": None,
            "agent": month.unassigned_name,
            "handled": 2,  # t7 t8
            "resolved": 0,
            "first_response_median": None,
            "resolution_rate": 0.0,
            "sla_compliance": 0.0,  # t7 breached: decided and failed; t8 undecided
            "escalations": 2,
            "help_requests": 0,
            "responses": 0,
            "csat": None,
            "wording_overrides": 0,
        },
    ]


def test_agents_follow_the_current_assignee(month):
    ticket_assign(ticket=month.tickets["t8"], assignee=month.agent, actor=month.manager)
    agent_row = rows("agents", november())[0]
    assert (agent_row["agent"], agent_row["handled"], agent_row["resolution_rate"]) == ("agent1", 6, 0.6667)  # 4 / 6


# --- complaints -----------------------------------------------------------------------------------------------


def test_complaints_by_category_with_handling_time_and_satisfaction(month):
    assert rows("complaints", november()) == [
        {
            "category": "logistics",
            "label": month.category_names["logistics"],
            "complaints": 2,  # t3, t4
            "resolved": 2,
            # t3 7200 (26 h on the wall clock, 24 h of it waiting on the buyer), t4 18000 (12 h resolved in
            # between not counted): median 12600, p90 7200 + 0.9 × 10800 = 16920.
            "handling_median": 12600,
            "handling_p90": 16920,
            "within_24h_rate": 1.0,  # both within 24 h of clock time
            "responses": 2,  # 4.000 and 4.000
            "csat": 4.0,
            "satisfied_rate": 1.0,
        },
        {
            "category": "product_quality",
            "label": month.category_names["product_quality"],
            "complaints": 1,  # t5, reopened and open
            "resolved": 0,
            "handling_median": None,
            "handling_p90": None,
            "within_24h_rate": 0.0,  # 0 of 1 complaint
            "responses": 0,  # no survey
            "csat": None,
            "satisfied_rate": None,
        },
    ]


def test_complaints_report_is_empty_for_another_kind(month):
    assert rows("complaints", november(kind="inquiry")) == []
    assert [row["complaints"] for row in rows("complaints", november(channel="web_form"))] == [1]  # t4


# --- satisfaction by month and quarter --------------------------------------------------------------------------


def test_csat_by_month_uses_submission_month_with_dimensions_and_actions(month):
    result = run_report("csat_month", ReportFilters(start=date(2026, 11, 1), end=date(2026, 12, 31)))
    keys = [column.key for column in result.columns]
    assert keys[-4:] == ["dim_professional", "dim_attitude", "dim_speed", "improvement_actions"]
    assert [column.label for column in result.columns[-4:-1]] == ["专业水平", "服务态度", "响应速度"]
    assert list(result.rows) == [
        {
            # Submitted in November (local): t10 (11-01 00:00, an October ticket), t1, t2, t6, t4 (11-30 23:59).
            "period": "2026-11",
            "period_start": "2026-11-01",
            "responses": 5,
            "csat": 3.73,  # (5 + 4.667 + 2 + 3 + 4) / 5 = 18.667 / 5 = 3.7334
            "satisfied_rate": 0.6,  # t10, t1, t4 score 4 or more: 3 / 5
            "solved_rate": 0.75,  # yes t10 t1 t4, no t2, t6 not asked: 3 / 4
            "low_scores": 1,  # t2 (lowest 1)
            "dim_professional": 3.6,  # (5 + 5 + 2 + 3 + 3) / 5
            "dim_attitude": 4.0,  # (5 + 5 + 3 + 3 + 4) / 5
            "dim_speed": 3.6,  # (5 + 4 + 1 + 3 + 5) / 5
            "improvement_actions": "加强物流跟踪; 缩短首次响应",
        },
        {
            # t3 (12-01 00:00 local, the first minute of December) and t9.
            "period": "2026-12",
            "period_start": "2026-12-01",
            "responses": 2,
            "csat": 2.83,  # (4 + 1.667) / 2 = 2.8335
            "satisfied_rate": 0.5,
            "solved_rate": 0.0,  # t9 no; t3 not asked
            "low_scores": 1,  # t9
            "dim_professional": 2.5,  # (4 + 1) / 2
            "dim_attitude": 3.0,  # (4 + 2) / 2
            "dim_speed": 3.0,  # (4 + 2) / 2
            "improvement_actions": "",
        },
    ]


def test_csat_by_quarter_gives_every_quarter_a_row_even_without_responses(month):
    table = rows("csat_quarter", ReportFilters(start=date(2026, 8, 15), end=date(2026, 12, 31)))
    assert table == [
        {
            "period": "2026-Q3",
            "period_start": "2026-07-01",
            "responses": 0,
            "csat": None,
            "satisfied_rate": None,
            "solved_rate": None,
            "low_scores": 0,
            "dim_professional": None,
            "dim_attitude": None,
            "dim_speed": None,
            "improvement_actions": "",
        },
        {
            # All seven: sum of averages 18.667 + 4 + 1.667 = 24.334; / 7 = 3.4763 → 3.48.
            "period": "2026-Q4",
            "period_start": "2026-10-01",
            "responses": 7,
            "csat": 3.48,
            "satisfied_rate": 0.5714,  # t10 t1 t4 t3: 4 / 7
            "solved_rate": 0.6,  # yes 3 of the 5 asked
            "low_scores": 2,  # t2, t9
            "dim_professional": 3.29,  # (18 + 4 + 1) / 7 = 3.2857
            "dim_attitude": 3.71,  # (20 + 4 + 2) / 7 = 3.7143
            "dim_speed": 3.43,  # (18 + 4 + 2) / 7 = 3.4286
            "improvement_actions": "季度复盘",
        },
    ]


def test_csat_months_without_responses_have_no_dimension_columns(month):
    result = run_report("csat_month", ReportFilters(start=date(2026, 6, 1), end=date(2026, 7, 31)))
    assert [column.key for column in result.columns][-1] == "improvement_actions"
    assert not any(column.key.startswith("dim_") for column in result.columns)
    assert [(row["period"], row["responses"], row["csat"]) for row in result.rows] == [
        ("2026-06", 0, None),
        ("2026-07", 0, None),
    ]


def test_csat_filters_by_the_responses_team_and_the_tickets_kind_and_channel(month):
    november_only = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}
    by_team = rows("csat_month", ReportFilters(team_id=month.team_a.pk, **november_only))[0]
    assert (by_team["responses"], by_team["csat"]) == (2, 3.5)  # t6 3.000 and t4 4.000
    by_kind = rows("csat_month", ReportFilters(kind="complaint", **november_only))[0]
    assert (by_kind["responses"], by_kind["csat"], by_kind["dim_speed"]) == (1, 4.0, 5.0)  # t4
    by_channel = rows("csat_month", ReportFilters(channel="chat", **november_only))[0]
    assert (by_channel["responses"], by_channel["csat"]) == (3, 3.89)  # t10 t1 t2: 11.667 / 3 = 3.8890


def test_csat_dimension_labels_follow_the_active_language(month):
    from django.utils import translation

    with translation.override("en"):
        result = run_report("csat_month", november())
    assert [column.label for column in result.columns if column.key.startswith("dim_")] == [
        "Professional level",
        "Service attitude",
        "Response speed",
    ]


# --- raw data -------------------------------------------------------------------------------------------------


def test_ticket_rows_stream_in_one_query(month, django_assert_num_queries):
    result = run_report("tickets", november())
    assert isinstance(result.rows, types.GeneratorType)
    with django_assert_num_queries(1):
        table = list(result.rows)
    assert [row["reference"] for row in table] == [
        month.ref(name) for name in ("t1", "t2", "t3", "t4", "t6", "t7", "t11", "t5", "t8")
    ]
    by_name = {
        name: next(row for row in table if row["reference"] == month.ref(name))
        for name in month.tickets
        if name not in ("t9", "t10")
    }
    assert by_name["t4"] == {
        "reference": month.ref("t4"),
        "received_at": "2026-11-03T20:00:00+08:00",
        "kind": "complaint",
        "category": "logistics",
        "channel": "web_form",
        "team": "售后 After-sales",
        "agent": "agent1",
        "status": "resolved",
        "first_response": 600,
        "resolution": 18000,
        "sla_met": "yes",
        "escalations": 0,
        "help_requests": 0,
        "csat": 4.0,
    }
    assert (by_name["t2"]["sla_met"], by_name["t2"]["escalations"], by_name["t2"]["csat"]) == ("no", 1, 2.0)
    assert (by_name["t7"]["agent"], by_name["t7"]["sla_met"], by_name["t7"]["escalations"]) == ("", "no", 2)
    assert (by_name["t5"]["status"], by_name["t5"]["resolution"], by_name["t5"]["sla_met"]) == ("open", None, "")
    assert (by_name["t8"]["first_response"], by_name["t8"]["sla_met"], by_name["t8"]["csat"]) == (None, "", None)
    assert by_name["t11"]["csat"] is None  # resolved without a survey
    assert by_name["t1"]["csat"] == 4.67  # 4.667


def test_ticket_rows_take_the_filters(month):
    references = [row["reference"] for row in rows("tickets", november(team_id=month.team_b.pk, channel="chat"))]
    assert references == [month.ref("t1"), month.ref("t2")]
