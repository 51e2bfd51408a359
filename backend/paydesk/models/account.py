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
    # Dunning: days after an installment's first decline to retry it ("1,3,5,7"), then what to do.
    dunning_retry_days: str = Field(default="1,3,5,7", max_length=100)
    # KEEP_PAST_DUE, CANCEL or WRITE_OFF.
    dunning_final_action: str = Field(default="KEEP_PAST_DUE", max_length=20)
    # Before giving up, try the customer's other active cards.
    dunning_try_other_cards: bool = False
    # Email the customer a link to put a new card on file after each decline.
    dunning_email_card_link: bool = False
    # Email a subscriber this many days before each renewal charge; null: no reminder.
    renewal_reminder_days: int | None = None
    # Email the customer when a payment plan is paid in full.
    email_plan_completed: bool = False
    created_at: datetime = created_at_field()
