"""A small fake report with one column of every type, for tests of the API, the exports and the dashboard
(the real reports may have no rows yet). Register it with ``register_fake(monkeypatch)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reports import registry
from reports.filters import ReportFilters
from reports.registry import Column, ReportDefinition, ReportResult

FAKE_NAME = "fake"
FAKE_COLUMNS = [
    Column("label", "名称 Name", "text"),
    Column("tickets", "工单 Tickets", "int"),
    Column("rate", "Rate", "rate"),
    Column("wait", "Wait", "seconds"),
    Column("csat", "CSAT", "score"),
    Column("day", "Day", "date"),
]
FAKE_ROWS: list[dict[str, Any]] = [
    {"label": "上海 客服组", "tickets": 21, "rate": 20 / 21, "wait": 252, "csat": 4.5, "day": "2026-11-02"},
    {"label": '=HYPERLINK("http://x")', "tickets": 0, "rate": None, "wait": None, "csat": None, "day": None},
    {"label": "B", "tickets": 7, "rate": 0.5, "wait": 3900, "csat": 3.25, "day": "2026-11-03"},
]


def fake_rows(count: int) -> Iterator[dict[str, Any]]:
    for number in range(1, count + 1):
        yield {"label": f"行 {number}", "tickets": number, "rate": 0.25, "wait": 60, "csat": 4.0, "day": "2026-11-01"}


def fake_result(filters: ReportFilters, rows: Any = None) -> ReportResult:
    return ReportResult(
        name=FAKE_NAME,
        title="假报表 Fake",
        columns=list(FAKE_COLUMNS),
        rows=list(FAKE_ROWS) if rows is None else rows,
        filters=filters,
    )


def register_fake(monkeypatch: Any, *, rows: Any = None, name: str = FAKE_NAME, on_dashboard: bool = True) -> None:
    def build(filters: ReportFilters) -> ReportResult:
        result = fake_result(filters, rows=rows() if callable(rows) else rows)
        result.name = name
        return result

    definition = ReportDefinition(
        name=name, title="假报表 Fake", description="For tests.", build=build, on_dashboard=on_dashboard
    )
    monkeypatch.setitem(registry.REPORTS, name, definition)
