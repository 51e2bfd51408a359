"""Open orders: subscriptions and payment plans created by recurring lines of a sale."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, Index
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class Subscription(SQLModel, table=True):
    # The billing runner's claim: due open orders, soonest first.
    __table_args__ = (Index("ix_subscription_due_at", "status", "due_at"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=40)
    # SUBSCRIPTION or PAYMENT_PLAN.
    kind: str = Field(max_length=20)
    product_id: str | None = Field(default=None, foreign_key="product.id", max_length=40)
    description: str = Field(max_length=500)
    quantity: int
    unit_price: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    unit: str = Field(max_length=10)
    # Charge dates are counted from this day (billing.schedule.charge_date), in the account's time zone:
    # installment n falls on charge_date(anchor_date, unit, n - anchor_period). A pause or a moved date
    # re-anchors the schedule on the new date, so the installments after it shift and none is skipped.
    anchor_date: date = Field(sa_column=Column(Date, nullable=False))
    anchor_period: int = 0
    # Installments charged so far, the first one included.
    periods_billed: int = 1
    # PAYMENT_PLAN only: installments in all.
    payment_count: int | None = None
    next_charge_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(max_length=20)
    cancel_at: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    credit: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    payment_method_id: str | None = Field(default=None, foreign_key="payment_method.id", max_length=40)
    origin_transaction_id: str | None = Field(default=None, foreign_key="sale.id", max_length=40)
    paused_at: datetime | None = timestamp_field()
    resume_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # Opened with a free trial: the day of its first charge; null: none.
    trial_ends_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # When the runner should next act: the next charge day's first instant in the account's time zone,
    # or a dunning retry's; null when nothing is scheduled (paused, past due, cancelled, completed).
    due_at: datetime | None = timestamp_field()
    # Dunning of the installment now due: declined attempts so far, and the day of the first decline.
    dunning_attempts: int = 0
    dunning_since: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # The charge date the renewal reminder was last sent for (billing.reminders): one reminder per charge.
    reminded_for: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # A billing worker's claim: which worker, and until when (a crashed worker's claim runs out).
    lease_owner: str | None = Field(default=None, max_length=80)
    lease_until: datetime | None = timestamp_field()
    cancelled_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
