"""The variables a canned reply's body may hold, and how a body is filled for one ticket.

Syntax: ``{{name}}`` with the English key or its Chinese alias (``{{buyer_name}}`` = ``{{买家称呼}}``); spaces
inside the braces are allowed. Double braces, because a single brace may well appear in a reply's text.

A variable with no value for the ticket (no order yet, no survey link before resolution) is not left as a
raw placeholder: the text gets a visible marker such as ``【请填写：订单号】`` that the agent overwrites, and the
reply check (``replies.checks``) refuses to send a reply still holding a marker or a raw placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aftersales.models import AfterSalesRequest
from core.platforms import Platform
from surveys.selectors import survey_link_for_resolution
from tickets.models import Ticket
from tickets.tracking import tracking_url

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# The marker the picker leaves for a variable with no value. Both languages' wording is refused on send, so a
# reply drafted in one language and sent in the other is still caught.
MARKER_WORDS = ("请填写", "Fill in")
MARKER_RE = re.compile(r"【(?:请填写|Fill in)[：:][^】]*】")


@dataclass(frozen=True)
class Variable:
    key: str
    alias: str  # the Chinese name managers write in 话术
    label: Promise | str
    value: Callable[[Ticket, Any], str]


def _date(value: Any) -> str:
    return date_format(timezone.localtime(value), "Y-m-d") if value else ""


def _buyer_name(ticket: Ticket, user: Any) -> str:
    customer = ticket.customer
    return (customer.name or customer.platform_account_id or "").strip()


def _platform(ticket: Ticket, user: Any) -> str:
    platform = ticket.order.platform if ticket.order else ticket.customer.platform
    return str(Platform(platform).label) if platform in Platform.values else platform


def _order_attr(name: str) -> Callable[[Ticket, Any], str]:
    def value(ticket: Ticket, user: Any) -> str:
        order = ticket.order
        if order is None:
            return ""
        if name == "status":
            return str(order.get_status_display())
        if name.endswith("_at"):
            return _date(getattr(order, name))
        return str(getattr(order, name) or "")

    return value


def _items(ticket: Ticket, user: Any) -> str:
    if ticket.order is None:
        return ""
    return "、".join(line.title for line in ticket.order.lines.all())


def _aftersales(ticket: Ticket) -> AfterSalesRequest | None:
    try:
        return ticket.aftersales_request  # type: ignore[no-any-return]
    except AfterSalesRequest.DoesNotExist:
        return None


def _tracking_number(ticket: Ticket, user: Any) -> str:
    # Orders carry no tracking number; an after-sales request knows the delivery's (evidence) number and a
    # replacement's outbound one. The newest shipment wins.
    request = _aftersales(ticket)
    if request is None:
        return ""
    return request.outbound_tracking_number or request.evidence_tracking_number


def _return_tracking_number(ticket: Ticket, user: Any) -> str:
    request = _aftersales(ticket)
    return request.return_tracking_number if request else ""


def _agent_name(ticket: Ticket, user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (getattr(user, "display_name", "") or user.get_full_name() or user.get_username()).strip()


def _team(ticket: Ticket, user: Any) -> str:
    return ticket.team.name if ticket.team else ""


def _survey_link(ticket: Ticket, user: Any) -> str:
    return survey_link_for_resolution(ticket) or ""


VARIABLES: tuple[Variable, ...] = (
    Variable("buyer_name", "买家称呼", _("buyer's name or nickname"), _buyer_name),
    Variable("platform", "平台", _("platform"), _platform),
    Variable("order_number", "订单号", _("order number"), _order_attr("order_number")),
    Variable("order_status", "订单状态", _("order status"), _order_attr("status")),
    Variable("paid_date", "付款日期", _("paid on"), _order_attr("paid_at")),
    Variable("shipped_date", "发货日期", _("shipped on"), _order_attr("shipped_at")),
    Variable("delivered_date", "签收日期", _("delivered on"), _order_attr("delivered_at")),
    Variable("tracking_number", "快递单号", _("tracking number"), _tracking_number),
    Variable("return_tracking_number", "退货单号", _("return tracking number"), _return_tracking_number),
    Variable("items", "商品", _("item titles"), _items),
    Variable("ticket_reference", "工单号", _("ticket reference"), lambda ticket, user: ticket.reference),
    Variable("agent_name", "客服名", _("agent's name"), _agent_name),
    Variable("team", "团队", _("team"), _team),
    Variable("tracking_link", "进度链接", _("buyer's tracking link"), lambda ticket, user: tracking_url(ticket)),
    Variable("survey_link", "评价链接", _("survey link"), _survey_link),
)
BY_NAME: dict[str, Variable] = {**{v.key: v for v in VARIABLES}, **{v.alias: v for v in VARIABLES}}


def known_names() -> list[str]:
    return [f"{{{{{v.key}}}}} / {{{{{v.alias}}}}}" for v in VARIABLES]


def unknown_variables(body: str) -> list[str]:
    """The placeholder names in ``body`` that are not variables, in order, without repeats."""
    seen: list[str] = []
    for match in PLACEHOLDER_RE.finditer(body):
        name = match.group(1)
        if name not in BY_NAME and name not in seen:
            seen.append(name)
    return seen


def used_variables(body: str) -> list[Variable]:
    found: list[Variable] = []
    for match in PLACEHOLDER_RE.finditer(body):
        variable = BY_NAME.get(match.group(1))
        if variable is not None and variable not in found:
            found.append(variable)
    return found


def marker(variable: Variable) -> str:
    if (get_language() or "").startswith("zh"):
        return f"【{MARKER_WORDS[0]}：{variable.alias}】"
    return f"【{MARKER_WORDS[1]}: {variable.label}】"


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: list[Variable]


def render_body(body: str, *, ticket: Ticket, user: Any) -> Rendered:
    """Fill ``body``'s variables for ``ticket`` as ``user`` (the agent's name). Values are computed once each.
    A variable with no value becomes its marker and is listed in ``missing``."""
    values: dict[str, str] = {}
    missing: list[Variable] = []

    def fill(match: re.Match[str]) -> str:
        variable = BY_NAME.get(match.group(1))
        if variable is None:  # cannot be saved so; a stale body keeps the text as it is
            return match.group(0)
        if variable.key not in values:
            values[variable.key] = (variable.value(ticket, user) or "").strip()
            if not values[variable.key]:
                missing.append(variable)
        return values[variable.key] or marker(variable)

    return Rendered(text=PLACEHOLDER_RE.sub(fill, body), missing=missing)
