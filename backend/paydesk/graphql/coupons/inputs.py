"""Inputs of the coupon mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from paydesk.graphql.money import MoneyInput
from paydesk.products.service import PriceInput


@strawberry.input(description="A new coupon: exactly one of percentOff and amountOff.")
class CreateCouponInput:
    code: str = strawberry.field(
        description="3 to 64 letters, digits, - and _; unique in the account, ignoring case."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Restrict to one customer; omitted: any customer of the account."
    )
    percent_off: Decimal | None = strawberry.field(
        default=None, description="10 means 10 percent; more than 0, at most 100, at most 2 decimals."
    )
    amount_off: MoneyInput | None = strawberry.field(
        default=None, description="A fixed amount off, more than 0; usable only on sales in its currency."
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="In the future; from then on the coupon is refused. Omitted: never."
    )
    max_redemptions: int | None = strawberry.field(
        default=None, description="How many sales may use it, at least 1; omitted: unlimited."
    )

    def amount(self) -> PriceInput | None:
        """The amount off as the service takes it."""
        if self.amount_off is None:
            return None
        return PriceInput(self.amount_off.amount, self.amount_off.currency)
