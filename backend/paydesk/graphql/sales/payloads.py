"""Payloads of the sale mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.sales.types import SalePreview, Transaction


@strawberry.type(
    description="The result of a mutation on a sale. A declined card is a DECLINED sale here, not an error."
)
class TransactionPayload:
    transaction: Transaction | None = strawberry.field(default=None, description="The sale as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of salePreview: the priced sale, or what chargeNow would refuse.")
class SalePreviewResult:
    preview: SalePreview | None = strawberry.field(
        default=None, description="The sale as chargeNow would price it; null when there are userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description='Empty when the order is fine; else on the paths chargeNow uses, e.g. ["input", "lines", '
        '"0", "unitPrice"].',
    )
