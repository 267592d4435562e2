"""The OpenAPI document is the integration contract: every operation lists the errors it can answer with
(one error body), the ``Idempotency-Key`` header on every POST (and ``Idempotent-Replayed`` on the responses of
those that replay), the scope an API key needs, and the ``X-Request-ID`` / rate-limit headers. schemathesis
checks the running API against it in CI."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.idempotency import MAX_KEY_LENGTH, REPLAYED_HEADER
from integrations.permissions import ANY_KEY, ApiKeyScope


class StaleChangeOutput(serializers.Serializer):
    """One change a stale reply or status change had not seen (collision detection)."""

    id = serializers.IntegerField(help_text="The event's id.")
    type = serializers.CharField(help_text="The event's type: customer_replied, replied or status_changed.")
    actor = serializers.CharField(allow_null=True, help_text="Who did it (the buyer's name for their message).")
    at = serializers.DateTimeField()
    mine = serializers.BooleanField(help_text="Whether the caller did it (never true here).")
    text = serializers.CharField(help_text="One line for a person, in the caller's language.")
    excerpt = serializers.CharField(help_text="The start of the message, for messages; else empty.")


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. validation_error, missing_scope, throttled.")
    message = serializers.CharField(help_text="Human-readable, in the caller's language.")
    fields = serializers.DictField(  # type: ignore[assignment]  # (DRF pops declared fields off the class)
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per input field, the problems found. A nested field is named by its path in the body: a dot "
        "before a name, an index in brackets (order.lines[0].quantity).",
    )
    request_id = serializers.CharField(help_text="Same as the X-Request-ID header; quote it to support.")
    required_scope = serializers.CharField(
        required=False, allow_null=True, help_text="With missing_scope: the scope the key lacks."
    )
    changes = StaleChangeOutput(
        many=True,
        required=False,
        help_text="With stale_ticket: what changed after last_seen_event_id that the caller had not seen.",
    )
    last_event_id = serializers.IntegerField(
        required=False, help_text="With stale_ticket: the ticket's newest event id; send it to go ahead anyway."
    )


class ErrorOutput(serializers.Serializer):
    error = ErrorDetail()


ERRORS = {
    "400": "Invalid input: see error.fields.",
    "401": "No credentials, or an invalid, expired or revoked API key.",
    "403": "The key lacks the scope (error.required_scope) or the account lacks the role.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "406": "The Accept header asks for a format we do not serve.",
    "409": "Conflict: the object's state does not allow it, the Idempotency-Key was used for another request, or "
    "(stale_ticket) the ticket changed after last_seen_event_id.",
    "413": f"The body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20} MB (files aside).",
    "415": "Unsupported Content-Type.",
    "429": "Too many requests for this key (or staff account): wait Retry-After seconds.",
}
BODY_METHODS = {"POST", "PUT", "PATCH"}

_STRING = {"schema": {"type": "string"}}
_INTEGER = {"schema": {"type": "integer"}}
REQUEST_ID_HEADER = {"X-Request-ID": {**_STRING, "description": "This request's id (also in logs)."}}
RATE_HEADERS = {
    "X-RateLimit-Limit": {**_INTEGER, "description": "Requests allowed per window (a minute for an API key)."},
    "X-RateLimit-Remaining": {**_INTEGER, "description": "Requests left in this window."},
    "X-RateLimit-Reset": {**_INTEGER, "description": "Unix time the window resets."},
}

IDEMPOTENCY_KEY_DESCRIPTIONS = {
    True: "Makes a retry safe: the same key with the same body returns the first response (header "
    "Idempotent-Replayed: true) without doing it again; the same key with another body is a 409. Keys are kept "
    "at least 24 hours, per integration. An empty or malformed key is a 400 naming this header.",
    False: "Accepted like on every POST (an empty or malformed key is a 400 naming this header), but nothing is "
    "stored: this operation is safe to repeat as it is, and must not keep what it was sent or answered, so a "
    "retry runs again and gives the same answer.",
}
REPLAYED_RESPONSE_HEADER = {
    REPLAYED_HEADER: {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present, with the value true, when this is the stored first response to an earlier "
        "request with the same Idempotency-Key and body, replayed (nothing was done again).",
    }
}


# The contract's one language. Field labels and help texts are translated for the pages; the machine contract
# must not be: generated clients name their classes after titles (``TicketsList状态`` from a Chinese one).
CONTRACT_LANGUAGE = "en"


class HelpdeskSchemaGenerator(SchemaGenerator):
    """Generates the document in English whatever the caller's language, so it is one byte-identical
    contract for every reader (the served document and ``manage.py spectacular`` alike)."""

    def get_schema(self, request: Any = None, public: bool = False) -> Any:
        with translation.override(CONTRACT_LANGUAGE):
            return super().get_schema(request=request, public=public)


class HelpdeskAutoSchema(AutoSchema):
    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        """In a response, a field a ModelSerializer built from a model field is always there (null where it has
        no value), so it is required: drf-spectacular leaves out a model field with a default (a ticket's
        ``status``), and generated clients then type it as maybe-unset. Fields declared on a serializer keep
        their own ``required`` (``ErrorDetail.required_scope`` comes only with missing_scope)."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "response" or not schema.get("properties"):
            return schema
        serializer = force_instance(serializer)
        declared = getattr(serializer, "_declared_fields", {})
        required = set(schema.get("required", []))
        for name, field in serializer.fields.items():
            if name in schema["properties"] and (field.required or name not in declared):
                required.add(name)
        if required:
            schema["required"] = sorted(required, key=list(schema["properties"]).index)
        return schema

    def _handler(self) -> Any:
        return getattr(self.view, self.method.lower(), None)

    def _required_scope(self) -> str | None:
        if ApiKeyScope not in [*getattr(self.view, "permission_classes", [])]:
            return None
        scopes = getattr(self.view, "required_scopes", None)
        if not scopes:
            return None
        return scopes[0] if self.method in SAFE_METHODS else scopes[1]

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        handler = self._handler()
        idempotent = bool(getattr(handler, "idempotent", False))
        replays = idempotent and bool(getattr(handler, "idempotent_replays", False))
        if idempotent:
            operation.setdefault("parameters", []).append(
                {
                    "in": "header",
                    "name": IDEMPOTENCY_HEADER,
                    "required": False,
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                    "description": IDEMPOTENCY_KEY_DESCRIPTIONS[replays],
                }
            )
        scope = self._required_scope()
        if scope == ANY_KEY:
            operation["x-required-scopes"] = []
        elif scope:
            operation["x-required-scopes"] = [scope]
        error_ref = self.resolve_serializer(ErrorOutput, "response").ref
        responses = operation.setdefault("responses", {})
        for code, response in responses.items():
            response.setdefault("headers", {}).update({**REQUEST_ID_HEADER, **RATE_HEADERS})
            if replays and str(code).startswith("2"):
                response["headers"].update(REPLAYED_RESPONSE_HEADER)
        codes = ["400", "401", "403", "404", "405", "406", "429"]
        if self.method in BODY_METHODS or self.method == "DELETE":
            codes += ["409"]
        if self.method in BODY_METHODS:
            codes += ["413", "415"]
        for code in codes:
            if code in responses:
                continue
            headers = {**REQUEST_ID_HEADER}
            if code == "429":
                headers["Retry-After"] = {**_INTEGER, "description": "Seconds to wait before retrying."}
                headers.update(RATE_HEADERS)
            responses[code] = {
                "description": ERRORS[code],
                "content": {"application/json": {"schema": error_ref}},
                "headers": headers,
            }
        return operation


WEBHOOK_SECURITY_SCHEME = "webhookSignature"


def document_operations(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: each operation's summary and description (``helpdesk.api_docs``),
    the tags' descriptions, the server, and for the webhooks we send an operationId and how they are signed."""
    from webhooks.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

    from .api_docs import OPERATIONS, TAGS

    used_tags: set[str] = set()
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            summary, description = OPERATIONS.get((method.upper(), path), ("", None))
            if summary:
                operation["summary"] = summary
            if description:
                operation["description"] = description
            used_tags.update(operation.get("tags", []))
    result["tags"] = [{"name": name, "description": TAGS.get(name, "")} for name in sorted(used_tags)]
    _request_defaults_in_words(result)
    result["servers"] = [{"url": "/", "description": "This helpdesk (the API is under /api/v1/)."}]
    result.setdefault("components", {}).setdefault("securitySchemes", {})[WEBHOOK_SECURITY_SCHEME] = {
        "type": "apiKey",
        "in": "header",
        "name": SIGNATURE_HEADER,
        "description": f"Requests we send to your endpoint carry {SIGNATURE_HEADER}: v1=hex HMAC-SHA256(the "
        f'endpoint\'s secret, {TIMESTAMP_HEADER} + "." + the raw body). Verify it before trusting the body.',
    }
    for name, item in result.get("webhooks", {}).items():
        for operation in item.values():
            operation["operationId"] = "webhook_" + name.replace(".", "_")
            operation["security"] = [{WEBHOOK_SECURITY_SCHEME: []}]
    return result


def _request_defaults_in_words(result: dict[str, Any]) -> None:
    """A request field's default goes into its description, not ``default``: openapi-typescript (default
    options) makes every property with a ``default`` required, so a client had to send ``description``,
    ``channel`` and ``priority`` with every ticket. What the server does without the field is unchanged."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for prop in schema.get("properties", {}).values():
            if "default" not in prop or "$ref" in prop:
                continue
            default = prop.pop("default")
            shown = '""' if default == "" else json.dumps(default, ensure_ascii=False)
            words = f"Default: {shown}."
            prop["description"] = f"{prop['description'].rstrip()} {words}" if prop.get("description") else words
