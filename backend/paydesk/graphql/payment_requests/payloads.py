"""Payloads of the payment request mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.payment_requests.types import PaymentRequest


@strawberry.type(description="The result of a mutation on a payment request.")
class PaymentRequestPayload:
    payment_request: PaymentRequest | None = strawberry.field(
        default=None, description="The request as it is now."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
