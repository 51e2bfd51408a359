"""Webhook endpoints of an account and each attempt to deliver an event to one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class WebhookEndpoint(SQLModel, table=True):
    """Where an account's events go, signed with the endpoint's secret (Standard Webhooks)."""

    __tablename__ = "webhook_endpoint"
    __table_args__ = (Index("ix_webhook_endpoint_account", "account_id", "created_at"),)

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    url: str = Field(max_length=2000)
    # The event types it receives, comma-separated; "*" receives every type.
    events: str = Field(sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, max_length=500)
    enabled: bool = True
    # Fernet tokens of the whsec_ secrets: the current one, and the one it replaced while it still signs.
    secret_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    previous_secret_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    previous_secret_until: datetime | None = timestamp_field()
    # When deliveries started failing without a success since; three days of it disables the endpoint.
    failing_since: datetime | None = timestamp_field()
    disabled_at: datetime | None = timestamp_field()
    deleted_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver one event to one endpoint: PENDING until made, then SUCCEEDED or FAILED."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint", "endpoint_id", "created_at", "id"),
        Index("ix_webhook_delivery_event", "event_id", "endpoint_id"),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    endpoint_id: str = Field(foreign_key="webhook_endpoint.id", max_length=40)
    event_id: str = Field(max_length=40)
    attempt: int = 1
    status: str = Field(max_length=10)
    # PENDING: when it is due; after a failure: when the next attempt is due (null when none is).
    next_attempt_at: datetime | None = timestamp_field()
    claimed_until: datetime | None = timestamp_field()
    response_status: int | None = None
    duration_ms: int | None = None
    error: str | None = Field(default=None, max_length=500)
    # The first attempt of this event at this endpoint: the three days of retries count from it.
    first_attempt_at: datetime = created_at_field()
    created_at: datetime = created_at_field()
