"""A team with an early (早班 08:00–16:00) and an evening shift (晚班 16:00–24:00) in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from workforce.models import Shift

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 15:50 on 6 December in Shanghai: the early shift is about to end.
END_OF_EARLY = datetime(2026, 12, 6, 15, 50, tzinfo=SHANGHAI)


@pytest.fixture
def shifts(team, agent, other_agent):  # type: ignore[no-untyped-def]
    team.members.add(other_agent)
    early = Shift.objects.create(team=team, name="早班", start_time=time(8), end_time=time(16))
    early.members.add(agent)
    late = Shift.objects.create(team=team, name="晚班", start_time=time(16), end_time=time(0))
    late.members.add(other_agent)
    return early, late


@pytest.fixture
def end_of_early():  # type: ignore[no-untyped-def]
    with time_machine.travel(END_OF_EARLY, tick=False):
        yield END_OF_EARLY
