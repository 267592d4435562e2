"""What every download shares (the reports' CSV, XLSX and JSON, the audit log's CSV): CSV that Excel reads and
cannot be tricked into running, and streaming under WSGI and ASGI alike, in the language the request asked for.

Rows come one at a time, so an export of a million rows never sits in memory."""

from __future__ import annotations

import csv
import itertools
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from django.utils import translation

CSV_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (otherwise Chinese turns into mojibake)
# A text cell starting with one of these would be run as a formula by a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """The value as text a spreadsheet shows as it is: a leading quote before anything it would run."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Line:
    """A file-like object whose ``write`` hands back what it was given: the csv module then yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV as text chunks: the BOM with the header line first, then one line per row (values as given: the
    caller makes text safe with ``safe_text`` and leaves numbers numeric)."""
    writer = csv.writer(_Line())
    yield CSV_BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def in_language(chunks: Iterable[str], language: str | None) -> Iterator[bytes]:
    """Encode the chunks, each computed in ``language``: a streamed body is produced after the view returned,
    and lazy labels must still come out in the language the request asked for."""
    iterator = iter(chunks)
    while True:
        with translation.override(language):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk.encode("utf-8")


def streaming_content(request: HttpRequest, chunks: Iterable[bytes]) -> Iterator[bytes] | AsyncIterator[bytes]:
    """What a ``StreamingHttpResponse`` should stream. Under WSGI, the chunks as they are. Under ASGI Django
    would first collect a synchronous iterator into a list (the whole file in memory), so it gets an async
    iterator that pulls the chunks, a batch at a time, in the request's database thread."""
    if not isinstance(request, ASGIRequest):
        return iter(chunks)
    return _pulled_async(iter(chunks))


async def _pulled_async(iterator: Iterator[bytes], batch: int = 64) -> AsyncIterator[bytes]:
    def take() -> list[bytes]:
        return list(itertools.islice(iterator, batch))

    while True:
        parts = await sync_to_async(take, thread_sensitive=True)()
        if not parts:
            return
        for part in parts:
            yield part
