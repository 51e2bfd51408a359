"""Standard Webhooks signatures (https://www.standardwebhooks.com), through its reference library.

``webhook-id`` is the event's evt_ id, ``webhook-timestamp`` Unix seconds,
``webhook-signature`` ``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``
with the secret's key; during a rotation both secrets sign, space-separated.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    """A fresh ``whsec_`` + base64 of 32 random bytes (the form the Standard Webhooks libraries take)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def headers(event_id: str, at: datetime, body: bytes, secrets_now: Sequence[str]) -> dict[str, str]:
    """The three headers of a delivery signed with every secret in ``secrets_now``."""
    signatures = [Webhook(secret).sign(event_id, at, body) for secret in secrets_now]
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
