"""The preview ("which rule would fire?") reads only, and sees an unsaved edit in its place in the list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TeamFactory
from workforce.services.routing import routing_preview, routing_rule_build, routing_sample_clean

from .routing_helpers import rule

pytestmark = pytest.mark.django_db


def test_preview_only_reads():
    team = TeamFactory(name="售后组", default_for_kind="aftersales")
    rule("大额", order_amount_min=Decimal("1000"), set_team=team, add_tags=["大额"])
    rule("team", team=team, set_priority="high")
    sample = routing_sample_clean({"kind": "inquiry", "order_amount": "1500", "subject": "x"})
    with CaptureQueriesContext(connection) as queries:
        result = routing_preview(sample=sample)
    assert [r["name"] for r in result.outcome.fired] == ["大额", "team"]
    assert result.team == team and result.priority == "high" and result.outcome.tags == ["大额"]
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries), queries


def test_preview_uses_the_kinds_default_team_for_its_team_rules():
    default = TeamFactory(name="投诉组", default_for_kind="complaint")
    rule("complaints", team=default, add_tags=["投诉"])
    result = routing_preview(sample=routing_sample_clean({"kind": "complaint", "category": "logistics"}))
    assert result.team == default and result.outcome.tags == ["投诉"]


def test_an_edit_moved_into_another_place_is_previewed_there_and_not_saved():
    first = rule("first", keywords=["退款"], set_priority="high")
    second = rule("second", keywords=["退款"], set_priority="urgent")
    edited = routing_rule_build(rule=first, is_active=False)
    sample = routing_sample_clean({"subject": "退款"})
    result = routing_preview(sample=sample, replacing=edited)
    assert [r["id"] for r in result.outcome.fired] == [second.pk] and result.priority == "urgent"
    first.refresh_from_db()
    assert first.is_active is True


def test_a_sample_with_bad_values_is_refused():
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        routing_sample_clean({"kind": "party"})
    assert "kind" in refused.value.fields
