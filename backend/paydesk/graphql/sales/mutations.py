"""Logging a sale made elsewhere and charging a card now."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.context import Info
from paydesk.graphql.permissions import mutation
from paydesk.graphql.sales.inputs import ChargeNowInput, LogTransactionInput, order_of
from paydesk.graphql.sales.payloads import TransactionPayload
from paydesk.graphql.sales.types import Transaction
from paydesk.transactions import service as sales
from paydesk.transactions.service import ChargeInput, LogInput, Services


def services(info: Info) -> Services:
    ctx = info.context
    return Services(
        ctx.sessions, ctx.gateways, ctx.server_secret, ctx.mailer, ctx.settings.public_url, ctx.clock
    )


@strawberry.type
class SalesMutations:
    @mutation(
        role=Role.REP,
        description="Record a one-off sale paid elsewhere: PAID, origin LOGGED, no card charged.",
    )
    async def log_transaction(self, info: Info, input: LogTransactionInput) -> TransactionPayload:
        request = LogInput(
            order=order_of(
                input.customer_id,
                input.offer_id,
                input.lines,
                input.currency,
                input.coupon_code,
                input.discount,
            ),
            transaction_date=input.transaction_date,
            invoice_template_id=input.invoice_template_id,
            replaces_transaction_id=input.replaces_transaction_id,
            idempotency_key=input.idempotency_key,
            paid_with=input.paid_with.domain if input.paid_with else None,
            reference=input.reference,
            note=input.note,
        )
        sale = await sales.log_transaction(info.context.db, services(info), info.context.caller, request)
        return TransactionPayload(transaction=Transaction.from_model(sale))

    @mutation(
        role=Role.REP,
        description="Charge a card now: a card on file, a new card, or the customer's default card.",
    )
    async def charge_now(self, info: Info, input: ChargeNowInput) -> TransactionPayload:
        request = ChargeInput(
            order=order_of(
                input.customer_id,
                input.offer_id,
                input.lines,
                input.currency,
                input.coupon_code,
                input.discount,
                input.trial_days,
            ),
            payment_method_id=input.payment_method_id,
            card=input.card.fields() if input.card else None,
            gateway_id=input.gateway_id,
            invoice_template_id=input.invoice_template_id,
            idempotency_key=input.idempotency_key,
        )
        sale = await sales.charge_now(info.context.db, services(info), info.context.caller, request)
        return TransactionPayload(transaction=Transaction.from_model(sale))
