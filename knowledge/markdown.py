"""Article bodies are Markdown, rendered with markdown-it-py (raw HTML off: ``<script>`` is shown as text, never
parsed) and then cleaned by nh3 with an allowlist: only these tags and attributes survive, links only to http,
https and mailto (``javascript:`` links lose their href), and every link gets rel="noopener nofollow".

We neutralise rather than refuse: an article that quotes HTML (a buyer's pasted message, a code sample) is saved
and shown as text. Nothing a writer types reaches the page as markup outside the allowlist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3",
    "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# "js-default" would let raw HTML through; "commonmark" with html off shows it as text. Links are validated again
# by nh3 below (markdown-it's own check drops javascript:, vbscript:, file: and most data: links).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_markdown.enable("strikethrough")


def _render_image(renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """An image from this site (``/media/…``) is shown; one from elsewhere becomes a link to it. The pages'
    Content-Security-Policy allows images from this site only, so an outside image was a broken icon and a
    console error — and would tell another server who reads the help centre."""
    token = tokens[idx]
    source = str(token.attrGet("src") or "")
    if source.startswith("/") and not source.startswith("//"):
        return str(renderer.image(tokens, idx, options, env))
    label = renderer.renderInlineAsText(token.children or [], options, env) or source
    return f'<a href="{escape(source)}">{escape(label)}</a>'


_markdown.add_render_rule("image", _render_image)


def render_markdown(text: str) -> SafeString:
    html = _markdown.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 allowlist above
