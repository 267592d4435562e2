"""How values read on pages, exports and e-mails, the same everywhere."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def human_duration(seconds: Any) -> str:
    """A compact duration: 2d 3h, 1h 05m, 8m 05s, 8m, 45s (whole seconds; the sign is dropped).

    One wording for the SLA cards, the escalation list, reports and e-mails. The message ids are handed to
    ``static/js/sla.js`` and ``static/js/dashboard.js``, which format live values the same way.
    """
    if seconds is None:
        return ""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("{d}d {h}h").format(d=days, h=hours)
    if hours:
        return _("{h}h {m}m").format(h=hours, m=f"{minutes:02d}")
    if minutes:
        return _("{m}m {s}s").format(m=minutes, s=f"{secs:02d}") if secs else _("{m}m").format(m=minutes)
    return _("{s}s").format(s=secs)
