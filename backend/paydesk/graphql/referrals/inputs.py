"""Inputs for referral partners."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from paydesk.graphql.money import MoneyInput
from paydesk.referrals.service import PartnerFields, RateInput

PERCENT_HELP = (
    "Percent of each paid sale's total, more than 0 and at most 100, 2 decimals (12.5 means 12.5%)."
)
AMOUNT_HELP = "Or a fixed amount per paid sale; sales in another currency earn nothing from it."


@strawberry.input(description="A new referral partner: a name and one commission rate.")
class CreatePartnerInput:
    name: str = strawberry.field(description="Who they are, up to 200 characters.")
    email: str | None = strawberry.field(default=None, description="Where to reach them.")
    commission_percent: Decimal | None = strawberry.field(default=None, description=PERCENT_HELP)
    commission_amount: MoneyInput | None = strawberry.field(default=None, description=AMOUNT_HELP)

    def fields(self) -> PartnerFields:
        return PartnerFields(
            name=self.name, email=self.email, rate=_rate(self.commission_percent, self.commission_amount)
        )


@strawberry.input(
    description=(
        "Changes to a partner; omitted fields stay. Recorded commissions keep their rate until re-run."
    )
)
class UpdatePartnerInput:
    id: strawberry.ID = strawberry.field(description="The partner, prefix ptr_.")
    name: str | None = strawberry.field(default=None, description="Who they are.")
    email: str | None = strawberry.field(default=None, description="Where to reach them; empty clears it.")
    commission_percent: Decimal | None = strawberry.field(
        default=None, description=f"{PERCENT_HELP} Replaces a fixed amount."
    )
    commission_amount: MoneyInput | None = strawberry.field(
        default=None, description="A fixed amount per paid sale; replaces a percent."
    )

    def fields(self) -> PartnerFields:
        rate = None
        if self.commission_percent is not None or self.commission_amount is not None:
            rate = _rate(self.commission_percent, self.commission_amount)
        return PartnerFields(name=self.name, email=self.email, rate=rate)


@strawberry.input(description="Who referred a customer.")
class SetCustomerReferrerInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The partner, prefix ptr_; null: nobody."
    )


def _rate(percent: Decimal | None, amount: MoneyInput | None) -> RateInput:
    return RateInput(
        percent=percent,
        amount=amount.amount if amount else None,
        currency=amount.currency if amount else None,
    )
