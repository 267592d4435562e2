from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ..sla import ClockState

register = template.Library()


@register.filter
def duration(seconds: Any) -> str:
    """A compact duration: 2d 3h, 1h 05m, 8m, 45s."""
    if seconds is None:
        return ""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    # The same message ids are handed to static/js/sla.js, which formats the live countdowns.
    if days:
        return _("{d}d {h}h").format(d=days, h=hours)
    if hours:
        return _("{h}h {m}m").format(h=hours, m=f"{minutes:02d}")
    if minutes:
        return _("{m}m").format(m=minutes)
    return _("{s}s").format(s=secs)


@register.inclusion_tag("tickets/_sla_badge.html")
def sla_badge(clock: ClockState | None) -> dict[str, Any]:
    return {"clock": clock}


@register.filter
def sla_target_label(value: str) -> str:
    from ..enums import SlaTarget

    return str(SlaTarget(value).label) if value in SlaTarget.values else value


@register.filter
def status_label(value: str) -> str:
    from ..enums import TicketStatus

    return str(TicketStatus(value).label) if value in TicketStatus.values else value


@register.filter
def priority_label(value: str) -> str:
    from ..enums import Priority

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
    from django.utils.translation import gettext as translate

    if not message_ids:
        return ""
    values: dict[str, Any] = {}
    for key, value in (params or {}).items() if isinstance(params, dict) else ():
        if key.endswith("_label") and isinstance(value, str):
            value = translate(value)
        elif key.endswith("_labels") and isinstance(value, list):
            value = ", ".join(translate(item) for item in value)
        values[key] = value
    parts = []
    for message_id in message_ids if isinstance(message_ids, list) else [message_ids]:
        try:
            parts.append(translate(message_id) % values)
        except (KeyError, TypeError, ValueError):
            parts.append(translate(message_id))
    return " ".join(parts)
