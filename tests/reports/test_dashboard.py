"""The managers' dashboard (/reports/): the shell with its filter bar, the htmx sections (also plain pages),
the presentation of values, and improvement actions on the satisfaction sections."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from core.formatting import human_duration
from reports import registry, services
from reports.models import ImprovementAction
from reports.registry import REPORTS, Column
from reports.views import display_value

from .fakes import patch_samples, register_fake

HX = {"HTTP_HX_REQUEST": "true"}
DASHBOARD_REPORTS = sorted(name for name, definition in REPORTS.items() if definition.on_dashboard)


@pytest.fixture
def manager_client(client, manager):  # type: ignore[no-untyped-def]
    client.force_login(manager)
    return client


def _section_urls(content: str) -> dict[str, str]:
    return dict(re.findall(r'id="section-(\w+)"\s+hx-get="([^"]+)" hx-trigger="load"', content))


def _embedded(content: str, name: str) -> dict:  # type: ignore[type-arg]
    match = re.search(rf'<script id="report-data-{name}" type="application/json">(.*?)</script>', content, re.S)
    assert match, f"no data for {name}"
    return json.loads(match.group(1))


# --- Access --------------------------------------------------------------------------------------------------


def test_dashboard_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_dashboard_refuses_agents(client, agent):
    client.force_login(agent)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/section/sla/", **HX).status_code == 403


def test_dashboard_admits_superusers(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-123456789"))
    assert client.get("/reports/").status_code == 200


def test_nav_links_to_reports_for_managers_only(client, manager, agent):
    client.force_login(agent)
    assert 'href="/reports/"' not in client.get("/").content.decode()
    client.force_login(manager)
    assert 'href="/reports/"' in client.get("/").content.decode()


# --- The shell -----------------------------------------------------------------------------------------------


def test_shell_has_one_lazy_section_per_dashboard_report_and_none_for_the_raw_data(manager_client):
    response = manager_client.get("/reports/")
    assert response.status_code == 200
    urls = _section_urls(response.content.decode())
    assert sorted(urls) == DASHBOARD_REPORTS
    assert "tickets" not in urls
    assert 'data-testid="export-tickets-csv"' in response.content.decode()


def test_shell_answers_without_computing_any_report(manager_client, monkeypatch):
    def refuse(filters):  # type: ignore[no-untyped-def]
        raise AssertionError("the shell must not run reports")

    for name, definition in list(REPORTS.items()):
        monkeypatch.setitem(REPORTS, name, registry.ReportDefinition(**{**definition.__dict__, "build": refuse}))
    assert manager_client.get("/reports/?period=this_month").status_code == 200


def test_shell_passes_the_filters_to_every_section(manager_client, team):
    response = manager_client.get(
        f"/reports/?start=2026-11-01&end=2026-11-23&team={team.pk}&kind=complaint&channel=chat"
    )
    for url in _section_urls(response.content.decode()).values():
        assert url.endswith(
            f"?start=2026-11-01&amp;end=2026-11-23&amp;team={team.pk}&amp;kind=complaint&amp;channel=chat"
        )


def test_shell_turns_a_preset_period_into_dates_for_the_sections(manager_client):
    response = manager_client.get("/reports/?period=last_7_days")
    url = _section_urls(response.content.decode())["sla"]
    start, end = re.search(r"start=([\d-]+)&amp;end=([\d-]+)", url).groups()  # type: ignore[union-attr]
    from datetime import date

    assert (date.fromisoformat(end) - date.fromisoformat(start)).days == 6


def test_shell_shows_the_filter_bar_with_what_was_asked(manager_client, team):
    content = manager_client.get(f"/reports/?period=last_month&team={team.pk}").content.decode()
    assert re.search(r'<option value="last_month" selected>', content)
    assert re.search(rf'<option value="{team.pk}" selected>', content)
    for name in ("period", "start", "end", "team", "kind", "channel"):
        assert f'name="{name}"' in content


def test_bad_filters_are_a_400_naming_each_field_and_load_no_section(manager_client):
    response = manager_client.get("/reports/?period=someday&start=2026-02-30&team=abc&kind=x&channel=y")
    assert response.status_code == 400
    content = response.content.decode()
    for field in ("period", "start", "team", "kind", "channel"):
        assert f'data-field="{field}"' in content
    assert _section_urls(content) == {}
    assert 'name="period"' in content  # the bar stays, to correct them


def test_end_before_start_is_a_400(manager_client):
    response = manager_client.get("/reports/?start=2026-11-10&end=2026-11-01")
    assert response.status_code == 400 and 'data-field="end"' in response.content.decode()


# --- Sections ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DASHBOARD_REPORTS)
def test_every_dashboard_report_renders_as_fragment_and_as_page(manager_client, name):
    fragment = manager_client.get(f"/reports/section/{name}/?period=last_90_days", **HX)
    assert fragment.status_code == 200
    content = fragment.content.decode()
    assert "<html" not in content and f'id="section-{name}"' in content
    data = _embedded(content, name)
    assert data["name"] == name and all(set(row) == {c["key"] for c in data["columns"]} for row in data["rows"])
    assert f"/reports/{name}.csv?start=" in content and f"/reports/{name}.xlsx?start=" in content
    assert f"/api/v1/reports/{name}/?start=" in content

    page = manager_client.get(f"/reports/section/{name}/?period=last_90_days")
    assert page.status_code == 200
    assert "<html" in page.content.decode() and f'id="section-{name}"' in page.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page.content.decode()


def test_section_table_shows_rates_as_percentages_and_seconds_as_durations_with_raw_titles(manager_client, monkeypatch):
    register_fake(monkeypatch)
    with translation.override("en"):
        content = manager_client.get("/reports/section/fake/?period=last_30_days", HTTP_ACCEPT_LANGUAGE="en", **HX)
    content = content.content.decode()
    assert re.search(r'title="0\.952380952\d*" data-sort="0\.952380952\d*">95\.2%<', content)
    assert 'data-sort="252">4m 12s<' in content or 'data-sort="252">4 分 12 秒<' in content
    assert ">1h 05m<" in content or "1小时05分" in content
    assert ">4.50<" in content
    data = _embedded(content, "fake")
    assert data["rows"][0]["rate"] == pytest.approx(20 / 21)  # the chart gets raw values


def test_empty_report_says_there_is_no_data(manager_client, monkeypatch):
    register_fake(monkeypatch, rows=[])
    content = manager_client.get("/reports/section/fake/", **HX).content.decode()
    assert 'data-testid="report-empty"' in content and "<canvas" not in content


def test_unknown_section_and_the_raw_data_report_are_404(manager_client):
    assert manager_client.get("/reports/section/nonsense/", **HX).status_code == 404
    assert manager_client.get("/reports/section/tickets/", **HX).status_code == 404


def test_section_with_bad_filters_is_a_400_fragment_for_htmx_and_a_page_without(manager_client):
    fragment = manager_client.get("/reports/section/sla/?team=abc", **HX)
    assert fragment.status_code == 400
    assert "<html" not in fragment.content.decode() and 'data-field="team"' in fragment.content.decode()
    page = manager_client.get("/reports/section/sla/?team=abc")
    assert page.status_code == 400 and "<html" in page.content.decode()


def test_charts_get_canvases_and_the_volume_a_heat_map_of_7_by_24(manager_client, monkeypatch):
    patch_samples(monkeypatch)
    volume = manager_client.get("/reports/section/volume/", **HX).content.decode()
    heatmap = re.search(r'<table class="heatmap".*?</table>', volume, re.S).group()  # type: ignore[union-attr]
    assert heatmap.count("<tr>") == 8  # the hours' header, then Monday to Sunday
    # The colour is a class per tenth of the busiest hour: no style attribute (the CSP forbids them).
    cells = re.findall(r'<td class="heat-(\d+)[^"]*" data-i="([\d.]+)"[^>]*title="([^"]+)">(\d+)</td>', heatmap)
    assert len(cells) == 7 * 24
    assert max(float(intensity) for _heat, intensity, _title, _count in cells) == 1.0
    assert all(int(heat) == round(float(intensity) * 10) for heat, intensity, _title, _count in cells)
    assert all(count in title for _heat, _intensity, title, count in cells)
    assert "style=" not in heatmap
    sla = manager_client.get("/reports/section/sla/", **HX).content.decode()
    assert 'data-part="first_response"' in sla and 'data-part="resolution"' in sla
    for name in ("time_bands", "complaints", "csat_month", "aftersales_reasons"):
        assert "<canvas" in manager_client.get(f"/reports/section/{name}/", **HX).content.decode(), name
    agents = manager_client.get("/reports/section/agents/", **HX).content.decode()
    assert "<canvas" not in agents and "report-numbers sortable" in agents


def test_section_is_drawn_from_the_registry_result(manager_client, monkeypatch):
    """No numbers of the page's own: the embedded rows are the report's rows."""
    patch_samples(monkeypatch)
    data = _embedded(manager_client.get("/reports/section/time_bands/", **HX).content.decode(), "time_bands")
    assert [row["received"] for row in data["rows"]] == [14, 180, 75, 210, 96]
    assert [column["key"] for column in data["columns"]] == [column.key for column in registry.TIME_BAND_COLUMNS]


# --- Presentation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (45, "45s"),
        (252, "4m 12s"),
        (600, "10m"),
        (601, "10m 01s"),
        (3900, "1h 05m"),
        (86400 * 2 + 3 * 3600, "2d 3h"),
    ],
)
def test_durations_read_like_people_write_them(seconds, shown):
    with translation.override("en"):
        assert human_duration(seconds) == shown


def test_display_of_values_by_column_type():
    assert display_value(Column("r", "R", "rate"), 0.5)["text"] == "50.0%"
    assert display_value(Column("r", "R", "rate"), None)["text"] == "—"
    assert display_value(Column("n", "N", "int"), 12345)["text"] == "12,345"
    assert display_value(Column("s", "S", "score"), 4.456)["text"] == "4.46"
    assert display_value(Column("s", "S", "seconds"), 61)["sort"] == 61


# --- Improvement actions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2026-11", "2026-Q4", "2026-q1 "])
def test_improvement_action_accepts_a_month_or_a_quarter(manager, period):
    action = services.improvement_action_add(period=period, text="  回访差评客户  ", actor=manager)
    assert action.period == period.strip().upper() and action.text == "回访差评客户"
    assert action.created_by == manager


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "26-11", "2026/11", "", "2026-11-01"])
def test_improvement_action_refuses_other_periods(manager, period):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.improvement_action_add(period=period, text="x", actor=manager)
    assert set(caught.value.fields) == {"period"}


@pytest.mark.parametrize("text", ["", "   ", "字" * 501])
def test_improvement_action_needs_a_text_of_at_most_500_characters(manager, text):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.improvement_action_add(period="2026-11", text=text, actor=manager)
    assert set(caught.value.fields) == {"text"}
    assert not ImprovementAction.objects.exists()


def test_manager_records_an_action_and_returns_to_the_section(manager_client, manager):
    next_url = "/reports/?start=2026-11-01&end=2026-11-23#section-csat_month"
    response = manager_client.post("/reports/actions/", {"period": "2026-11", "text": "加强夜班排班", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    action = ImprovementAction.objects.get()
    assert (action.period, action.text, action.created_by) == ("2026-11", "加强夜班排班", manager)


def test_invalid_action_is_not_saved_and_says_why(manager_client):
    response = manager_client.post(
        "/reports/actions/", {"period": "2026-13", "text": "x", "next": "/reports/"}, follow=True
    )
    assert response.status_code == 200
    assert not ImprovementAction.objects.exists()
    assert "flash-error" in response.content.decode()


def test_action_form_does_not_redirect_off_site(manager_client):
    response = manager_client.post(
        "/reports/actions/", {"period": "2026-11", "text": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/reports/"


def test_agents_cannot_record_actions(client, agent):
    client.force_login(agent)
    assert client.post("/reports/actions/", {"period": "2026-11", "text": "x"}).status_code == 403
    assert not ImprovementAction.objects.exists()


def test_actions_page_takes_posts_only(manager_client):
    assert manager_client.get("/reports/actions/").status_code == 405


def test_csat_sections_list_the_actions_of_their_periods_and_offer_the_form(manager_client, manager, monkeypatch):
    patch_samples(monkeypatch)
    services.improvement_action_add(period="2026-10", text="培训新人话术", actor=manager)
    services.improvement_action_add(period="2025-01", text="很久以前", actor=manager)
    content = manager_client.get("/reports/section/csat_month/?period=last_90_days", **HX).content.decode()
    assert "培训新人话术" in content and "很久以前" not in content
    assert 'action="/reports/actions/"' in content and 'name="csrfmiddlewaretoken"' in content
    assert 'value="2026-11"' in content  # the latest period is offered
    assert "#section-csat_month" in content
    quarter = manager_client.get("/reports/section/csat_quarter/", **HX).content.decode()
    assert 'data-testid="action-form"' in quarter
    assert 'data-testid="action-form"' not in manager_client.get("/reports/section/sla/", **HX).content.decode()


def test_admin_lists_improvement_actions(admin_client, manager):
    services.improvement_action_add(period="2026-11", text="加强夜班排班", actor=manager)
    response = admin_client.get("/admin/reports/improvementaction/")
    assert response.status_code == 200 and "加强夜班排班" in response.content.decode()
