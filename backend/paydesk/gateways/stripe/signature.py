"""Verifying the ``Stripe-Signature`` header of Stripe's webhook requests.

The header is ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">[,v1=...]``
(several v1 values while an endpoint secret is rolled; other schemes such as
v0 are ignored). A request older or newer than the tolerance is refused, so
a captured one cannot be replayed later; signatures compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_SECONDS = 300


class SignatureRefused(ValueError):
    """The header is missing, malformed, stale, or signed with another secret."""


def verify(
    header: str | None, body: bytes, secret: str, *, now: float, tolerance: int = TOLERANCE_SECONDS
) -> int:
    """The signed timestamp when ``header`` signs ``body`` with ``secret`` within ``tolerance``."""
    if not header:
        raise SignatureRefused("no Stripe-Signature header")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureRefused("the Stripe-Signature header has no timestamp or no v1 signature")
    if abs(now - timestamp) > tolerance:
        raise SignatureRefused("the signed timestamp is outside the tolerance")
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureRefused("no v1 signature matches the gateway's webhook secret")
    return timestamp


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """A header as Stripe would send it (for tests and tools)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
