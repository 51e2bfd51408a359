"""Reading payment requests."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.payment_requests.types import PaymentRequest
from paydesk.payment_requests import service as requests


@strawberry.type
class PaymentRequestQueries:
    @strawberry.field(description="A payment request of your account by id; null when there is none.")
    async def payment_request(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The request, prefix preq_.")],
    ) -> PaymentRequest | None:
        found = await requests.get(info.context.db, info.context.caller, id)
        return PaymentRequest.from_model(found) if found else None
