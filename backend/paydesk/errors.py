"""The domain's error family.

Services raise these; the GraphQL layer maps each to ``UserError {field,
code, message}`` in one place. ``field`` is a path in the service's own
terms (snake_case names, list positions as ints); the API layer turns it
into the schema's names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CARD_INVALID = "CARD_INVALID"
    CARD_EXPIRED = "CARD_EXPIRED"
    CARD_DECLINED = "CARD_DECLINED"
    COUPON_INVALID = "COUPON_INVALID"
    NO_PAYMENT_METHOD = "NO_PAYMENT_METHOD"
    CURRENCY_NOT_SUPPORTED = "CURRENCY_NOT_SUPPORTED"
    AMOUNT_EXCEEDS_REFUNDABLE = "AMOUNT_EXCEEDS_REFUNDABLE"
    INVALID_STATE = "INVALID_STATE"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE"
    GATEWAY_ERROR = "GATEWAY_ERROR"
    NUMBER_TAKEN = "NUMBER_TAKEN"


FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request."""

    code: ErrorCode
    message: str
    field: FieldPath | None = None


class DomainError(Exception):
    """An expected failure: the caller gets its problems as userErrors."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(" ".join(p.message for p in problems))
        self.problems = list(problems)


def fail(code: ErrorCode, message: str, field: FieldPath | None = None) -> DomainError:
    """A DomainError with one problem, to ``raise fail(...)``."""
    return DomainError([Problem(code, message, field)])


def not_found(what: str, field: FieldPath | None = None) -> DomainError:
    """The error for a missing id, and for another account's id alike."""
    return fail(ErrorCode.NOT_FOUND, f"No {what} with this id.", field)


class Problems:
    """Collects validation problems so a caller sees all of them at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, code: ErrorCode, message: str, field: FieldPath | None = None) -> None:
        self.items.append(Problem(code, message, field))

    def raise_any(self) -> None:
        if self.items:
            raise DomainError(self.items)
