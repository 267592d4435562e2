"""The percentile and rounding rules every report uses, and PostgreSQL agreeing with the Python fallback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F, Q
from django.utils import timezone

from reports.aggregates import EpochSeconds, PercentileCont, percentile_cont, rate, round_score, round_seconds
from tests.factories import CustomerFactory
from tickets.models import Ticket


def test_percentile_cont_interpolates_linearly_between_the_nearest_values():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7.0], 0.9) == 7.0
    assert percentile_cont([40.0, 10.0, 30.0, 20.0], 0.5) == 25.0  # sorted 10 20 30 40, position 1.5
    assert percentile_cont([10.0, 20.0, 30.0, 40.0], 0.9) == pytest.approx(37.0)  # position 2.7: 30 + 0.7 × 10
    assert percentile_cont([10.0, 20.0, 30.0], 0.5) == 20.0  # odd count: the middle value
    assert percentile_cont([1.0, 2.0], 0.0) == 1.0 and percentile_cont([1.0, 2.0], 1.0) == 2.0


def test_rounding_is_half_up_to_whole_seconds_two_place_scores_and_four_place_rates():
    assert (round_seconds(0.5), round_seconds(2.5), round_seconds(1110.4999), round_seconds(None)) == (1, 3, 1110, None)
    assert (round_score(2.675), round_score(3.3335), round_score(None)) == (2.68, 3.33, None)
    assert (rate(1, 3), rate(2, 3), rate(5, 7), rate(0, 4)) == (0.3333, 0.6667, 0.7143, 0.0)
    assert rate(0, 0) is None


def test_a_percentile_outside_0_to_1_is_refused():
    with pytest.raises(ValueError):
        PercentileCont(F("id"), 90)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_percentile_cont_matches_the_python_interpolation():
    customer, now = CustomerFactory(), timezone.now()
    # 37 resolution times with repeats, gaps and fractions of a second; one open ticket that must be ignored.
    seconds = [(n * 7919) % 5003 + (n % 4) * 0.25 for n in range(37)]
    tickets = [
        Ticket(
            kind="inquiry",
            subject="resolved",
            customer=customer,
            received_at=now,
            resolved_at=now,
            sla_elapsed=timedelta(seconds=value),
        )
        for value in seconds
    ]
    tickets.append(
        Ticket(kind="inquiry", subject="open", customer=customer, received_at=now, sla_elapsed=timedelta(hours=99))
    )
    Ticket.objects.bulk_create(tickets)
    for fraction in (0.1, 0.5, 0.9, 0.95):
        database = Ticket.objects.aggregate(
            value=PercentileCont(EpochSeconds(F("sla_elapsed")), fraction, filter=Q(resolved_at__isnull=False))
        )["value"]
        assert database == pytest.approx(percentile_cont(seconds, fraction), abs=1e-6)
