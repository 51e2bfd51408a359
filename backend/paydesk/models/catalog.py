"""Products and saved offers (named product grids). A saved offer never changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class Product(SQLModel, table=True):
    __table_args__ = (
        Index("ix_product_account_name", "account_id", "name"),
        Index("ux_product_number", "account_id", "number", unique=True),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    # The account's own small number for it (paydesk.numbers): set when it is first saved.
    number: int = 0
    name: str = Field(max_length=200)
    # Price in the currency's minor unit.
    price: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    sku: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=2000)
    # The delivery email sent when a sale of it is paid (products.delivery); null: none.
    delivery_subject: str | None = Field(default=None, max_length=200)
    delivery_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    archived_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Offer(SQLModel, table=True):
    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    name: str = Field(max_length=200)
    currency: str = Field(max_length=3)
    created_by_id: str | None = Field(default=None, foreign_key="user.id", max_length=40)
    archived_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()


class OfferLine(SQLModel, table=True):
    __tablename__ = "offer_line"

    offer_id: str = Field(foreign_key="offer.id", primary_key=True, max_length=40)
    position: int = Field(primary_key=True)
    product_id: str | None = Field(default=None, foreign_key="product.id", max_length=40)
    description: str = Field(max_length=500)
    quantity: int
    # One unit's price (for a PAYMENT_PLAN line: each installment), in minor units.
    unit_price: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=20)
    unit: str | None = Field(default=None, max_length=10)
    payment_count: int | None = None
    first_payment: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
