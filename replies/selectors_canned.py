"""Reads of canned replies: who sees which, the picker's search, a reply filled for a ticket, and the replies
that best match a ticket (for the suggestions panel). Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rjieba
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from accounts import roles
from tickets.models import Ticket
from tickets.selectors import ticket_latest_buyer_messages

from .models import CannedReply, Folder, ReplyScope
from .permissions import managed_teams, may_edit_reply, member_team_ids
from .variables import Rendered, render_body

PICKER_LIMIT = 20
QUERY_MAX = 50


def visible_replies_q(user: Any) -> Q:
    """The replies ``user`` may use: global ones, their teams' (admins: every team's) and their own. A person who is not staff (an
    API key's service account) sees the global ones only: keys are bound to platforms, never to teams, and a
    personal reply is its owner's alone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if not roles.is_agent(user):
        return Q(scope=ReplyScope.GLOBAL)
    if roles.is_admin(user):  # admins see every ticket, so every team's replies too
        return Q(scope__in=[ReplyScope.GLOBAL, ReplyScope.TEAM]) | Q(scope=ReplyScope.PERSONAL, owner=user)
    return (
        Q(scope=ReplyScope.GLOBAL)
        | Q(scope=ReplyScope.TEAM, team_id__in=member_team_ids(user))
        | Q(scope=ReplyScope.PERSONAL, owner=user)
    )


def manageable_replies_q(user: Any) -> Q:
    """What the management page lists: what the user may use (admins: every team's replies too)."""
    return visible_replies_q(user)


def _matching(queryset: QuerySet[CannedReply], query: str) -> QuerySet[CannedReply]:
    """Filter by ``query`` (shortcut, title, body, pinyin) and rank: exact shortcut, shortcut prefix, title,
    pinyin, body; then the most personal scope (a personal #发货 shadows the team's and the global one), then
    the most used."""
    query = query.strip().lstrip("#＃").strip()[:QUERY_MAX]
    scope_rank = Case(
        When(scope=ReplyScope.PERSONAL, then=Value(0)),
        When(scope=ReplyScope.TEAM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    queryset = queryset.annotate(scope_rank=scope_rank)
    if not query:
        return queryset.order_by("scope_rank", "-usage_count", "title", "id")
    lowered = query.lower()
    queryset = queryset.filter(
        Q(shortcut__contains=lowered)
        | Q(title__icontains=query)
        | Q(search_key__contains=lowered)
        | Q(body__icontains=query)
    )
    rank = Case(
        When(shortcut=lowered, then=Value(0)),
        When(shortcut__startswith=lowered, then=Value(1)),
        When(title__icontains=query, then=Value(2)),
        When(search_key__contains=lowered, then=Value(3)),
        When(shortcut__contains=lowered, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return queryset.annotate(match_rank=rank).order_by("match_rank", "scope_rank", "-usage_count", "title", "id")


def canned_reply_picker(*, user: Any, query: str = "", limit: int = PICKER_LIMIT) -> list[CannedReply]:
    """The active replies the picker offers for ``query`` (Chinese substring or pinyin/initials)."""
    queryset = CannedReply.objects.filter(visible_replies_q(user), is_active=True).select_related("folder", "team")
    return list(_matching(queryset, query)[:limit])


@dataclass
class ReplyFilters:
    query: str = ""
    folder_id: int | None = None
    scope: str = ""
    team_id: int | None = None
    active: bool | None = None
    sort: str = "title"  # title | usage | last_used | updated


SORTS = {
    "title": ("title", "id"),
    "usage": ("-usage_count", "title", "id"),
    "last_used": ("-last_used_at", "title", "id"),
    "updated": ("-updated_at", "id"),
}


def canned_reply_list(*, user: Any, filters: ReplyFilters | None = None, manage: bool = False) -> QuerySet[CannedReply]:
    """Replies for the management page (``manage``) or the API, filtered and sorted."""
    filters = filters or ReplyFilters()
    q = manageable_replies_q(user) if manage else visible_replies_q(user)
    queryset = CannedReply.objects.filter(q).select_related("folder", "team", "owner", "updated_by")
    if filters.folder_id:
        queryset = queryset.filter(folder_id=filters.folder_id)
    if filters.scope in ReplyScope.values:
        queryset = queryset.filter(scope=filters.scope)
    if filters.team_id:
        queryset = queryset.filter(team_id=filters.team_id)
    if filters.active is not None:
        queryset = queryset.filter(is_active=filters.active)
    if filters.query.strip():
        ranked = _matching(queryset, filters.query)
        if filters.sort == "title":
            return ranked
        queryset = ranked
    if filters.sort == "last_used":
        return queryset.order_by(F("last_used_at").desc(nulls_last=True), "title", "id")
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["title"]))


def canned_reply_get(*, user: Any, pk: int, manage: bool = False) -> CannedReply | None:
    """One reply the user may see (or, with ``manage``, list on the management page); None otherwise."""
    q = manageable_replies_q(user) if manage else visible_replies_q(user)
    return CannedReply.objects.filter(q, pk=pk).select_related("folder", "team", "owner").first()


def folders_for(user: Any) -> list[Folder]:
    """The folders a user can file replies in or filter by: the shared ones and their teams'."""
    team_ids = set(member_team_ids(user)) | set(managed_teams(user).values_list("pk", flat=True))
    return list(Folder.objects.filter(Q(team__isnull=True) | Q(team_id__in=team_ids)).select_related("team"))


def editable_ids(*, user: Any, replies: list[CannedReply]) -> set[int]:
    return {reply.pk for reply in replies if may_edit_reply(user, reply)}


def ticket_for_render(ticket: Ticket) -> Ticket:
    """The ticket with what rendering reads, in a few queries."""
    return Ticket.objects.select_related("customer", "order", "team").prefetch_related("order__lines").get(pk=ticket.pk)


def canned_reply_render(*, reply: CannedReply, ticket: Ticket, user: Any) -> Rendered:
    """``reply``'s body filled from ``ticket`` as ``user`` would send it; unfilled variables are marked."""
    return render_body(reply.body, ticket=ticket_for_render(ticket), user=user)


# --- suggestions -------------------------------------------------------------------------------------------

SUGGESTION_CANDIDATES = 200
_MAX_TOKENS = 12
# Words in nearly every buyer message and every reply: they match everything, so they say nothing.
_STOPWORDS = frozenset(
    "什么 时候 什么时候 一下 请问 你好 您好 我们 你们 可以 怎么 怎么样 为什么 没有 还是 就是 这个 那个 一个 已经 现在 "
    "问一下 想问 谢谢 不是 知道 需要 能不能 是不是 有没有 如果 但是 因为 所以 然后 还有 帮忙 麻烦".split()
)


@dataclass
class _Scored:
    reply: CannedReply
    score: float = 0.0
    hits: list[str] = field(default_factory=list)


def _ticket_tokens(ticket: Ticket) -> list[str]:
    buyer = ticket_latest_buyer_messages(ticket=ticket, limit=3)
    text = " ".join([ticket.subject, ticket.description[:500], *buyer])[:2000]
    tokens: list[str] = []
    for token in rjieba.cut_for_search(text):
        token = token.strip().lower()
        # One Chinese character ("的", "我") or one Latin letter says nothing about the question.
        if len(token) < 2 or token in tokens or token in _STOPWORDS or not any(ch.isalnum() for ch in token):
            continue
        tokens.append(token)
    return tokens[:_MAX_TOKENS]


def canned_reply_suggestions(*, ticket: Ticket, user: Any, limit: int = 5) -> list[CannedReply]:
    """The active replies ``user`` may use that best match the ticket's subject and latest buyer messages:
    keyword overlap (rjieba's search tokens) with the title (counts twice) and the body, ties to the most used."""
    tokens = _ticket_tokens(ticket)
    if not tokens:
        return []
    match = Q()
    for token in tokens:
        match |= Q(title__icontains=token) | Q(body__icontains=token)
    candidates = (
        CannedReply.objects.filter(visible_replies_q(user), match, is_active=True)
        .only("id", "title", "body", "shortcut", "scope", "usage_count", "folder_id", "team_id", "owner_id")
        .order_by("-usage_count", "id")[:SUGGESTION_CANDIDATES]
    )
    scored: list[_Scored] = []
    for reply in candidates:
        title, body = reply.title.lower(), reply.body.lower()
        item = _Scored(reply)
        for token in tokens:
            if token in title:
                item.score += 2
            elif token in body:
                item.score += 1
            else:
                continue
            item.hits.append(token)
        if item.score:
            scored.append(item)
    scored.sort(key=lambda s: (-s.score, -s.reply.usage_count, s.reply.pk))
    return [s.reply for s in scored[:limit]]
