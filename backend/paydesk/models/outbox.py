"""The outbox: the account's events and the emails waiting to go, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class Event(SQLModel, table=True):
    """Something a merchant would automate on, as it was when it happened (``evt_`` ids)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_account_created", "account_id", "created_at", "id"),
        Index("ix_event_account_type", "account_id", "type", "created_at", "id"),
        # The pruning job deletes by age.
        Index("ix_event_created", "created_at"),
        # The webhook job finds the events it has not fanned out yet.
        Index("ix_event_fan_out", "fanned_out_at", "created_at"),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    # e.g. transaction.paid, customer.created.
    type: str = Field(max_length=60)
    # Who caused it: USER, API_KEY, PAYER (a hosted page) or SYSTEM, and which one.
    actor_type: str = Field(max_length=10)
    actor_id: str | None = Field(default=None, max_length=40)
    # The object in the GraphQL API's own field names, as JSON.
    data_json: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()
    # Set once the webhook job made the event's deliveries (null: not yet looked at).
    fanned_out_at: datetime | None = timestamp_field()


class OutgoingEmail(SQLModel, table=True):
    """One email to send after its change commits, and what became of it.

    The rendered message (it carries payment and card links) is kept
    encrypted until it is sent, then dropped; what, when, to whom and how it
    went stay as the customer's email log.
    """

    __tablename__ = "outgoing_email"
    __table_args__ = (
        Index("ix_outgoing_email_due", "status", "next_attempt_at"),
        Index("ix_outgoing_email_customer", "customer_id", "created_at"),
    )

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", max_length=40)
    customer_id: str | None = Field(default=None, foreign_key="customer.id", max_length=40)
    # What it is: invoice, card_request, payment_request, ...; and the record it is about.
    purpose: str = Field(max_length=40)
    subject_id: str | None = Field(default=None, max_length=40)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=500)
    # Fernet token of {to, subject, text, html, reply_to}; null once sent or given up.
    message_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # PENDING until SENT or FAILED.
    status: str = Field(max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = created_at_field()
    # A worker's claim while it hands the message over; a crashed worker's claim runs out.
    claimed_until: datetime | None = timestamp_field()
    sent_at: datetime | None = timestamp_field()
    message_id: str | None = Field(default=None, max_length=255)
    last_error: str | None = Field(default=None, max_length=500)
    # Who asked for it (a resent invoice names its sender); null for automatic emails.
    actor_user_id: str | None = Field(default=None, max_length=40)
    actor_api_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_at_field()
