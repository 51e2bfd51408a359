"""Referral partners and the commission each paid sale owes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field


class Partner(SQLModel, table=True):
    """Someone who refers customers for a commission: a percent of each paid sale, or a fixed amount."""

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    # Exactly one of: a percent as a decimal string ("12.5"), or a fixed amount per sale.
    commission_percent: str | None = Field(default=None, max_length=12)
    commission_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    commission_currency: str | None = Field(default=None, max_length=3)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Commission(SQLModel, table=True):
    """What one sale owes its customer's partner, after refunds (pro rata), in the sale's currency."""

    transaction_id: str = Field(foreign_key="sale.id", primary_key=True, max_length=40)
    account_id: str = Field(foreign_key="account.id", max_length=40)
    partner_id: str = Field(foreign_key="partner.id", index=True, max_length=40)
    # The rate as it was when computed: percent string, or fixed amount in minor units of the sale's currency.
    rate_percent: str | None = Field(default=None, max_length=12)
    rate_amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # What the whole sale earned, and what is owed now that refunds are taken off pro rata.
    gross: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    computed_at: datetime = created_at_field()
