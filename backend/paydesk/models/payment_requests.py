"""Payment requests: a link to a hosted checkout page for one customer, single use, expiring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class PaymentRequest(SQLModel, table=True):
    __tablename__ = "payment_request"
    __table_args__ = (Index("ix_payment_request_customer_created", "customer_id", "created_at", "id"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    customer_id: str = Field(foreign_key="customer.id", max_length=40)
    # SHA-256 of the secret in the page's URL; the secret itself is encrypted so staff can copy the link.
    token_hash: str = Field(max_length=64, unique=True)
    token_encrypted: str
    # OPEN, PAID, CANCELLED, LOCKED, or EXPIRED once the worker has marked it (expiry applies on read too).
    status: str = Field(max_length=20)
    currency: str = Field(max_length=3)
    subtotal: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount: int = Field(sa_column=Column(BigInteger, nullable=False))
    total: int = Field(sa_column=Column(BigInteger, nullable=False))
    description: str | None = Field(default=None, max_length=500)
    offer_id: str | None = Field(default=None, foreign_key="offer.id", max_length=40)
    # The priced lines as JSON (amounts in minor units): the payer pays what the request showed.
    lines_json: str = Field(sa_column=Column(Text, nullable=False))
    allow_coupon: bool = False
    expires_at: datetime = timestamp_field(nullable=False)
    failed_attempts: int = 0
    # The sale that paid it, or the one still waiting for the gateway's answer.
    transaction_id: str | None = Field(default=None, foreign_key="sale.id", max_length=40)
    created_by_user_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    created_by_api_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at_field()
    paid_at: datetime | None = timestamp_field()
    cancelled_at: datetime | None = timestamp_field()
    locked_at: datetime | None = timestamp_field()
    last_sent_at: datetime | None = timestamp_field()
