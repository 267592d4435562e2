"""House rules checked by tooling (STYLE.md): state changes live in services; imports run one way."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["helpdesk", "accounts", "customers", "notifications", "tickets"]
STATUS_ASSIGNMENT = re.compile(r"\.(status|state)\s*=\s*[^=]")


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            # The project's own commands (demo data for every app) sit above all apps.
            if app == "helpdesk" and "management" in path.parts:
                continue
            yield path


def test_status_is_assigned_only_in_services_modules():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path.name != "services.py" and "services" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if STATUS_ASSIGNMENT.search(line)
    ]
    assert offenders == []


def test_ticket_status_has_one_assignment_in_the_transition_function():
    source = "".join(path.read_text() for path in (ROOT / "tickets" / "services").glob("*.py"))
    assignments = [line for line in source.splitlines() if re.search(r"ticket\.status\s*=\s*[^=]", line)]
    assert assignments == ["    ticket.status = to_status"]


def test_core_apps_do_not_import_the_kind_apps():
    """tickets (and the apps below it) never import complaints, aftersales or surveys."""
    pattern = re.compile(r"^\s*(from|import)\s+(complaints|aftersales|surveys)\b", re.MULTILINE)
    offenders = [str(path.relative_to(ROOT)) for path in _sources() if pattern.search(path.read_text())]
    assert offenders == []
