"""``<id:pk>``: a row id in a URL path.

Django's ``<int:…>`` accepts any number of digits, and a 33-digit id reaches the database: SQLite raises
``OverflowError`` (a 500) where PostgreSQL just finds nothing. Every id column here is a 64-bit signed
integer, so a number outside 1 … 2⁶³−1 cannot name a row: the URL does not match and the answer is 404, on
every database, before any view runs.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError("not a row id")  # Django treats this as "no match": 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))
