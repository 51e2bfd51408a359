"""How a sale paid outside paydesk was paid, and why a refund was made: the enums staff choose from."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

from paydesk.transactions import outside

E = TypeVar("E", bound=Enum)


def stored(enum: type[E], value: str | None) -> E | None:
    """The API's value of a name kept in the database (None stays None)."""
    return enum[value] if value else None


@strawberry.enum(description="How a sale paid outside paydesk (logged, or marked paid) was paid.")
class PaidWith(Enum):
    CASH = strawberry.enum_value("CASH", description="Cash.")
    CHEQUE = strawberry.enum_value("CHEQUE", description="A cheque; its number goes in reference.")
    BANK_TRANSFER = strawberry.enum_value(
        "BANK_TRANSFER", description="A bank transfer; its reference goes in reference."
    )
    CARD_ELSEWHERE = strawberry.enum_value(
        "CARD_ELSEWHERE", description="A card taken on another system (a terminal, another shop)."
    )
    OTHER = strawberry.enum_value("OTHER", description="Any other way; say how in note.")

    @property
    def domain(self) -> outside.PaidWith:
        return outside.PaidWith(self.name)


@strawberry.enum(description="Why money was given back, as a code; the refund's reason holds staff's words.")
class RefundReason(Enum):
    DUPLICATE = strawberry.enum_value("DUPLICATE", description="The customer was charged twice.")
    FRAUDULENT = strawberry.enum_value("FRAUDULENT", description="The payment was not the cardholder's.")
    REQUESTED_BY_CUSTOMER = strawberry.enum_value(
        "REQUESTED_BY_CUSTOMER", description="The customer asked (a return, a cancellation)."
    )
    OTHER = strawberry.enum_value("OTHER", description="Any other reason; say which in reason.")

    @property
    def domain(self) -> outside.RefundReason:
        return outside.RefundReason(self.name)
