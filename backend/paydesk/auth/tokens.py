"""Secrets handed to clients and how we keep them: never in the clear.

Session tokens are kept as SHA-256 (they are 256 random bits, so a plain
hash is enough); API key secrets as HMAC-SHA256 under a key derived from
SECRET_KEY, so a stolen database alone cannot check guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_KEY_PREFIX = "pdk_"
# The portal session's HttpOnly cookie (SameSite=Lax): its token, kept as SHA-256.
SESSION_COOKIE = "paydesk_session"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_secret() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def api_secret_hash(server_secret: bytes, secret: str) -> str:
    key = hmac.new(server_secret, b"paydesk api keys v1", hashlib.sha256).digest()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
