"""The classic API's answers: JSON bodies with a ``result_code`` and a message, in the classic names.

Result codes are the Payments API's (``gateways.base.ResultCode``): 1 good,
2 bad data, 3 gateway account, 4 our API, 5 remote gateway API, 6 gateway
credentials, 7 connection. A domain error becomes code 2 (5 when a gateway
would not keep the card), its message led by the key it concerns, mapped
from the service's field path to the key of the door it came through (a
``Vocabulary``: ``["lines", 1, "unit"]`` is payments.php's
``products[1].unit``, processManual's ``offer.products[1].price[0].unit``).
Every message is scrubbed of card-like digit runs before it leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from paydesk.auth.roles import Role
from paydesk.classic.fields import Path, key_of
from paydesk.errors import DomainError, ErrorCode, FieldPath, Problem
from paydesk.gateways.base import ResultCode
from paydesk.logs import scrub
from paydesk.requests import request_id

Body = dict[str, Any]


@dataclass(frozen=True)
class Vocabulary:
    """The keys one door names a service's fields by: its top-level keys, where its product lines,
    card and contact sit, and each of their fields' keys (a path under the line)."""

    top: Mapping[str, str]
    lines: Path
    line: Mapping[str, Path]
    card: Path
    card_fields: Mapping[str, str]
    contact: Path
    contact_fields: Mapping[str, str]


# payments.php's sale: the service's names and the classic keys they came from.
SALE_KEYS = Vocabulary(
    top={
        "customer_id": "contact_id",
        "gateway_id": "gateway_id",
        "invoice_template_id": "invoice_id",
        "payment_method_id": "use_card_on_file",
        "idempotency_key": "idempotency_key",
        "lines": "products",
        # The sale's currency comes from its products (the classic API names none).
        "currency": "products",
    },
    lines=("products",),
    line={
        "product_id": ("id",),
        "description": ("id",),
        "quantity": ("quantity",),
        "unit_price": ("price",),
        "kind": ("type",),
        "unit": ("unit",),
        "payment_count": ("payment_count",),
    },
    card=("card_details",),
    card_fields={
        "number": "card_number",
        "exp_month": "card_expire_month",
        "exp_year": "card_expire_year",
        "cvc": "card_code",
    },
    contact=("card_details",),
    contact_fields={
        "first_name": "contact_firstname",
        "last_name": "contact_lastname",
        "email": "contact_email",
        "line1": "contact_address",
        "city": "contact_city",
        "state": "contact_state",
        "postal_code": "contact_zip",
        "country": "contact_country",
    },
)
# Codes whose classic wording partners match on.
WORDS = {ErrorCode.CARD_EXPIRED: "card expired; the expiry date is in the past."}


def answer(code: ResultCode, message: str, **fields: Any) -> Body:
    return {"result_code": int(code), "message": scrub(message), **fields}


def refused(key: str, message: str) -> Body:
    """Code 2: the request cannot be done as sent."""
    return answer(ResultCode.BAD_DATA, f"{key}: {message}")


def classic_key(field: FieldPath | None, vocabulary: Vocabulary = SALE_KEYS) -> str:
    """The classic key a service's field path stands for; ``data`` when it names none."""
    if not field:
        return "data"
    head, rest = field[0], field[1:]
    if head == "lines" and rest and isinstance(rest[0], int):
        where = vocabulary.line.get(str(rest[1])) if len(rest) > 1 else None
        return key_of((*vocabulary.lines, rest[0], *(where or ())))
    if head in ("card", "contact"):
        base, names = (
            (vocabulary.card, vocabulary.card_fields)
            if head == "card"
            else (vocabulary.contact, vocabulary.contact_fields)
        )
        name = names.get(str(rest[0])) if rest else None
        return key_of((*base, name) if name else base)
    return vocabulary.top.get(str(head), "data")


def _line(problem: Problem, vocabulary: Vocabulary) -> str:
    return f"{classic_key(problem.field, vocabulary)}: {WORDS.get(problem.code, problem.message)}"


def from_error(error: DomainError, vocabulary: Vocabulary = SALE_KEYS) -> Body:
    """A service's refusal: every problem with its key; 5 when a gateway would not keep the card."""
    codes = {p.code for p in error.problems}
    code = ResultCode.REMOTE_GATEWAY_ERROR if ErrorCode.GATEWAY_ERROR in codes else ResultCode.BAD_DATA
    return answer(code, " ".join(_line(p, vocabulary) for p in error.problems))


def internal() -> Body:
    """Code 4: our fault; the request id finds the logged error, and nothing else is said."""
    message = "Internal error; quote the request_id when you ask about it."
    return answer(ResultCode.INTERNAL_ERROR, message, request_id=request_id())


def unavailable(message: str) -> Body:
    """Code 4 with HTTP 503: the database or another service paydesk needs is out of reach; retry."""
    return answer(ResultCode.INTERNAL_ERROR, message, request_id=request_id())


def unauthenticated() -> Body:
    return answer(ResultCode.BAD_DATA, "Authentication required.")


def rate_limited(message: str) -> Body:
    return answer(ResultCode.INTERNAL_ERROR, message)


def forbidden(what: str, role: Role, needed: Role) -> Body:
    """A role too low for ``what`` ("reqType sale", "processManual")."""
    needs = f"needs an API key with the {needed.value} role or higher"
    return answer(ResultCode.BAD_DATA, f"{what} {needs}; this key is {role.value}.")
