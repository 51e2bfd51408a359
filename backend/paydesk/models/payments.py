"""Gateways, payment methods (cards on file) and card tokenization links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class Gateway(SQLModel, table=True):
    # One default gateway per account.
    __table_args__ = (
        Index(
            "ux_gateway_default",
            "account_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
        Index("ux_gateway_number", "account_id", "number", unique=True),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    # The account's own small number for it (paydesk.numbers): set when it is first saved.
    number: int = 0
    kind: str = Field(max_length=20)
    name: str = Field(max_length=100)
    # Fernet token of the JSON credentials (crypto.encrypt_json); never returned by the API.
    # Null for a sandbox with its default behaviour.
    credentials: str | None = None
    test_mode: bool
    is_default: bool = False
    created_at: datetime = created_at_field()


class PaymentMethod(SQLModel, table=True):
    __tablename__ = "payment_method"
    __table_args__ = (
        # One default card per customer.
        Index(
            "ux_payment_method_default",
            "customer_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
        Index("ix_payment_method_fingerprint", "customer_id", "fingerprint"),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=40)
    gateway_id: str = Field(foreign_key="gateway.id", max_length=40)
    # The gateway's token for the card; the card itself never reaches our database.
    gateway_token: str = Field(max_length=255)
    type: str = Field(default="CARD", max_length=20)
    brand: str = Field(max_length=20)
    last4: str = Field(max_length=4)
    # Null for methods that do not expire.
    exp_month: int | None = None
    exp_year: int | None = None
    name_on_card: str | None = Field(default=None, max_length=100)
    billing_address_id: str | None = Field(default=None, foreign_key="address.id", max_length=40)
    # Keyed hash of the card number (crypto.keyed_hash), to find the same card added twice.
    fingerprint: str | None = Field(default=None, max_length=64)
    is_default: bool = False
    removed_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class CardTokenizationLink(SQLModel, table=True):
    __tablename__ = "card_tokenization_link"

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=40)
    # SHA-256 of the secret in the link's URL, to find the link from its URL.
    token_hash: str = Field(max_length=64, unique=True)
    # The secret itself, encrypted (crypto.encrypt_text), so staff can copy the link again.
    token_encrypted: str
    expires_at: datetime = timestamp_field(nullable=False)
    takes_over_open_orders: bool = False
    failed_attempts: int = 0
    used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()
    locked_at: datetime | None = timestamp_field()
    payment_method_id: str | None = Field(default=None, foreign_key="payment_method.id", max_length=40)
    created_by_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    created_at: datetime = created_at_field()
