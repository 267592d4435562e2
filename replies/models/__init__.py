"""replies: models. Each topic keeps its own module (canned replies, wording rules); this package re-exports them."""

from __future__ import annotations

from .canned import CannedReply, Folder, ReplyScope
from .wording import WordingMatch, WordingRule, WordingRuleKind

__all__ = ["CannedReply", "Folder", "ReplyScope", "WordingMatch", "WordingRule", "WordingRuleKind"]
