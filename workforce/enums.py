"""Choices of the work-distribution app."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class PresenceStatus(TextChoices):
    ONLINE = "online", _("Online")
    BUSY = "busy", _("Busy")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class PresenceReason(TextChoices):
    """Why a status changed: the agent chose it, or the heartbeat decided."""

    MANUAL = "manual", _("Set by the agent")
    IDLE = "idle", _("Idle")
    ACTIVE = "active", _("Active again")
    LOGOUT = "logout", _("Signed out")
    HEARTBEAT_LOST = "heartbeat_lost", _("Page closed or connection lost")
    MANAGER = "manager", _("Set by a manager")


class AssignmentMode(TextChoices):
    OFF = "off", _("Off")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOADED = "least_loaded", _("Least-loaded")


class BusinessHoursCondition(TextChoices):
    ANY = "any", _("Any time")
    INSIDE = "inside", _("Inside business hours")
    OUTSIDE = "outside", _("Outside business hours")


class HandoverAction(TextChoices):
    TO_AGENT = "to_agent", _("Hand to a next-shift agent")
    TO_QUEUE = "to_queue", _("Back to the team queue")
    KEEP = "keep", _("Keep")
