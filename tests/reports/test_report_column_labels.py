"""Column labels that name different numbers must read differently: on the SLA report, the tickets that were
escalated and the escalations (one ticket can have several) used to read 升级工单数 and 升级工单 side by side."""

from __future__ import annotations

import pytest
from django.utils import translation

from reports.registry import AGENT_COLUMNS, SLA_COLUMNS, TICKET_COLUMNS

EXPECTED = {
    "zh-hans": {"escalated_tickets": "被升级的工单数", "escalations": "升级次数", "page": "升级工单"},
    "en": {"escalated_tickets": "Tickets escalated", "escalations": "Escalation count", "page": "Escalations"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_sla_reports_escalation_columns_have_distinct_clear_labels(language):
    with translation.override(language):
        labels = {column.key: str(column.label) for column in SLA_COLUMNS}
        page = translation.gettext("Escalations")  # the managers' page of that name
    expected = EXPECTED[language]
    assert labels["escalated_tickets"] == expected["escalated_tickets"]
    assert labels["escalations"] == expected["escalations"]
    assert page == expected["page"]
    assert page not in (labels["escalated_tickets"], labels["escalations"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_report_names_an_escalation_count_the_same_way(language):
    with translation.override(language):
        for columns in (SLA_COLUMNS, AGENT_COLUMNS, TICKET_COLUMNS):
            [label] = [str(column.label) for column in columns if column.key == "escalations"]
            assert label == EXPECTED[language]["escalations"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_report_shows_two_columns_with_the_same_label(language):
    with translation.override(language):
        for columns in (SLA_COLUMNS, AGENT_COLUMNS, TICKET_COLUMNS):
            labels = [str(column.label) for column in columns]
            assert len(labels) == len(set(labels))
