"""``{% presence_control %}``: the agent's status in the top bar (templates/base.html)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts import roles

from ..selectors_presence import presence_control_context

register = template.Library()


@register.inclusion_tag("workforce/presence_control.html", takes_context=True)
def presence_control(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not roles.is_agent(user):
        return {"presence_hidden": True}
    return {**presence_control_context(user), "request": request, "csrf_token": context.get("csrf_token")}
