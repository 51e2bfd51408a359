"""Accounts: the merchants (tenants). Every other row belongs to exactly one."""

from __future__ import annotations

from datetime import datetime

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
    created_at: datetime = created_at_field()
