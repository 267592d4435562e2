"""Who may do what in the knowledge base (one place, used by the services, the pages and the API).

Agents write: they create articles and edit drafts, because they meet the questions first (Zendesk's "agents
draft"). Managers publish, archive, edit what is already published or archived, and manage categories: what
buyers read in the help centre passes a manager first."""

from __future__ import annotations

from typing import Any

from accounts import roles

from .enums import ArticleStatus
from .models import Article


def may_read_kb(user: Any) -> bool:
    return roles.is_agent(user)


def may_write(user: Any) -> bool:
    """Create drafts: staff, and integrations (an import over the API with ``kb:write``)."""
    return roles.is_agent(user) or roles.is_integration(user)


def may_edit(user: Any, article: Article) -> bool:
    if roles.is_manager(user):
        return True
    return roles.is_agent(user) and article.status == ArticleStatus.DRAFT


def may_publish(user: Any) -> bool:
    return roles.is_manager(user)


def may_manage_categories(user: Any) -> bool:
    return roles.is_manager(user)
