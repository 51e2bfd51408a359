"""What staff do to a sale after the fact: refund, void, write off, mark paid, resend, re-run commission."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.context import Info
from paydesk.graphql.invoices.inputs import ResendInvoiceInput
from paydesk.graphql.invoices.payloads import InvoicePayload
from paydesk.graphql.invoices.types import Invoice
from paydesk.graphql.permissions import mutation
from paydesk.graphql.sales.inputs import (
    MarkTransactionPaidInput,
    RefundTransactionInput,
    RerunCommissionInput,
    VoidTransactionInput,
    WriteOffTransactionInput,
)
from paydesk.graphql.sales.mutations import services
from paydesk.graphql.sales.payloads import TransactionPayload
from paydesk.graphql.sales.types import Transaction
from paydesk.transactions import actions
from paydesk.transactions.actions import VoidInput
from paydesk.transactions.outside import PaidOutside
from paydesk.transactions.refunds import RefundInput, refund_transaction


@strawberry.type
class TransactionActionMutations:
    @mutation(
        role=Role.REP,
        description=(
            "Give back all or part of a paid sale, through its gateway (or only recorded, for a sale "
            "paid elsewhere or marked paid). Needs ADMIN, or REP within the account's repRefundLimit. "
            "Concurrent refunds of one sale queue: each that still fits succeeds, the rest get "
            "AMOUNT_EXCEEDS_REFUNDABLE. A refund the gateway refuses is kept as FAILED and answered "
            "with GATEWAY_ERROR."
        ),
    )
    async def refund_transaction(self, info: Info, input: RefundTransactionInput) -> TransactionPayload:
        request = RefundInput(
            transaction_id=input.transaction_id,
            amount=input.amount,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
            reason_code=input.reason_code.domain if input.reason_code else None,
        )
        sale = await refund_transaction(info.context.db, services(info), info.context.caller, request)
        return TransactionPayload(transaction=Transaction.from_model(sale))

    @mutation(
        role=Role.ADMIN,
        description=(
            "Cancel a PAID sale with nothing refunded: a charge only while its gateway has not settled it "
            "(the sandbox settles after 24 hours; Stripe captures at once, so refund instead), a logged "
            "sale at any time. A voided sale can be replaced with logTransaction(replacesTransactionId:)."
        ),
    )
    async def void_transaction(self, info: Info, input: VoidTransactionInput) -> TransactionPayload:
        request = VoidInput(transaction_id=input.transaction_id, idempotency_key=input.idempotency_key)
        sale = await actions.void_transaction(info.context.db, services(info), info.context.caller, request)
        return TransactionPayload(transaction=Transaction.from_model(sale))

    @mutation(
        role=Role.ADMIN,
        description="A DECLINED or FAILED sale becomes WRITTEN_OFF: it will not be collected; nothing moves.",
    )
    async def write_off_transaction(self, info: Info, input: WriteOffTransactionInput) -> TransactionPayload:
        sale = await actions.write_off(
            info.context.db, services(info), info.context.caller, input.transaction_id, input.reason
        )
        return TransactionPayload(transaction=Transaction.from_model(sale))

    @mutation(
        role=Role.ADMIN,
        description=(
            "A DECLINED, FAILED or WRITTEN_OFF sale becomes PAID, paid outside paydesk (origin "
            "unchanged); it gets its invoice, and later refunds of it are recorded, not sent to a gateway."
        ),
    )
    async def mark_transaction_paid(self, info: Info, input: MarkTransactionPaidInput) -> TransactionPayload:
        sale = await actions.mark_paid(
            info.context.db,
            services(info),
            info.context.caller,
            input.transaction_id,
            PaidOutside(input.paid_with.domain if input.paid_with else None, input.reference, input.note),
            input.paid_at,
        )
        return TransactionPayload(transaction=Transaction.from_model(sale))

    @mutation(
        role=Role.REP,
        description="Email a sale's invoice again, to the customer or a given address; sets lastSentAt.",
    )
    async def resend_invoice(self, info: Info, input: ResendInvoiceInput) -> InvoicePayload:
        invoice = await actions.resend_invoice(
            info.context.db, services(info), info.context.caller, input.transaction_id, input.email
        )
        return InvoicePayload(invoice=Invoice.from_model(invoice))

    @mutation(
        role=Role.ADMIN,
        description=(
            "Compute a paid sale's referral commission again from its customer's partner and rate as they "
            "are now (after the partner or the rate changed), scaled by what is left after refunds."
        ),
    )
    async def rerun_commission(self, info: Info, input: RerunCommissionInput) -> TransactionPayload:
        sale = await actions.rerun_commission(
            info.context.db, services(info), info.context.caller, input.transaction_id
        )
        return TransactionPayload(transaction=Transaction.from_model(sale))
