"""Surveys plugged into the ticket core through ``tickets.extensions`` (the core never imports surveys)."""

from __future__ import annotations


def register() -> None:
    pass
