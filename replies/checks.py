"""The reply check the canned replies add to the ticket core (``tickets.hooks.register_reply_check``): a reply
still holding an unfilled variable — the picker's 【请填写：…】 marker or a raw ``{{订单号}}`` placeholder — is
never sent to a buyer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tickets.hooks import ReplyProblem

from .variables import BY_NAME, MARKER_RE, PLACEHOLDER_RE


def unfilled_variables_check(*, ticket: Any, body: str, actor: Any) -> list[ReplyProblem]:
    problems: list[ReplyProblem] = []
    markers = MARKER_RE.findall(body)
    if markers:
        problems.append(
            ReplyProblem(
                code="unfilled_variable",
                message=_("Fill in %(markers)s before sending.") % {"markers": "、".join(dict.fromkeys(markers))},
                blocking=True,
                overridable=False,
            )
        )
    raw = [m.group(0) for m in PLACEHOLDER_RE.finditer(body) if m.group(1) in BY_NAME]
    if raw:
        problems.append(
            ReplyProblem(
                code="raw_placeholder",
                message=_("The reply still holds the placeholder %(names)s; replace it with the value.")
                % {"names": "、".join(dict.fromkeys(raw))},
                blocking=True,
                overridable=False,
            )
        )
    return problems
