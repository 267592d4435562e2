import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.abuse import openapi_document, operations


def test_openapi_schema_generates_without_warnings(tmp_path):
    """Every endpoint documents itself: drf-spectacular validates the schema and fails on any warning."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_the_filters_each_list_reads_are_in_the_schema():
    """The contract and abusive-input tests generate their requests from the schema: a parameter it does not
    list is never tried."""
    documented = {
        (path, method): {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        for path, method, op in operations()
    }
    expected = {
        ("/api/v1/complaints/", "GET"): {"view", "severity"},
        ("/api/v1/complaints/follow-ups/", "GET"): {"due", "cursor"},
        ("/api/v1/aftersales/requests/", "GET"): {"status", "type", "reason", "order_number", "ticket", "cursor"},
        ("/api/v1/escalations/", "GET"): {"open", "cursor"},
        ("/api/v1/aftersales/evidence/{id}/file/", "GET"): {"thumbnail"},
        ("/api/v1/notifications/", "GET"): {"unread", "cursor"},
    }
    for operation, names in expected.items():
        assert names <= documented[operation], operation


RACE = """
import os, sys, threading
import django
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"
django.setup()
from django.test import Client
start = threading.Barrier(16)
statuses = []
def fetch():
    client = Client(raise_request_exception=False)
    start.wait()
    statuses.append(client.get("/api/v1/schema/?format=json").status_code)
threads = [threading.Thread(target=fetch) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(sorted(statuses))
"""


def test_a_fresh_process_serves_the_schema_to_simultaneous_first_requests():
    """drf-spectacular is not thread-safe: 16 first requests at once in a new process gave some 500s."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"}
    env.pop("DATABASE_URL", None)  # the schema needs no database
    for _attempt in range(2):
        run = subprocess.run(
            [sys.executable, "-c", RACE], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )
        assert run.stdout.strip().splitlines()[-1] == str([200] * 16), run.stdout[-500:] + run.stderr[-2000:]


def _titles(node, found):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                found.append(value)
            _titles(value, found)
    elif isinstance(node, list):
        for value in node:
            _titles(value, found)
    return found


@pytest.mark.django_db
def test_the_schema_is_one_document_whatever_the_reader_s_language(client):
    """Generated clients name their classes after titles: a Chinese reader must not get ``TicketsList状态``."""
    documents = {
        language: client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language).content
        for language in ("zh-hans", "en", "zh-CN,zh;q=0.9")
    }
    assert len(set(documents.values())) == 1
    client.cookies["django_language"] = "zh-hans"
    assert client.get("/api/v1/schema/", {"format": "json"}).content == documents["en"]
    titles = _titles(json.loads(documents["en"]), [])
    assert titles and not [title for title in titles if re.search(r"[\u4e00-\u9fff]", title)]


@pytest.mark.django_db
def test_the_3_1_document_says_null_the_3_1_way(client):
    """``nullable`` is OpenAPI 3.0: a 3.1 validator ignores it and refuses every last page (``next: null``)."""
    document = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert document["openapi"].startswith("3.1")
    assert '"nullable"' not in json.dumps(document)
    envelope = document["components"]["schemas"]["PaginatedTicketListOutputList"]
    assert envelope["required"] == ["next", "previous", "results"]
    assert envelope["properties"]["next"]["type"] == ["string", "null"]


def test_ordering_is_declared_as_the_values_it_accepts():
    for path in ("/api/v1/tickets/", "/api/v1/customers/", "/api/v1/orders/"):
        (ordering,) = [
            p
            for _path, method, op in operations()
            if _path == path and method == "GET"
            for p in op.get("parameters", [])
            if p["name"] == "ordering"
        ]
        assert ordering["schema"]["enum"] == ["id", "-id", "updated_at", "-updated_at", "created_at", "-created_at"]


def test_every_operation_has_a_summary_a_description_and_a_defined_tag():
    """Generated clients and the docs name operations by their summaries; a new endpoint arrives documented
    (helpdesk/api_docs.py) or this fails."""
    document = openapi_document()
    defined = {tag["name"]: tag["description"] for tag in document["tags"]}
    missing = [
        (method, path)
        for path, method, operation in operations()
        if not operation.get("summary")
        or not operation.get("description")
        or not set(operation.get("tags", [])) <= set(defined)
    ]
    assert missing == []
    assert all(defined.values())
    summaries = [operation["summary"] for _path, _method, operation in operations()]
    assert len(summaries) == len(set(summaries))
    assert document["servers"] and document["info"]["license"]["name"]
    for name, item in document["webhooks"].items():
        (operation,) = item.values()
        assert operation["operationId"] == "webhook_" + name.replace(".", "_")
        assert operation["security"] == [{"webhookSignature": []}]


def test_fields_every_response_carries_are_required():
    """A ModelSerializer leaves a model field with a default out of ``required``: generated clients then typed a
    ticket's status as maybe-unset. Only fields a serializer declares optional stay optional."""
    schemas = openapi_document()["components"]["schemas"]
    for name in ("TicketDetailOutput", "TicketListOutput"):
        assert {"status", "category", "priority", "kind"} <= set(schemas[name]["required"]), name
    optional = {
        name: sorted(set(schema["properties"]) - set(schema.get("required", [])))
        for name, schema in schemas.items()
        if not name.endswith("Request") and schema.get("properties")
    }
    assert {name: fields for name, fields in optional.items() if fields} == {
        "ErrorDetail": ["changes", "last_event_id", "required_scope"],
        "WebhookChangeSchema": ["message"],
    }
    ladder = schemas["AfterSalesRequestDetailOutput"]["properties"]["ladder"]
    assert ladder["items"]["$ref"].endswith("/LadderStepOutput")
    processing = schemas["AfterSalesRequestDetailOutput"]["properties"]["processing"]
    assert processing["allOf"][0]["$ref"].endswith("/ProcessingOutput")
