"""Accounts: the merchants (tenants). Every other row belongs to exactly one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field


class Account(SQLModel, table=True):
    id: str = id_field()
    name: str = Field(max_length=200)
    default_currency: str = Field(max_length=3)
    timezone: str = Field(max_length=64)
    locale: str = Field(max_length=35)
    # Email each new invoice to the customer.
    email_invoices: bool = False
    # The largest refund a REP may give, in minor units of default_currency; null: REPs may not refund.
    rep_refund_limit: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = created_at_field()
