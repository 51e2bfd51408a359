"""Inputs for payment requests."""

from __future__ import annotations

from datetime import datetime

import strawberry

from paydesk.graphql.catalog.inputs import OfferLineInput
from paydesk.graphql.money import MoneyInput


@strawberry.input(description="A payment request: exactly one of an amount, lines or a saved offer.")
class CreatePaymentRequestInput:
    customer_id: strawberry.ID = strawberry.field(description="Who is asked to pay, prefix cus_.")
    offer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A saved offer; SUBSCRIPTION and PAYMENT_PLAN lines start their order when paid.",
    )
    lines: list[OfferLineInput] | None = strawberry.field(
        default=None, description="Lines, as for chargeNow."
    )
    amount: MoneyInput | None = strawberry.field(
        default=None, description="A plain amount, with its own currency (one line with the description)."
    )
    currency: str | None = strawberry.field(
        default=None, description="For lines or an offer; beside an amount it must be the amount's currency."
    )
    description: str | None = strawberry.field(
        default=None, description="What it is for, shown to the payer."
    )
    expires_at: datetime | None = strawberry.field(default=None, description="Omitted: seven days from now.")
    send_email: bool = strawberry.field(default=False, description="Email the link to the customer.")
    allow_coupon: bool = strawberry.field(
        default=False,
        description="Offer a coupon code field on the page (checked when the payer applies it).",
    )


@strawberry.input(description="Cancel an open payment request: its page then charges nothing.")
class CancelPaymentRequestInput:
    id: strawberry.ID = strawberry.field(description="The request, prefix preq_.")
