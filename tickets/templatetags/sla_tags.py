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
def translate_message(message_id: str, params: Any) -> str:
    """An untranslated message id stored with its parameters, in the reader's language."""
    from django.utils.translation import gettext as translate

    if not message_id:
        return ""
    values = {key: translate(value) if isinstance(value, str) else value for key, value in (params or {}).items()}
    try:
        return translate(message_id) % values
    except (KeyError, TypeError, ValueError):
        return translate(message_id)
