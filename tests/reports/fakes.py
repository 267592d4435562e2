"""A small fake report with one column of every type, for tests of the API, the exports and the dashboard
(the real reports may have no rows yet). Register it with ``register_fake(monkeypatch)``."""

from __future__ import annotations

import dataclasses
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


# --- Sample rows shaped like the real reports, for the dashboard (the real builders may return none yet) ------


def sample_rows() -> dict[str, list[dict[str, Any]]]:
    volume = []
    for weekday in range(1, 8):
        for hour in range(24):
            busy = 0 if hour < 8 else (12 if 9 <= hour <= 11 or 14 <= hour <= 17 else 4)
            received = busy + (weekday % 3) * (1 if busy else 0)
            resolved = round(received * 0.8)
            volume.append(
                {
                    "weekday": weekday,
                    "hour": hour,
                    "received": received,
                    "resolved": resolved,
                    "resolution_rate": resolved / received if received else None,
                }
            )
    bands = [
        ("00-08", "夜间 00–08", 14, 9),
        ("08-12", "上午 08–12", 180, 160),
        ("12-14", "午间 12–14", 75, 61),
        ("14-18", "下午 14–18", 210, 188),
        ("18-24", "晚间 18–24", 96, 70),
    ]

    def sla_row(dimension: str, key: str, name: str, scale: float) -> dict[str, Any]:
        return {
            "dimension": dimension,
            "key": key,
            "name": name,
            "tickets": int(120 * scale),
            "responded": int(118 * scale),
            "first_response_median": int(252 * scale),
            "first_response_p90": int(1500 * scale),
            "resolved": int(100 * scale),
            "resolution_median": int(3900 * scale),
            "resolution_p90": int(30000 * scale),
            "first_response_compliance": 0.95,
            "resolution_compliance": 0.88,
            "sla_compliance": 0.86,
            "escalated_tickets": 3,
            "escalations": 4,
            "help_requests": 1,
        }

    pareto = []
    cumulative = 0
    for code, label, requests in [
        ("size", "尺码不合适", 40),
        ("quality", "质量问题", 25),
        ("damaged", "运输破损", 15),
        ("wrong_item", "发错货", 10),
        ("changed_mind", "不想要了", 6),
        ("other", "其他", 4),
    ]:
        cumulative += requests
        pareto.append(
            {
                "reason": code,
                "label": label,
                "requests": requests,
                "share": requests / 100,
                "cumulative_share": cumulative / 100,
                "vital_few": "yes" if cumulative - requests < 80 else "no",
            }
        )
    return {
        "volume": volume,
        "time_bands": [
            {
                "band": band,
                "label": label,
                "received": received,
                "resolved": resolved,
                "resolution_rate": resolved / received,
            }
            for band, label, received, resolved in bands
        ],
        "sla": [
            sla_row("all", "", "全部 All", 1),
            sla_row("team", "1", "售前 Pre-sales", 0.6),
            sla_row("team", "2", "售后 After-sales", 1.4),
            sla_row("kind", "complaint", "投诉", 1.1),
            sla_row("agent", "7", "王芳", 0.5),
        ],
        "complaints": [
            {
                "category": "delivery",
                "label": "物流问题",
                "complaints": 12,
                "resolved": 10,
                "handling_median": 7200,
                "handling_p90": 86400,
                "within_24h_rate": 0.75,
                "responses": 8,
                "csat": 3.6,
                "satisfied_rate": 0.62,
            },
            {
                "category": "attitude",
                "label": "服务态度",
                "complaints": 5,
                "resolved": 5,
                "handling_median": 3600,
                "handling_p90": 20000,
                "within_24h_rate": 1.0,
                "responses": 0,
                "csat": None,
                "satisfied_rate": None,
            },
        ],
        "csat": [
            {
                "period": period,
                "period_start": start,
                "responses": responses,
                "csat": csat,
                "satisfied_rate": 0.8,
                "solved_rate": 0.9,
                "low_scores": 2,
                "dim_expertise": csat + 0.1,
                "dim_attitude": csat + 0.2,
                "dim_speed": csat - 0.3,
                "improvement_actions": "",
            }
            for period, start, responses, csat in [
                ("2026-09", "2026-09-01", 40, 4.1),
                ("2026-10", "2026-10-01", 52, 4.3),
                ("2026-11", "2026-11-01", 47, 4.45),
            ]
        ],
        "aftersales_reasons": pareto,
        "aftersales_products": [
            {
                "sku": f"TS-{index:03d}",
                "title": title,
                "requests": row["requests"],
                "quantity": row["requests"] + index,
                "share": row["share"],
                "cumulative_share": row["cumulative_share"],
                "vital_few": row["vital_few"],
            }
            for index, (title, row) in enumerate(
                zip(
                    ["纯棉T恤 白 L", "卡其裤 32", "羽绒服 黑 M", "运动鞋 42", "帆布包", "袜子 三双装"],
                    pareto,
                    strict=True,
                ),
                1,
            )
        ],
        "agents": [
            {
                "agent_id": number,
                "agent": name,
                "handled": handled,
                "resolved": resolved,
                "first_response_median": wait,
                "resolution_rate": resolved / handled,
                "sla_compliance": sla,
                "escalations": escalations,
                "help_requests": 0,
                "responses": handled // 3,
                "csat": csat,
            }
            for number, name, handled, resolved, wait, sla, escalations, csat in [
                (1, "王芳", 84, 80, 180, 0.97, 1, 4.7),
                (2, "李强", 120, 101, 420, 0.88, 4, 4.1),
                (3, "张伟", 35, 35, 95, 1.0, 0, None),
            ]
        ],
    }


def patch_samples(monkeypatch: Any) -> None:
    """Every dashboard report returns sample rows (with the real report's columns, plus CSAT dimensions)."""
    samples = sample_rows()
    dimension_columns = [
        Column("dim_expertise", "专业水平", "score"),
        Column("dim_attitude", "服务态度", "score"),
        Column("dim_speed", "响应速度", "score"),
    ]
    for name, definition in list(registry.REPORTS.items()):
        rows = samples.get("csat" if name.startswith("csat_") else name)
        if rows is None:
            continue

        def build(
            filters: ReportFilters, _original: Any = definition.build, _rows: Any = rows, _name: str = name
        ) -> ReportResult:
            result = _original(filters)
            columns = [column for column in result.columns if not column.key.startswith("dim_")]
            if _name.startswith("csat_"):
                columns = [c for c in columns if c.key != "improvement_actions"]
                columns += [*dimension_columns, registry.CSAT_ACTIONS_COLUMN]
            rows = [dict(row) for row in _rows]
            if _name == "csat_quarter":
                rows = [dict(rows[-1], period="2026-Q4", period_start="2026-10-01")]
            return ReportResult(name=_name, title=result.title, columns=columns, rows=rows, filters=filters)

        monkeypatch.setitem(registry.REPORTS, name, dataclasses.replace(definition, build=build))
