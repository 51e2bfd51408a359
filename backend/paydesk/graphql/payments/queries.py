"""Reading the account's gateways."""

from __future__ import annotations

import strawberry

from paydesk.gateways import service as gateways
from paydesk.graphql.context import Info
from paydesk.graphql.payments.types import Gateway


@strawberry.type
class PaymentQueries:
    @strawberry.field(description="The account's gateways, the default first.")
    async def gateways(self, info: Info) -> list[Gateway]:
        views = await gateways.list_gateways(
            info.context.db, info.context.gateways, info.context.caller.account_id
        )
        return [Gateway.from_model(v.record) for v in views]
