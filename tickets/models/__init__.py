"""Tickets: fields and state predicates only. Every write goes through ``tickets.services``.

A package by topic; Django finds an app's models in ``tickets.models``, so each is exported here.
"""

from .calendars import BusinessCalendar, CalendarDay, CalendarDayKind, Weekday, WorkingHours
from .policies import EscalationStep, SlaPolicy
from .teams import Team
from .tickets import REFERENCE_PREFIX, Escalation, Message, Ticket, TicketEvent, TicketQuerySet

__all__ = [
    "REFERENCE_PREFIX",
    "BusinessCalendar",
    "CalendarDay",
    "CalendarDayKind",
    "Escalation",
    "EscalationStep",
    "Message",
    "SlaPolicy",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketQuerySet",
    "Weekday",
    "WorkingHours",
]
