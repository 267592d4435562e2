"""replies: models, one module per topic (wording rules here; canned replies beside them)."""

from .wording import WordingMatch, WordingRule, WordingRuleKind

__all__ = ["WordingMatch", "WordingRule", "WordingRuleKind"]
