from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from core.formatting import human_duration

from ..enums import Priority, SlaTarget, TicketStatus
from ..sla import ClockState

register = template.Library()


@register.filter
def duration(seconds: Any) -> str:
    return human_duration(seconds)


@register.inclusion_tag("tickets/_sla_badge.html")
def sla_badge(clock: ClockState | None) -> dict[str, Any]:
    return {"clock": clock}


@register.filter
def sla_target_label(value: str) -> str:
    return str(SlaTarget(value).label) if value in SlaTarget.values else value


@register.filter
def status_label(value: str) -> str:
    return str(TicketStatus(value).label) if value in TicketStatus.values else value


@register.filter
def priority_label(value: str) -> str:
    return str(Priority(value).label) if value in Priority.values else value


@register.filter
def minutes_duration(minutes: Any) -> str:
    """A target in minutes, shown like the countdowns: 10m, 24h 00m, 2d 0h."""
    return duration(int(minutes) * 60) if minutes is not None else ""


@register.filter
def translate_message(message_ids: Any, params: Any) -> str:
    """Untranslated message ids (one, or a list shown one after another) stored with their parameters, in the
    reader's language. Parameters named ``*_label`` are message ids themselves (a status, a type); lists of
    them are joined; other parameters are data and shown as stored."""
    if not message_ids:
        return ""
    values: dict[str, Any] = {}
    for key, value in (params or {}).items() if isinstance(params, dict) else ():
        if key.endswith("_label") and isinstance(value, str):
            value = _(value)
        elif key.endswith("_labels") and isinstance(value, list):
            value = ", ".join(_(item) for item in value)
        values[key] = value
    parts = []
    for message_id in message_ids if isinstance(message_ids, list) else [message_ids]:
        try:
            parts.append(_(message_id) % values)
        except (KeyError, TypeError, ValueError):
            parts.append(_(message_id))
    return " ".join(parts)
