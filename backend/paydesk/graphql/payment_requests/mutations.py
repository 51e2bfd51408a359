"""Making and cancelling payment requests."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.context import Info
from paydesk.graphql.payment_requests.inputs import CancelPaymentRequestInput, CreatePaymentRequestInput
from paydesk.graphql.payment_requests.payloads import PaymentRequestPayload
from paydesk.graphql.payment_requests.types import PaymentRequest
from paydesk.graphql.permissions import mutation
from paydesk.graphql.sales.mutations import services
from paydesk.payment_requests import service as requests


@strawberry.type
class PaymentRequestMutations:
    @mutation(
        role=Role.REP,
        description=(
            "Make a link to a hosted checkout page for an amount, lines or a saved offer; optionally "
            "email it. The payer pays exactly what it shows; paying twice charges once."
        ),
    )
    async def create_payment_request(
        self, info: Info, input: CreatePaymentRequestInput
    ) -> PaymentRequestPayload:
        request = requests.CreateRequest(
            customer_id=input.customer_id,
            offer_id=input.offer_id,
            lines=[line.line() for line in input.lines] if input.lines is not None else None,
            amount=(input.amount.amount, input.amount.currency) if input.amount is not None else None,
            currency=input.currency,
            description=input.description,
            expires_at=input.expires_at,
            send_email=input.send_email,
            allow_coupon=input.allow_coupon,
        )
        made = await requests.create(info.context.db, services(info), info.context.caller, request)
        return PaymentRequestPayload(payment_request=PaymentRequest.from_model(made))

    @mutation(role=Role.REP, description="Cancel an open payment request; its page then charges nothing.")
    async def cancel_payment_request(
        self, info: Info, input: CancelPaymentRequestInput
    ) -> PaymentRequestPayload:
        cancelled = await requests.cancel(info.context.db, info.context.caller, input.id)
        return PaymentRequestPayload(payment_request=PaymentRequest.from_model(cancelled))
