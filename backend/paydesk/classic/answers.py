"""The classic API's answers: JSON bodies with a ``result_code`` and a message, in the classic names.

Result codes are the Payments API's (``gateways.base.ResultCode``): 1 good,
2 bad data, 3 gateway account, 4 our API, 5 remote gateway API, 6 gateway
credentials, 7 connection. A domain error becomes code 2 (5 when a gateway
would not keep the card), its message led by the key it concerns, mapped
from the service's field path to the classic key (``["lines", 1, "unit"]``
is ``products[1].unit``). Every message is scrubbed of card-like digit runs
before it leaves.
"""

from __future__ import annotations

from typing import Any

from paydesk.auth.roles import Role
from paydesk.classic.fields import key_of
from paydesk.errors import DomainError, ErrorCode, FieldPath, Problem
from paydesk.gateways.base import ResultCode
from paydesk.logs import scrub
from paydesk.requests import request_id

Body = dict[str, Any]

# The service's names (top level) and the classic keys they came from.
TOP_KEYS = {
    "customer_id": "contact_id",
    "gateway_id": "gateway_id",
    "invoice_template_id": "invoice_id",
    "payment_method_id": "use_card_on_file",
    "idempotency_key": "idempotency_key",
    "lines": "products",
    # The sale's currency comes from its products (the classic API names none).
    "currency": "products",
}
LINE_KEYS = {
    "product_id": "id",
    "description": "id",
    "quantity": "quantity",
    "unit_price": "price",
    "kind": "type",
    "unit": "unit",
    "payment_count": "payment_count",
}
CARD_KEYS = {
    "number": "card_number",
    "exp_month": "card_expire_month",
    "exp_year": "card_expire_year",
    "cvc": "card_code",
}
CONTACT_KEYS = {
    "first_name": "contact_firstname",
    "last_name": "contact_lastname",
    "email": "contact_email",
    "line1": "contact_address",
    "city": "contact_city",
    "state": "contact_state",
    "postal_code": "contact_zip",
    "country": "contact_country",
}
# Codes whose classic wording partners match on.
WORDS = {ErrorCode.CARD_EXPIRED: "card expired; the expiry date is in the past."}


def answer(code: ResultCode, message: str, **fields: Any) -> Body:
    return {"result_code": int(code), "message": scrub(message), **fields}


def refused(key: str, message: str) -> Body:
    """Code 2: the request cannot be done as sent."""
    return answer(ResultCode.BAD_DATA, f"{key}: {message}")


def classic_key(field: FieldPath | None) -> str:
    """The classic key a service's field path stands for; ``data`` when it names none."""
    if not field:
        return "data"
    head, rest = field[0], field[1:]
    if head == "lines" and rest and isinstance(rest[0], int):
        name = LINE_KEYS.get(str(rest[1])) if len(rest) > 1 else None
        return key_of(("products", rest[0], name) if name else ("products", rest[0]))
    if head == "card":
        name = CARD_KEYS.get(str(rest[0])) if rest else None
        return key_of(("card_details", name) if name else ("card_details",))
    if head == "contact":
        name = CONTACT_KEYS.get(str(rest[0])) if rest else None
        return key_of(("card_details", name) if name else ("card_details",))
    return TOP_KEYS.get(str(head), "data")


def _line(problem: Problem) -> str:
    return f"{classic_key(problem.field)}: {WORDS.get(problem.code, problem.message)}"


def from_error(error: DomainError) -> Body:
    """A service's refusal: every problem with its key; 5 when a gateway would not keep the card."""
    codes = {p.code for p in error.problems}
    code = ResultCode.REMOTE_GATEWAY_ERROR if ErrorCode.GATEWAY_ERROR in codes else ResultCode.BAD_DATA
    return answer(code, " ".join(_line(p) for p in error.problems))


def internal() -> Body:
    """Code 4: our fault; the request id finds the logged error, and nothing else is said."""
    message = "Internal error; quote the request_id when you ask about it."
    return answer(ResultCode.INTERNAL_ERROR, message, request_id=request_id())


def unauthenticated() -> Body:
    return answer(ResultCode.BAD_DATA, "Authentication required.")


def rate_limited(message: str) -> Body:
    return answer(ResultCode.INTERNAL_ERROR, message)


def forbidden(req_type: str, role: Role, needed: Role) -> Body:
    needs = f"needs an API key with the {needed.value} role or higher"
    return answer(ResultCode.BAD_DATA, f"reqType {req_type} {needs}; this key is {role.value}.")
