"""Auto-assignment (the engine is built in the assignment slice). ``autoassign_after_commit`` is the one
entry point other topics call when capacity may have freed (a capacity raised, a team resumed)."""

from __future__ import annotations

from collections.abc import Iterable


def autoassign_after_commit(team_ids: Iterable[int]) -> None:
    """Once the current transaction commits, give these teams' waiting tickets to free agents."""
