"""Opaque, prefixed, random ids (``cus_`` + 22 base62 characters).

The prefix tells ``node(id:)`` which kind to load; the random part (about
131 bits) makes ids unguessable and says nothing about order or volume.
"""

from __future__ import annotations

import secrets
import string

ALPHABET = string.digits + string.ascii_letters
RANDOM_LENGTH = 22  # 62**22 ~ 2**131

ACCOUNT = "acct"
USER = "usr"
CUSTOMER = "cus"
ADDRESS = "addr"
COMMENT = "cmt"
API_KEY = "app"
SESSION = "ses"
GATEWAY = "gw"
PAYMENT_METHOD = "pm"
CARD_LINK = "clink"
SANDBOX_TOKEN = "tok"
SANDBOX_CHARGE = "ch"
SANDBOX_REFUND = "sre"
PRODUCT = "prod"
OFFER = "ofr"
TRANSACTION = "txn"
REFUND = "re"
INVOICE = "inv"
INVOICE_TEMPLATE = "itpl"
SUBSCRIPTION = "sub"
COUPON = "cpn"
EVENT = "evt"
TRANSACTION_EVENT = "tev"
EMAIL = "eml"
WEBHOOK_ENDPOINT = "whep"
WEBHOOK_DELIVERY = "whd"
IDEMPOTENCY = "idem"
PARTNER = "ptr"
PAYMENT_REQUEST = "preq"

PREFIXES = frozenset(
    {
        ACCOUNT,
        USER,
        CUSTOMER,
        ADDRESS,
        COMMENT,
        API_KEY,
        SESSION,
        GATEWAY,
        PAYMENT_METHOD,
        CARD_LINK,
        SANDBOX_TOKEN,
        SANDBOX_CHARGE,
        SANDBOX_REFUND,
        PRODUCT,
        OFFER,
        TRANSACTION,
        REFUND,
        INVOICE,
        INVOICE_TEMPLATE,
        SUBSCRIPTION,
        COUPON,
        EVENT,
        TRANSACTION_EVENT,
        EMAIL,
        WEBHOOK_ENDPOINT,
        WEBHOOK_DELIVERY,
        IDEMPOTENCY,
        PARTNER,
        PAYMENT_REQUEST,
    }
)


# Random bytes become characters by one table lookup each: the 248 values below 4 * 62 map evenly onto
# the alphabet (so no character is likelier than another), the eight above are dropped.
_EVEN = 4 * len(ALPHABET)
_TO_ALPHABET = bytes(ord(ALPHABET[value % len(ALPHABET)]) if value < _EVEN else 0 for value in range(256))
_DROPPED = bytes(range(_EVEN, 256))


def new_id(prefix: str) -> str:
    """A fresh id of the kind ``prefix`` (from the operating system's randomness, as ``secrets``)."""
    drawn = b""
    while len(drawn) < RANDOM_LENGTH:
        drawn += secrets.token_bytes(RANDOM_LENGTH + 8).translate(_TO_ALPHABET, _DROPPED)
    return f"{prefix}_{drawn[:RANDOM_LENGTH].decode()}"


def prefix_of(value: str) -> str | None:
    """The kind of an id, or None when it is not one of ours."""
    prefix, sep, rest = value.partition("_")
    if not sep or prefix not in PREFIXES or len(rest) != RANDOM_LENGTH:
        return None
    if not all(c in ALPHABET for c in rest):
        return None
    return prefix
