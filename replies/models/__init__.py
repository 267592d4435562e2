"""replies: models. Each topic keeps its own module; this package re-exports them."""

from __future__ import annotations

from .canned import CannedReply, Folder, ReplyScope

__all__ = ["CannedReply", "Folder", "ReplyScope"]
