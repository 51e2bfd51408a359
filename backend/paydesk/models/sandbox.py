"""The sandbox gateway's own state: what a real gateway would keep on its side.

Kept in our database so that every process (servers, workers) sees the same
sandbox; it never holds a card number, only the outcome decided from it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class SandboxToken(SQLModel, table=True):
    __tablename__ = "sandbox_token"

    id: str = id_field()
    gateway_id: str = Field(foreign_key="gateway.id", index=True, max_length=40)
    # What every charge of this card does: approve, decline:<code>, or fail.
    behaviour: str = Field(max_length=40)
    brand: str = Field(max_length=20)
    last4: str = Field(max_length=4)
    exp_month: int
    exp_year: int
    created_at: datetime = created_at_field()


class SandboxCharge(SQLModel, table=True):
    __tablename__ = "sandbox_charge"
    __table_args__ = (UniqueConstraint("gateway_id", "idempotency_key"),)

    id: str = id_field()
    gateway_id: str = Field(foreign_key="gateway.id", max_length=40)
    idempotency_key: str = Field(max_length=255)
    reference: str = Field(max_length=64, index=True)
    token_id: str = Field(max_length=40)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    # succeeded, declined, failed or voided.
    status: str = Field(max_length=20)
    decline_code: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at_field()
    voided_at: datetime | None = timestamp_field()


class SandboxRefund(SQLModel, table=True):
    __tablename__ = "sandbox_refund"
    __table_args__ = (UniqueConstraint("charge_id", "idempotency_key"),)

    id: str = id_field()
    charge_id: str = Field(foreign_key="sandbox_charge.id", index=True, max_length=40)
    idempotency_key: str = Field(max_length=255)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = created_at_field()
