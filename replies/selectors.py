"""Reads of the replies app, one module per topic; this module names what other apps call."""

from __future__ import annotations

from .selectors_canned import canned_reply_suggestions

__all__ = ["canned_reply_suggestions"]
