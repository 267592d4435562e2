"""Query helpers for the report metrics: percentiles that give the same number on PostgreSQL and SQLite, and
the rounding every report applies.

PostgreSQL computes a continuous percentile itself (``percentile_cont(f) WITHIN GROUP (ORDER BY x)``); SQLite
has no such aggregate, so there the values are fetched and ``percentile_cont`` below does the identical linear
interpolation in Python.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import NotSupportedError
from django.db.models import Aggregate, FloatField, Func


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of ``expression`` (a number), e.g. ``PercentileCont(x, 0.9)``.

    NULLs are ignored, as by every aggregate; an empty group gives NULL. Only PostgreSQL has it.
    """

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        raise NotSupportedError("SQLite has no percentile_cont; use reports.aggregates.percentile_cont.")


class EpochSeconds(Func):
    """A PostgreSQL interval as seconds, for ordering in ``PercentileCont``. ``date_part`` gives a double
    directly (``EXTRACT`` gives a numeric, slower to compute and to sort over a million rows)."""

    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """The continuous percentile, as PostgreSQL's ``percentile_cont``: sort, then interpolate linearly between
    the two values around position ``fraction × (n − 1)``. ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _half_up(value: Any, places: int) -> Decimal:
    # Through ``repr`` for floats: 2.675 rounds to 2.68, as a person doing the sum by hand would.
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_seconds(value: Any) -> int | None:
    """Whole seconds (half up); ``None`` stays ``None``."""
    return None if value is None else int(_half_up(value, 0))


def round_score(value: Any) -> float | None:
    """A mean score to 2 places (half up)."""
    return None if value is None else float(_half_up(value, 2))


def rate(numerator: int, denominator: int) -> float | None:
    """A share to 4 places (half up); ``None`` when there is nothing to divide by."""
    if not denominator:
        return None
    return float(_half_up(Decimal(numerator) / Decimal(denominator), 4))
