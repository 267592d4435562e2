"""How the timeline words the routing and assignment events. The events store codes and names (rule names,
team names, agents' names are data); the words are the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ..enums import Priority

register = template.Library()


def _priority(value: Any) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


@register.filter
def routing_action(action: Any) -> str:
    """One action a routing rule took, as stored on the ``routed`` event: ``{"team": "售后组"}``,
    ``{"priority": "urgent"}``, ``{"skill": …}``, ``{"owner": …}``, ``{"tags": [...]}``, ``{"restricted": true}``."""
    if not isinstance(action, dict):
        return ""
    parts = []
    if action.get("team"):
        parts.append(_("team → %(team)s") % {"team": action["team"]})
    if action.get("priority"):
        parts.append(_("priority → %(priority)s") % {"priority": _priority(action["priority"])})
    if action.get("skill"):
        parts.append(_("requires skill %(skill)s") % {"skill": action["skill"]})
    if action.get("owner"):
        parts.append(_("named owner %(owner)s") % {"owner": action["owner"]})
    if action.get("tags"):
        tags = action["tags"] if isinstance(action["tags"], list) else [action["tags"]]
        parts.append(_("tags %(tags)s") % {"tags": ", ".join(str(tag) for tag in tags)})
    if action.get("restricted"):
        parts.append(_("restricted to the team"))
    return ", ".join(parts)


@register.filter
def routing_actions(actions: Any) -> str:
    """A rule's actions, one after another; empty when none took effect."""
    if not isinstance(actions, list):
        return ""
    return ", ".join(text for text in (routing_action(action) for action in actions) if text)


AUTO_REASONS = {
    "round_robin": lambda: _("round-robin"),
    "least_loaded": lambda: _("least-loaded"),
    "owner": lambda: _("named owner"),
}


@register.filter
def assignment_how(data: Any) -> str:
    """How and why an ``assigned`` event happened, from its ``via``, ``reason``, ``load`` and ``capacity``:
    "auto, least-loaded 3/8", "handed back to the queue: agent went offline", "shift handover". A person's
    own choice (``manual``) says nothing more: the event already names who did it."""
    if not isinstance(data, dict):
        return ""
    via, reason = data.get("via") or "", data.get("reason") or ""
    load, capacity = data.get("load"), data.get("capacity")
    if via == "auto":
        parts = [_("auto")]
        if reason in AUTO_REASONS:
            words = AUTO_REASONS[reason]()
            if load is not None and capacity is not None:
                words = f"{words} {load}/{capacity}"
            parts.append(words)
        return ", ".join(parts)
    if via == "handback":
        if reason == "offline":
            return _("handed back to the queue: agent went offline")
        if reason == "handover":
            return _("handed back to the queue at the shift handover")
        return _("handed back to the queue")
    if via == "handover" or reason == "handover":
        return _("shift handover")
    if via == "claim":
        return _("claimed")
    return ""


@register.filter
def override_summary(data: Any) -> str:
    """A ``reply_check_overridden`` event: which problems the reply was sent past, and the sender's reason.
    The problems' words are stored as the sender saw them (a rule may change or go later)."""
    if not isinstance(data, dict):
        return ""
    problems = [p.get("message", "") for p in data.get("problems") or [] if isinstance(p, dict) and p.get("message")]
    return _("sent past %(problems)s — reason: “%(reason)s”") % {
        "problems": "; ".join(problems) or _("a reply check"),
        "reason": data.get("reason", ""),
    }
