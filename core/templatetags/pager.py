"""``{% page_url n %}``: this page's address with ``page=n``, every other query parameter kept (filters, tabs),
except ``partial``, which only an htmx refresh of a table asks for."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    query = context["request"].GET.copy()
    query.pop("partial", None)
    query["page"] = number
    return f"?{query.urlencode()}"
