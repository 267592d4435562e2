"""House rules for the after-sales app, checked by tooling: one place assigns a request's status."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "aftersales"


def test_request_status_is_assigned_in_one_function_only():
    assignments = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\brequest\.status\s*=\s*[^=]", line) or re.search(r"\.status\s*=\s*to_status", line):
                assignments.append(f"{path.name}:{number}:{line.strip()}")
    assert (
        len(assignments) == 1
        and assignments[0].startswith("transitions.py")
        and "request.status = to_status" in assignments[0]
    )
    source = (ROOT / "services" / "transitions.py").read_text()
    set_status = source[source.index("def set_status(") :]
    assert "request.status = to_status" in set_status.split("\ndef ", 1)[0]


def test_aftersales_writes_tickets_only_through_ticket_services():
    """The timeline lines and ticket status changes go through tickets.services, never the ORM."""
    pattern = re.compile(r"\b(Ticket|TicketEvent|Message)\.objects\.(create|bulk_create|update|get_or_create)")
    offenders = [
        path.name for path in ROOT.rglob("*.py") if "migrations" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []
