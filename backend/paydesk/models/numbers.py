"""The highest number each account has given each kind of numbered object."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class NumberCounter(SQLModel, table=True):
    """The highest number an account's customers (or products, gateways, invoice templates) ever had:
    the next automatic one is one more, so numbers are never reused (paydesk.numbers)."""

    __tablename__ = "number_counter"

    account_id: str = Field(foreign_key="account.id", primary_key=True, max_length=40)
    # customer, product, gateway or invoice_template.
    kind: str = Field(primary_key=True, max_length=30)
    last: int = 0
