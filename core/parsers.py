"""Request bodies, parsed defensively: every API view parses JSON with ``JSONParser`` (``DEFAULT_PARSER_CLASSES``,
the only parser but for the evidence upload's multipart), and any other code that reads JSON a client sent
calls ``json_loads``.

- **Size.** DRF hands a JSON or form parser ``request.body``, so Django refuses a body over
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (by its Content-Length, before reading it) with ``RequestDataTooBig``; its
  multipart parser applies the same limit to the non-file fields (files have their own, ``EVIDENCE_MAX_BYTES``).
  ``core.errors.api_exception_handler`` makes that a 413 in our error body (it was Django's HTML 400 page).
- **Depth.** ``json.loads`` recurses once per ``[`` or ``{``: a 50,000-deep array raised ``RecursionError``
  (a 500), and the code that walks the data afterwards (serializers, the ``Idempotency-Key`` fingerprint)
  recurses too. JSON nested more than ``MAX_JSON_DEPTH`` levels is a 400; nothing we accept is deeper than five.
- **Text that is not text.** A JSON escape can produce a lone surrogate (``"\\ud800"``), a ``str`` that cannot
  be encoded as UTF-8: PostgreSQL cannot store it, a lookup with it raises, and an error message echoing it
  cannot be rendered. It is a 400 naming the field, here, before any serializer sees it. (Query strings and
  form bodies cannot carry one: see ``core.middleware``.)
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_JSON_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def not_text_message() -> str:
    return _("Not valid Unicode text: a lone surrogate (\\ud800–\\udfff) is not a character.")


def has_lone_surrogate(value: str) -> bool:
    return not value.isascii() and LONE_SURROGATE.search(value) is not None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_loads(text: str | bytes) -> Any:
    """Parse JSON a client sent. Malformed or nested deeper than ``MAX_JSON_DEPTH``: ``ParseError`` (400, code
    ``parse_error`` or ``nesting_too_deep``); a lone surrogate: ``ValidationError`` (400) naming the field.

    (DRF's exceptions, which ``core.errors.api_exception_handler`` turns into our body: this module is loaded
    by DRF's settings, so it cannot import ``core.errors``, which imports DRF's views.)"""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, too many digits, NaN
        raise ParseError(_("Malformed JSON: %(error)s") % {"error": error}, code="parse_error") from None
    check_json_value(value)
    return value


def _too_deep() -> ParseError:
    return ParseError(
        _("The JSON is nested too deeply: at most %(max)s levels.") % {"max": MAX_JSON_DEPTH}, code="nesting_too_deep"
    )


def _child_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_json_value(value: Any) -> None:
    """Walk parsed JSON without recursion: refuse more than ``MAX_JSON_DEPTH`` levels, and lone surrogates in
    keys and strings (naming the field, in the error body's dotted notation: ``orders[0].customer.name``)."""
    pending: list[tuple[Any, int, str]] = [(value, 0, "")]
    while pending:
        item, depth, path = pending.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                _refuse_surrogate(path)
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise _too_deep()
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str) and has_lone_surrogate(key):
                    _refuse_surrogate(path)
                pending.append((child, depth + 1, _child_path(path, key)))


def _refuse_surrogate(path: str) -> None:
    raise ValidationError({path or "non_field_errors": [not_text_message()]}, code="invalid_text")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with the depth limit and the text check above."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)  # type: ignore[attr-defined]  # DRF 3.18, newer than its stubs
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The body is not valid %(encoding)s.") % {"encoding": encoding}) from None
        return json_loads(text)
