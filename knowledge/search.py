"""Chinese full-text search, the pure part: segmentation (rjieba ``cut_for_search``), the search document kept on
each article, the query's tokens, and highlighted snippets. The database part is in ``selectors``.

PostgreSQL has no Chinese parser, so the text is segmented here and stored space-joined; the 'simple' text-search
configuration then takes each token as one lexeme (title weight A, tags B, body C). The query is segmented the
same way, so "运费" finds "退货运费谁承担" (segmented 退 / 货运 / 运费 / 货运费 / 谁 / 承担).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import rjieba
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words a buyer writes around the question that say nothing about it: dropped from the query (they stay in the
# document, so an exact phrase still matches).
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 哦 嗯 么 是 在 和 与 或 及 由 谁 出 我 你 您 他 她 它 我们 你们 他们 这 那 这个 那个 "
    "怎么 怎么办 怎样 什么 如何 为什么 为何 可以 能 能不能 可不可以 有 没有 没 要 会 请问 请 一下 个 把 被 给 就 都 "
    "也 还 又 很 吧 哪 哪里 多少 几 时候 a an the of to is are was how what why when can do does i my you your "
    "for in on and or it".split()
)
QUERY_MAX = 200
QUERY_TOKENS_MAX = 12
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _is_word(token: str) -> bool:
    """A token with a letter or digit in it (not white space or punctuation)."""
    return any(unicodedata.category(char)[0] in "LN" for char in token)


def tokens(text: str) -> list[str]:
    """Every word token of the text, lower-cased, in order (repeats kept: they count in the ranking)."""
    if not text:
        return []
    return [token.lower() for token in rjieba.cut_for_search(text) if _is_word(token)]


def _bigrams(text: str) -> list[str]:
    """Two-character pieces of each run of Chinese: a title's words are found even where the segmenter cut
    across them ("退货运费" is 退 / 货运费, and "退货" is still a bigram)."""
    return [run[i : i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1)]


@dataclass(frozen=True)
class SearchDocument:
    title: str
    tags: str
    body: str

    @property
    def text(self) -> str:
        """All three, space-joined: the ``search_document`` column (what SQLite matches in)."""
        return " ".join(part for part in (self.title, self.tags, self.body) if part)


def search_document(*, title: str, tags: Iterable[str], body: str) -> SearchDocument:
    title_tokens = tokens(title)
    title_tokens += [gram for gram in _bigrams(title) if gram not in title_tokens]
    tag_tokens: list[str] = []
    for tag in tags:
        tag_tokens += [tag.lower(), *(token for token in tokens(tag) if token != tag.lower())]
    return SearchDocument(title=" ".join(title_tokens), tags=" ".join(tag_tokens), body=" ".join(tokens(body)))


def query_tokens(query: str) -> list[str]:
    """The query's search words: segmented like the documents, stop words and repeats dropped, at most 12. A
    query of nothing but stop words keeps them (a search for "发" alone still means something)."""
    words = list(dict.fromkeys(tokens((query or "")[:QUERY_MAX])))
    kept = [word for word in words if word not in STOPWORDS]
    return (kept or words)[:QUERY_TOKENS_MAX]


@functools.lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def _mark(text: str, words: list[str]) -> SafeString:
    """The text HTML-escaped, each occurrence of a word wrapped in <mark> (longest words first)."""
    if not words:
        return escape(text)
    out: list[str] = []
    position = 0
    for match in _pattern(tuple(words)).finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece of the text is escaped above


def highlight(text: str, words: list[str]) -> SafeString:
    return _mark(text, words)


# Markdown's marks, dropped from a snippet: a link keeps its text, an image its alt text, the rest goes.
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(^|\s)(#{1,6}|>|[-*+]|\d+\.)\s+|[*_`~|]+|<[^>]*>")


def plain_snippet_text(text: str) -> str:
    """A piece of Markdown as plain words, cheaply (no rendering): for snippets, which are escaped anyway."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARKS.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def snippet(markdown: str, words: list[str], *, width: int = 90) -> SafeString:
    """About ``width`` characters of the article's text around the first word found, Markdown marks taken out,
    HTML-escaped, words in <mark>. Only a window of the body is cleaned, so a long article costs no more."""
    lowered = markdown.lower()
    hits = [index for word in words if (index := lowered.find(word.lower())) >= 0]
    first = min(hits) if hits else 0
    start = max(0, first - width)
    window = markdown[start : first + 3 * width]
    text = plain_snippet_text(window)
    lowered_text = text.lower()
    inside = [index for word in words if (index := lowered_text.find(word.lower())) >= 0]
    begin = max(0, min(inside) - width // 3) if inside else 0
    piece = text[begin : begin + width]
    prefix = "…" if start > 0 or begin > 0 else ""
    suffix = "…" if begin + width < len(text) or first + 3 * width < len(markdown) else ""
    return _mark(prefix + piece + suffix, words)
