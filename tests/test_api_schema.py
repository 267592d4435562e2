from django.core.management import call_command


def test_openapi_schema_generates_without_warnings(tmp_path):
    """Every endpoint documents itself: drf-spectacular validates the schema and fails on any warning."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
