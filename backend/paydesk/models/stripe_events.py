"""Stripe's webhook events already applied, so a replayed or retried one changes nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field


class StripeEvent(SQLModel, table=True):
    __tablename__ = "stripe_event"
    __table_args__ = (UniqueConstraint("gateway_id", "event_id", name="ux_stripe_event_gateway_event"),)

    id: int | None = Field(default=None, primary_key=True)
    gateway_id: str = Field(foreign_key="gateway.id", max_length=40)
    # Stripe's evt_... id.
    event_id: str = Field(max_length=255)
    type: str = Field(max_length=100)
    # What paydesk did with it: applied, ignored (a type it does not handle) or unmatched.
    outcome: str = Field(max_length=20)
    received_at: datetime = created_at_field()
