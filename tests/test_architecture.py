"""House rules checked by tooling (STYLE.md). What import-linter checks (the layer order, `make lint`) is not
repeated here: this file checks who writes a status, which no import graph can tell."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "core",
    "accounts",
    "audit",
    "customers",
    "notifications",
    "integrations",
    "tickets",
    "webhooks",
    "complaints",
    "aftersales",
    "surveys",
    "reports",
    "workforce",
    "knowledge",
    "helpdesk",
]

# Every stateful model's status has exactly one writer (STYLE.md rule 7): (file, function) -> the field.
STATUS_WRITERS = {
    ("tickets/services/transitions.py", "transition_locked"): "Ticket.status",
    ("aftersales/services/transitions.py", "set_status"): "AfterSalesRequest.status",
    ("aftersales/services/common.py", "approvals_set_status"): "Approval.status",
    ("aftersales/services/offers.py", "offers_set_status"): "Offer.status",
    ("webhooks/services/delivery.py", "_set_delivery_status"): "WebhookDelivery.status",
    ("surveys/services.py", "survey_follow_up_complete"): "SurveyFollowUp.status",
    ("workforce/services/presence.py", "_status_set_locked"): "AgentProfile.status",
    ("knowledge/services/articles.py", "_status_set"): "Article.status",
}


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            # Migrations write history; the demo data (management commands of the project) writes rows as
            # they would look after months of work, by design.
            if "migrations" in path.parts or (app == "helpdesk" and "management" in path.parts):
                continue
            yield path


def _status_writes(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of every ``x.status = …`` and ``….update(status=…)`` in a module."""
    tree = ast.parse(path.read_text())
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                if any(isinstance(t, ast.Attribute) and t.attr in ("status", "state") for t in targets):
                    found.append((name, child.lineno))
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr in ("update", "bulk_update")
                and any(keyword.arg == "status" for keyword in child.keywords)
            ):
                found.append((name, child.lineno))
            visit(child, name)

    visit(tree, "<module>")
    return found


def test_every_status_is_written_by_its_one_writer_function():
    writes = {
        (str(path.relative_to(ROOT)), function, line) for path in _sources() for function, line in _status_writes(path)
    }
    outside = sorted(write for write in writes if (write[0], write[1]) not in STATUS_WRITERS)
    assert outside == [], "status written outside its writer function"
    assert {(file, function) for file, function, _line in writes} == set(STATUS_WRITERS), "a writer writes nothing"


def test_ticket_status_has_one_assignment_in_the_transition_function():
    source = (ROOT / "tickets" / "services" / "transitions.py").read_text()
    assignments = [line for line in source.splitlines() if re.search(r"ticket\.status\s*=\s*[^=]", line)]
    assert assignments == ["    ticket.status = to_status"]
