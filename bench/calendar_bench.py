"""Benchmark: due-time arithmetic on a real business calendar (office hours with a lunch break, the 2026
Chinese public holidays and make-up days), 100,000 computations by default. No database needed.

    .venv/bin/python bench/calendar_bench.py --count 100000
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tickets.sla import WorkingCalendar  # noqa: E402

HOLIDAYS_FILE = ROOT / "tickets" / "fixtures" / "holidays" / "cn-2026.csv"
OFFICE = {weekday: [(clock(9), clock(12)), (clock(13, 30), clock(18))] for weekday in range(5)}
TARGETS = [10 * 60, 30 * 60, 24 * 3600, 72 * 3600]  # first response, next reply, resolution, after-sales


def china_2026() -> WorkingCalendar:
    holidays, workdays = [], []
    with HOLIDAYS_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows)
        for day, kind, _name in rows:
            (holidays if kind == "holiday" else workdays).append(date.fromisoformat(day))
    return WorkingCalendar(time_zone="Asia/Shanghai", weekly=OFFICE, holidays=holidays, workdays=workdays)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    randomness = random.Random(2026)
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [year_start + timedelta(seconds=randomness.randrange(0, 365 * 86400)) for _ in range(args.count)]
    targets = [randomness.choice(TARGETS) for _ in range(args.count)]

    for label, fresh in (("cold (new calendar object, empty day cache)", True), ("warm (a cached calendar)", False)):
        calendar = china_2026()
        if not fresh:
            for start, seconds in zip(starts, targets, strict=True):
                calendar.add(start, seconds)
        began = time.perf_counter()
        for start, seconds in zip(starts, targets, strict=True):
            calendar.add(start, seconds)
        elapsed = time.perf_counter() - began
        print(f"{args.count} due times, {label}: {elapsed:.2f}s ({elapsed / args.count * 1e6:.1f} µs each)")

    calendar = china_2026()
    began = time.perf_counter()
    for start, seconds in zip(starts, targets, strict=True):
        calendar.seconds_between(start, start + timedelta(seconds=seconds * 2))
    elapsed = time.perf_counter() - began
    print(f"{args.count} working-time measurements: {elapsed:.2f}s ({elapsed / args.count * 1e6:.1f} µs each)")


if __name__ == "__main__":
    main()
