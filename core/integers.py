"""Whole numbers a client sends as text (a query string, a form field, a header, a cursor): ASCII digits only.

``str.isdigit`` is true for "²" and "①", which ``int`` refuses (a check with the one and a conversion with the
other was a 500 in five places), and ``int`` takes "٣" and " 3\\n". Row ids are 1 … 2⁶³−1, a 64-bit signed
column on PostgreSQL and SQLite: past that a lookup overflows on SQLite. Every such input goes through here.
"""

from __future__ import annotations

import re

from .converters import MAX_ID

__all__ = ["MAX_ID", "parse_id", "parse_int"]

_INTEGER = re.compile(r"-?[0-9]{1,19}", re.ASCII)


def parse_int(value: object, *, minimum: int, maximum: int) -> int | None:
    """``value`` as an int when it is a str of ASCII digits (an optional leading minus, no spaces) within
    ``minimum`` … ``maximum``; else None."""
    if not isinstance(value, str) or not _INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A row id (1 … 2⁶³−1) from text, else None: for inputs that fall back to a default when malformed."""
    return parse_int(value, minimum=1, maximum=MAX_ID)
