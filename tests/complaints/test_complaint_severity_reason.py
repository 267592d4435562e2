"""Why a complaint has its severity is stored as data (the rule's keyword) and put into words when shown, in
the reader's language: it used to be stored already translated, so English readers saw "关键词“烫伤”"."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from rest_framework.test import APIClient

from complaints.models import Complaint, SeverityRule
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

BURN = {"kind": "complaint", "category": "product_quality", "subject": "保温杯盖子烫伤手", "description": "要求赔偿"}


@pytest.fixture(autouse=True)
def _burn_rule(db):  # type: ignore[no-untyped-def]
    # A migration ships it, but a transactional test elsewhere may have flushed the migrations' rows.
    SeverityRule.objects.get_or_create(keyword="烫伤", defaults={"severity": "critical"})


@pytest.mark.parametrize("written_in", ["zh-hans", "en"])
def test_a_keyword_reason_reads_in_the_readers_language(written_in, team, manager, client):
    with translation.override(written_in):  # the language of whoever sent the complaint in
        ticket = make_ticket(team=team, **BURN)
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.severity == "critical" and complaint.severity_keyword == "烫伤"
    client.force_login(manager)
    english = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Keyword “烫伤”" in english and "关键词" not in english
    assert "关键词“烫伤”" in chinese and "Keyword" not in chinese


def test_the_api_gives_the_keyword_as_a_stable_value_and_the_reason_in_the_callers_language(team, manager):
    ticket = make_ticket(team=team, **BURN)
    api = APIClient()
    api.force_authenticate(manager)
    bodies = {
        language: api.get(f"/api/v1/complaints/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        for language in ("en", "zh-hans")
    }
    assert bodies["en"]["severity_keyword"] == bodies["zh-hans"]["severity_keyword"] == "烫伤"
    assert bodies["en"]["severity_reason"] == "Keyword “烫伤”"
    assert bodies["zh-hans"]["severity_reason"] == "关键词“烫伤”"
    listed = api.get("/api/v1/complaints/", HTTP_ACCEPT_LANGUAGE="en").json()
    rows = listed["results"]
    assert [row["severity_keyword"] for row in rows] == ["烫伤"]


def test_a_complaint_no_rule_raised_has_no_keyword_and_no_reason(team):
    ticket = make_ticket(team=team, kind="complaint", category="logistics", subject="快递慢", description="三天没到")
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.severity == "normal" and complaint.severity_keyword == "" and complaint.severity_reason == ""


def test_the_data_migration_reads_the_keyword_out_of_stored_reasons():
    migration = importlib.import_module("complaints.migrations.0004_severity_keyword")
    rules = ["烫伤", "起火", "受伤"]
    assert migration.keyword_in("关键词“烫伤”", rules) == "烫伤"
    assert migration.keyword_in("Keyword “起火”", rules) == "起火"
    assert migration.keyword_in('Keyword "explode"', rules) == "explode"  # a rule since deleted: still its word
    assert migration.keyword_in("含有受伤一词", rules) == "受伤"  # no quotes: a rule keyword it contains
    assert migration.keyword_in("经理手动设定", rules) == ""  # nothing to recover


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_existing_rows_and_back(team):
    keyword_ticket = make_ticket(team=team, **BURN)
    plain_ticket = make_ticket(team=team, kind="complaint", category="logistics", subject="快递慢", description="…")
    executor = MigrationExecutor(connection)
    before, after = [("complaints", "0003_template_help")], [("complaints", "0004_severity_keyword")]
    try:
        executor.migrate(before)
        old_complaint = executor.loader.project_state(before).apps.get_model("complaints", "Complaint")
        # Backwards, the keyword became a stored sentence again.
        assert old_complaint.objects.get(ticket_id=keyword_ticket.pk).severity_reason == "关键词“烫伤”"
        old_complaint.objects.filter(ticket_id=plain_ticket.pk).update(severity_reason="Keyword “起火”")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Complaint.objects.get(ticket=keyword_ticket).severity_keyword == "烫伤"
    assert Complaint.objects.get(ticket=plain_ticket).severity_keyword == "起火"
