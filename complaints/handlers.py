"""Complaint behaviour plugged into the ticket core through ``tickets.extensions``."""

from tickets.extensions import KindHandlers, register as register_kind


def register() -> None:
    register_kind("complaint", KindHandlers())
