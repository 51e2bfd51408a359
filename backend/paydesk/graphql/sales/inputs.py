"""Inputs for logging and charging sales."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from paydesk.graphql.catalog.inputs import OfferLineInput
from paydesk.graphql.money import MoneyInput
from paydesk.graphql.payments.inputs import CardInput
from paydesk.graphql.sales.outside import PaidWith, RefundReason
from paydesk.transactions.orders import OrderInput


def order_of(
    customer_id: str,
    offer_id: str | None,
    lines: list[OfferLineInput] | None,
    currency: str | None,
    coupon_code: str | None,
    discount: MoneyInput | None,
    trial_days: int | None = None,
) -> OrderInput:
    return OrderInput(
        customer_id=customer_id,
        offer_id=offer_id,
        lines=[line.line() for line in lines] if lines is not None else None,
        currency=currency,
        coupon_code=coupon_code,
        discount=(discount.amount, discount.currency) if discount is not None else None,
        trial_days=trial_days or 0,
    )


@strawberry.input(description="A sale made elsewhere (trade show, another payment system), recorded as paid.")
class LogTransactionInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    offer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Either a saved offer or lines."
    )
    lines: list[OfferLineInput] | None = strawberry.field(
        default=None, description="One-off (SINGLE) lines only."
    )
    currency: str | None = strawberry.field(
        default=None, description="Defaults to the offer's, else the products', else the account's currency."
    )
    transaction_date: datetime | None = strawberry.field(
        default=None, description="When it was paid; defaults to now."
    )
    invoice_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="The invoice template; defaults to the account's."
    )
    coupon_code: str | None = strawberry.field(default=None, description="A coupon to apply.")
    discount: MoneyInput | None = strawberry.field(
        default=None, description="A one-off discount on this sale."
    )
    replaces_transaction_id: strawberry.ID | None = strawberry.field(
        default=None, description="A voided transaction this one replaces."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Repeat the call with the same key to get the first result, never a second sale.",
    )
    paid_with: PaidWith | None = strawberry.field(default=None, description="How it was paid.")
    reference: str | None = strawberry.field(
        default=None, description="A cheque number, transfer reference or the other system's id (up to 255)."
    )
    note: str | None = strawberry.field(default=None, description="Staff's note on the payment (up to 500).")


@strawberry.input(description="A sale charged to a card now.")
class ChargeNowInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    offer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Either a saved offer or lines."
    )
    lines: list[OfferLineInput] | None = strawberry.field(
        default=None,
        description="Products or free-text amounts (how the virtual terminal charges a plain amount).",
    )
    currency: str | None = strawberry.field(
        default=None, description="Defaults to the offer's, else the products', else the account's currency."
    )
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None, description="A card on file; omitted, the customer's default card is used."
    )
    card: CardInput | None = strawberry.field(
        default=None,
        description="A new card, tokenized and kept on file when the charge is paid, then charged.",
    )
    gateway_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the card's gateway."
    )
    coupon_code: str | None = strawberry.field(default=None, description="A coupon to apply.")
    discount: MoneyInput | None = strawberry.field(
        default=None, description="A one-off discount on this transaction."
    )
    invoice_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="The invoice template; defaults to the account's."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Repeat the call with the same key to get the first result and never a second charge.",
    )
    trial_days: int | None = strawberry.field(
        default=None,
        description=(
            "A free trial of 0 to 730 days: the SUBSCRIPTION and PAYMENT_PLAN lines charge nothing now and "
            "their orders' first charge comes that many days later (Subscription.trialEndsOn); SINGLE lines "
            "are charged now. A card typed in is kept on file for the later charges."
        ),
    )


@strawberry.input(description="A sale to price as chargeNow would, without charging or writing anything.")
class SalePreviewInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    offer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Either a saved offer or lines."
    )
    lines: list[OfferLineInput] | None = strawberry.field(
        default=None, description="Products or free-text amounts, as chargeNow takes them."
    )
    currency: str | None = strawberry.field(
        default=None, description="Defaults to the offer's, else the products', else the account's currency."
    )
    coupon_code: str | None = strawberry.field(
        default=None, description="A coupon to apply; checked, never redeemed by a preview."
    )
    discount: MoneyInput | None = strawberry.field(
        default=None, description="A one-off discount on the sale."
    )
    trial_days: int | None = strawberry.field(
        default=None, description="A free trial, as chargeNow takes it: its recurring lines cost nothing now."
    )

    def order(self) -> OrderInput:
        return order_of(
            self.customer_id,
            self.offer_id,
            self.lines,
            self.currency,
            self.coupon_code,
            self.discount,
            self.trial_days,
        )


@strawberry.input(description="Give back all or part of a paid sale.")
class RefundTransactionInput:
    transaction_id: strawberry.ID = strawberry.field(description="The sale, prefix txn_.")
    amount: Decimal | None = strawberry.field(
        default=None,
        description=(
            "Major units in the sale's currency. Omitted: the whole refundable amount. More than is left "
            "is AMOUNT_EXCEEDS_REFUNDABLE."
        ),
    )
    reason: str | None = strawberry.field(default=None, description="Why, in staff's words (up to 500).")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Repeating the call with this key refunds once and returns the first result.",
    )
    reason_code: RefundReason | None = strawberry.field(
        default=None,
        description="Why, as a code (told to gateways that take one, e.g. Stripe); reason stays the note.",
    )


@strawberry.input(description="Cancel a paid sale before it settles.")
class VoidTransactionInput:
    transaction_id: strawberry.ID = strawberry.field(description="The sale, prefix txn_.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Repeating the call with this key voids once and returns the first result."
    )


@strawberry.input(description="Give up on collecting a declined or failed sale.")
class WriteOffTransactionInput:
    transaction_id: strawberry.ID = strawberry.field(description="The sale, prefix txn_.")
    reason: str | None = strawberry.field(default=None, description="Why, in staff's words.")


@strawberry.input(description="Record that a declined, failed or written-off sale was paid outside paydesk.")
class MarkTransactionPaidInput:
    transaction_id: strawberry.ID = strawberry.field(description="The sale, prefix txn_.")
    note: str | None = strawberry.field(
        default=None, description="Staff's note on how it was paid, e.g. who took it (up to 500)."
    )
    paid_at: datetime | None = strawberry.field(
        default=None, description="When it was paid; omitted: now. Not in the future."
    )
    paid_with: PaidWith | None = strawberry.field(default=None, description="How it was paid.")
    reference: str | None = strawberry.field(
        default=None, description="A cheque number, transfer reference or the other system's id (up to 255)."
    )


@strawberry.input(description="Compute a sale's referral commission again.")
class RerunCommissionInput:
    transaction_id: strawberry.ID = strawberry.field(description="The sale, prefix txn_.")
