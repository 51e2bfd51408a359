"""Sales: transactions with their lines and events, idempotency records, coupons, invoices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


def money_column(*, nullable: bool = False) -> Column[int]:
    return Column(BigInteger, nullable=nullable)


class Transaction(SQLModel, table=True):
    """One sale. Amounts are minor units of ``currency``."""

    __tablename__ = "sale"
    __table_args__ = (
        Index("ix_sale_customer_created", "customer_id", "created_at", "id"),
        Index("ix_sale_account_created", "account_id", "created_at", "id"),
        # Lists in the order people read a history in: by the sale's own date.
        Index("ix_sale_customer_date", "customer_id", "transaction_date", "id"),
        Index("ix_sale_account_date", "account_id", "transaction_date", "id"),
        Index("ix_sale_account_updated", "account_id", "updated_at", "id"),
        Index("ix_sale_status", "account_id", "status"),
        # Stripe's webhooks find a sale by the gateway's id for it.
        Index("ix_sale_gateway_external", "gateway_id", "external_id"),
        # An order's sales, and one installment's attempts (found by key prefix within the order).
        Index("ix_sale_subscription", "subscription_id", "installment_key"),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    customer_id: str = Field(foreign_key="customer.id", max_length=40)
    status: str = Field(max_length=20)
    origin: str = Field(max_length=10)
    currency: str = Field(max_length=3)
    subtotal: int = Field(sa_column=money_column())
    discount: int = Field(sa_column=money_column())
    total: int = Field(sa_column=money_column())
    transaction_date: datetime = created_at_field()
    gateway_id: str | None = Field(default=None, foreign_key="gateway.id", max_length=40)
    payment_method_id: str | None = Field(default=None, foreign_key="payment_method.id", max_length=40)
    # The key every gateway call for this sale carries: paydesk:charge:{id}.
    gateway_key: str | None = Field(default=None, max_length=255)
    result_code: str | None = Field(default=None, max_length=40)
    decline_code: str | None = Field(default=None, max_length=60)
    result_message: str | None = Field(default=None, max_length=500)
    external_id: str | None = Field(default=None, max_length=255)
    offer_id: str | None = Field(default=None, foreign_key="offer.id", max_length=40)
    coupon_id: str | None = Field(default=None, foreign_key="coupon.id", max_length=40)
    # Days of free trial its recurring lines were sold with (charged nothing now); null: none.
    trial_days: int | None = None
    invoice_template_id: str | None = Field(default=None, foreign_key="invoice_template.id", max_length=40)
    replaces_transaction_id: str | None = Field(default=None, foreign_key="sale.id", max_length=40)
    created_by_user_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    created_by_api_key_id: str | None = Field(default=None, max_length=40)
    # An installment of an open order: the order, and "{subscription}:{installment}:{attempt}", unique,
    # so a worker that takes over a crashed one finds the sale already started and never charges it twice.
    subscription_id: str | None = Field(default=None, foreign_key="subscription.id", max_length=40)
    installment_key: str | None = Field(default=None, max_length=80, unique=True, index=True)
    # Set when staff marked the sale paid outside the system: its refunds are recorded, not sent.
    marked_paid_at: datetime | None = timestamp_field()
    # How a sale paid outside paydesk (logged, or marked paid) was paid: a PaidWith name, a reference
    # (cheque number, the other system's id) and staff's note.
    paid_with: str | None = Field(default=None, max_length=20)
    reference: str | None = Field(default=None, max_length=255)
    note: str | None = Field(default=None, max_length=500)
    # Set while a void is at the gateway: refunds wait for its answer rather than race it.
    void_started_at: datetime | None = timestamp_field()
    # The card network dispute Stripe told us of (charge.dispute.*): its id, the amount held, the
    # cardholder's reason and Stripe's status (needs_response, under_review, won, lost, ...).
    dispute_id: str | None = Field(default=None, max_length=255)
    dispute_amount: int | None = Field(default=None, sa_column=money_column(nullable=True))
    dispute_reason: str | None = Field(default=None, max_length=60)
    dispute_status: str | None = Field(default=None, max_length=40)
    disputed_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Refund(SQLModel, table=True):
    """Money given back from a sale: SUCCEEDED, PENDING (sent, no answer yet) or FAILED."""

    __table_args__ = (Index("ix_refund_transaction", "transaction_id", "created_at"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    transaction_id: str = Field(foreign_key="sale.id", max_length=40)
    amount: int = Field(sa_column=money_column())
    currency: str = Field(max_length=3)
    status: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=500)
    # Why, as one of the RefundReason names (DUPLICATE, FRAUDULENT, ...); ``reason`` is staff's note.
    reason_code: str | None = Field(default=None, max_length=30)
    # Whether the money went back through the sale's gateway, or was given back outside it and recorded.
    through_gateway: bool = True
    # The key every gateway call for this refund carries: paydesk:refund:{id}.
    gateway_key: str | None = Field(default=None, max_length=255)
    external_id: str | None = Field(default=None, max_length=255)
    failure_message: str | None = Field(default=None, max_length=500)
    created_by_user_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    created_by_api_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class TransactionLine(SQLModel, table=True):
    __tablename__ = "sale_line"

    transaction_id: str = Field(foreign_key="sale.id", primary_key=True, max_length=40)
    position: int = Field(primary_key=True)
    product_id: str | None = Field(default=None, foreign_key="product.id", max_length=40)
    description: str = Field(max_length=500)
    quantity: int
    unit_price: int = Field(sa_column=money_column())
    # What the line charged now (quantity x unit price, or a first payment), its discount, and the rest.
    subtotal: int = Field(sa_column=money_column())
    discount: int = Field(sa_column=money_column())
    total: int = Field(sa_column=money_column())
    kind: str = Field(max_length=20)
    unit: str | None = Field(default=None, max_length=10)
    payment_count: int | None = None


class TransactionEvent(SQLModel, table=True):
    """Who did what to a sale, and when: the audit trail staff read."""

    __tablename__ = "sale_event"

    id: str = id_field()
    transaction_id: str = Field(foreign_key="sale.id", index=True, max_length=40)
    kind: str = Field(max_length=40)
    actor_user_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    actor_api_key_id: str | None = Field(default=None, max_length=40)
    amount: int | None = Field(default=None, sa_column=money_column(nullable=True))
    note: str | None = Field(default=None, max_length=1000)
    created_at: datetime = created_at_field()


class IdempotencyRecord(SQLModel, table=True):
    """A client's idempotency key, per account and mutation: what it was used for and its result."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("account_id", "scope", "key"),
        # Settling a sale marks the claims waiting on it (complete_for).
        Index("ix_idempotency_record_result", "result_id"),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    scope: str = Field(max_length=40)
    key: str = Field(max_length=255)
    # SHA-256 of the parsed input, to tell a repeat from a reuse with other input.
    request_hash: str = Field(max_length=64)
    # The object the first call produced (e.g. a transaction id); null while the first call runs.
    result_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at_field()
    completed_at: datetime | None = timestamp_field()


class Coupon(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("account_id", "code_key"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    code: str = Field(max_length=64)
    # The code folded to upper case: codes match whatever case a payer types.
    code_key: str = Field(max_length=64)
    customer_id: str | None = Field(default=None, foreign_key="customer.id", max_length=40)
    # Percent off as a decimal string ("12.5"), or an amount off in minor units of amount_currency.
    percent_off: str | None = Field(default=None, max_length=12)
    amount_off: int | None = Field(default=None, sa_column=money_column(nullable=True))
    amount_currency: str | None = Field(default=None, max_length=3)
    expires_at: datetime | None = timestamp_field()
    max_redemptions: int | None = None
    times_redeemed: int = 0
    created_at: datetime = created_at_field()


class CouponRedemption(SQLModel, table=True):
    __tablename__ = "coupon_redemption"

    coupon_id: str = Field(foreign_key="coupon.id", primary_key=True, max_length=40)
    transaction_id: str = Field(foreign_key="sale.id", primary_key=True, max_length=40)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=40)
    amount: int = Field(sa_column=money_column())
    currency: str = Field(max_length=3)
    created_at: datetime = created_at_field()


class InvoiceTemplate(SQLModel, table=True):
    __tablename__ = "invoice_template"
    __table_args__ = (Index("ux_invoice_template_number", "account_id", "number", unique=True),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    # The account's own small number for it (paydesk.numbers): set when it is first saved.
    number: int = 0
    name: str = Field(max_length=100)
    # Jinja2 source, rendered in a sandboxed environment.
    body: str
    is_default: bool = False
    created_at: datetime = created_at_field()


class Invoice(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("account_id", "sequence"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    transaction_id: str = Field(foreign_key="sale.id", unique=True, max_length=40)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=40)
    # Per-account, gap-free: taken in the same database transaction that records the sale.
    sequence: int
    number: str = Field(max_length=20)
    total: int = Field(sa_column=money_column())
    currency: str = Field(max_length=3)
    template_id: str | None = Field(default=None, foreign_key="invoice_template.id", max_length=40)
    # SHA-256 of the secret in the public invoice URL; the secret itself is encrypted.
    token_hash: str = Field(max_length=64, unique=True)
    token_encrypted: str
    issued_at: datetime = created_at_field()
    last_sent_at: datetime | None = timestamp_field()


class InvoiceCounter(SQLModel, table=True):
    """The last invoice number of each account, bumped under a row lock."""

    __tablename__ = "invoice_counter"

    account_id: str = Field(foreign_key="account.id", primary_key=True, max_length=40)
    last: int = 0
