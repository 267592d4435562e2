"""The case library (案例库): a resolved ticket becomes a draft internal article, its conversation the starting
text, with the buyer's personal data taken out.

What is removed: the buyer's name, nickname and platform account as the ticket knows them (replaced by 买家 /
"the buyer"), every phone number (mainland mobiles and landlines, however spaced), e-mail addresses, 18-digit ID
numbers, and the order and tracking numbers (a case is about the kind of problem, not about one parcel);
internal notes are not copied at all. Free-text addresses cannot be found reliably: the draft stays internal and
its editor is told to read it before publishing."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from tickets.access import ticket_visible_to
from tickets.enums import AuthorType, MessageVisibility, TicketStatus
from tickets.models import Ticket

from .. import permissions
from ..enums import Audience
from ..models import ARTICLE_BODY_MAX, TITLE_MAX, Article
from .articles import article_create

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "[证件号]"),
    (re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)"), "[手机号]"),
    (re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"), "[电话]"),
    (re.compile(r"(?<![\w])[A-Z]{0,4}\d{10,}(?![\w])"), "[单号]"),
]
MESSAGES_MAX = 30
# A Chinese name is also written as the surname and a form of address ("李娜" → "李女士", "张伟" → "张先生"), the
# way agents greet buyers: taken out too (the first character as the surname; compound surnames are rare).
_CHINESE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_ADDRESS_FORMS = "先生|女士|小姐|太太"


def mask_personal_data(text: str, *, names: list[str]) -> str:
    """The text with the given names (longest first) replaced by 买家 and every phone, e-mail, ID, order or
    tracking number replaced by a placeholder."""
    for name in sorted({name for name in names if name and len(name) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), "买家", text, flags=re.IGNORECASE)
        if _CHINESE_NAME.fullmatch(name):
            text = re.sub(f"{re.escape(name[0])}(?:{_ADDRESS_FORMS})", "买家", text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def case_ready(ticket: Ticket) -> bool:
    return ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)


def _names(ticket: Ticket) -> list[str]:
    customer = ticket.customer
    names = [customer.name, customer.platform_account_id, customer.phone, customer.email]
    if ticket.order_id and ticket.order is not None:
        names.append(ticket.order.order_number)
    return [name.strip() for name in names if name]


def case_body(ticket: Ticket) -> str:
    """The draft's Markdown: the question, the conversation (public messages only, oldest first) and empty
    headings for what the writer adds (cause, solution)."""
    names = _names(ticket)
    lines = [
        "## 问题",
        "",
        mask_personal_data(ticket.description.strip() or ticket.subject, names=names),
        "",
        "## 沟通记录",
        "",
    ]
    messages = ticket.messages.filter(visibility=MessageVisibility.PUBLIC).order_by("created_at", "pk")
    for message in messages[:MESSAGES_MAX]:
        who = {str(AuthorType.CUSTOMER): "买家", str(AuthorType.AGENT): "客服"}.get(message.author_type, "系统")
        text = mask_personal_data(message.body.strip(), names=names).replace("\n", "\n> ")
        lines += [f"**{who}：**", "", f"> {text}", ""]
    lines += ["## 原因", "", "（请填写）", "", "## 解决办法", "", "（请填写）", ""]
    return "\n".join(lines)[:ARTICLE_BODY_MAX]


@transaction.atomic
def article_create_from_ticket(*, ticket: Ticket, actor: Any) -> Article:
    """A draft internal article from a resolved or closed ticket the actor may see, linked to it.

    Refusals: the actor is not an agent, or may not see the ticket (403); the ticket is still open (409).
    Writing it twice gives two drafts (the first may already be edited into something else)."""
    if not permissions.may_write(actor) or not ticket_visible_to(actor, ticket):
        raise Forbidden(_("You may not write an article from this ticket."))
    if not case_ready(ticket):
        raise Conflict(_("Only a resolved or closed ticket becomes a case article."))
    title = mask_personal_data(ticket.subject, names=_names(ticket))[:TITLE_MAX] or _("Case")
    return article_create(
        author=actor,
        title=title,
        body=case_body(ticket),
        audience=Audience.INTERNAL,
        tags=["案例"],
        source_ticket=ticket,
    )
