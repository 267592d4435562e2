"""Tickets: fields and state predicates only. Every write goes through ``tickets.services``.

A package by topic; Django finds an app's models in ``tickets.models``, so each is exported here.
"""

from .attachments import MessageAttachment
from .calendars import BusinessCalendar, CalendarDay, CalendarDayKind, Weekday, WorkingHours
from .policies import EscalationStep, SlaPolicy
from .tags import TAG_NAME_MAX, Tag
from .teams import Team
from .tickets import REFERENCE_PREFIX, Escalation, Message, Ticket, TicketEvent, TicketQuerySet
from .viewers import TicketViewer

__all__ = [
    "REFERENCE_PREFIX",
    "TAG_NAME_MAX",
    "BusinessCalendar",
    "CalendarDay",
    "CalendarDayKind",
    "Escalation",
    "EscalationStep",
    "Message",
    "MessageAttachment",
    "SlaPolicy",
    "Tag",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketQuerySet",
    "TicketViewer",
    "Weekday",
    "WorkingHours",
]
