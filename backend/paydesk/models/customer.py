"""Customers with their addresses and staff comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field


class Customer(SQLModel, table=True):
    # Lists are newest first, keyset-paginated on (created_at, id) within an account.
    __table_args__ = (
        Index("ix_customer_account_created", "account_id", "created_at", "id"),
        Index("ux_customer_number", "account_id", "number", unique=True),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    # The account's own small number for it (paydesk.numbers): set when it is first saved.
    number: int = 0
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    # The partner who referred this customer and earns a commission on their paid sales.
    referred_by_partner_id: str | None = Field(default=None, foreign_key="partner.id", max_length=40)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Address(SQLModel, table=True):
    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=40)
    line1: str = Field(max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(max_length=100)
    state: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str = Field(max_length=2)
    created_at: datetime = created_at_field()


class Comment(SQLModel, table=True):
    __table_args__ = (Index("ix_comment_customer_created", "customer_id", "created_at", "id"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    customer_id: str = Field(foreign_key="customer.id", max_length=40)
    # Null when an API key wrote it.
    author_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    body: str = Field(max_length=5000)
    created_at: datetime = created_at_field()
