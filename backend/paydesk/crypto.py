"""Keys derived from SECRET_KEY, one per purpose, and encryption of stored secrets.

Each purpose gets its own key (HKDF-SHA256 with the purpose as info), so a
key leaked from one use says nothing about another. Stored secrets (gateway
credentials) are encrypted with Fernet: AES-128-CBC plus HMAC-SHA256, with
a timestamp and a version byte, from the well-kept ``cryptography`` package.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_LENGTH = 32


class DecryptionError(Exception):
    """A stored secret could not be decrypted (wrong SECRET_KEY, or tampered data)."""


def derive_key(server_secret: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LENGTH, salt=None, info=purpose.encode()).derive(
        server_secret
    )


def keyed_hash(server_secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the purpose's key, as hex."""
    return hmac.new(derive_key(server_secret, purpose), value.encode(), hashlib.sha256).hexdigest()


CREDENTIALS = "paydesk gateway credentials v1"
LINK_TOKENS = "paydesk link tokens v1"


@functools.lru_cache(maxsize=64)
def _fernet(server_secret: bytes, purpose: str) -> Fernet:
    # Cached: the key derivation costs more than encrypting a short text, and a process has a
    # handful of (secret, purpose) pairs.
    return Fernet(base64.urlsafe_b64encode(derive_key(server_secret, purpose)))


def encrypt_text(server_secret: bytes, purpose: str, value: str) -> str:
    return _fernet(server_secret, purpose).encrypt(value.encode()).decode()


def decrypt_text(server_secret: bytes, purpose: str, token: str) -> str:
    try:
        return _fernet(server_secret, purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("a stored secret cannot be decrypted with this SECRET_KEY") from None


def encrypt_json(server_secret: bytes, value: dict[str, Any]) -> str:
    return encrypt_text(server_secret, CREDENTIALS, json.dumps(value, sort_keys=True))


def decrypt_json(server_secret: bytes, token: str) -> dict[str, Any]:
    value = json.loads(decrypt_text(server_secret, CREDENTIALS, token))
    if not isinstance(value, dict):
        raise DecryptionError("stored credentials are not an object")
    return value
