from django.core.management import call_command

from tests.abuse import operations


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
