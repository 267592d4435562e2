"""API key format: ``hdk_<12 hex prefix>_<43 url-safe characters>`` (256 random bits). Only the hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_PREFIX = "hdk"


def key_generate() -> tuple[str, str, str]:
    """A new key: (the key, its prefix, its hash)."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, key_hash(key)


def key_hash(key: str) -> str:
    # The secret has 256 random bits: a fast hash is safe here (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix of something that looks like one of our keys, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1]


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)
