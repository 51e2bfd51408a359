"""The emails merchants switch on around an order's life: the upcoming-renewal reminder and the
plan-completed note, queued through the outbox (never sent from here).

A reminder goes ``Account.renewal_reminder_days`` days before an active
subscription's next charge, once per charge date (``Subscription.reminded_for``),
in the account's time zone; a plan's last installment paid queues the note
when ``Account.email_plan_completed`` is on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.billing.schedule import today_in
from paydesk.customers import repository as customers
from paydesk.db import SessionFactory
from paydesk.email_templates import service as email_templates
from paydesk.email_templates.kinds import Kind
from paydesk.models import Account, Subscription
from paydesk.money import Money
from paydesk.outbox.emails import queue_email
from paydesk.unit_of_work import unit_of_work
from paydesk.validation import normalize_email

REMINDER = "renewal_reminder"
PLAN_COMPLETED = "plan_completed"
MAX_REMINDER_DAYS = 60
BATCH = 500


async def queue_reminders(sessions: SessionFactory, secret: bytes, now: datetime) -> int:
    """Queue the reminders due today in each account that sends them; how many."""
    queued = 0
    async with unit_of_work(sessions, "reminders") as db:
        accounts = list(await db.exec(select(Account).where(col(Account.renewal_reminder_days).is_not(None))))
        for account in accounts:
            days = account.renewal_reminder_days
            if not days:
                continue
            charge_day = today_in(account.timezone, now) + timedelta(days=days)
            query = (
                select(Subscription)
                .where(
                    col(Subscription.account_id) == account.id,
                    col(Subscription.kind) == "SUBSCRIPTION",
                    col(Subscription.status) == "ACTIVE",
                    col(Subscription.next_charge_date) == charge_day,
                    col(Subscription.cancel_at).is_(None),
                    (col(Subscription.reminded_for).is_(None))
                    | (col(Subscription.reminded_for) != charge_day),
                )
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            for sub in await db.exec(query):
                queued += await _remind(db, secret, account, sub, charge_day)
    return queued


async def _remind(db: AsyncSession, secret: bytes, account: Account, sub: Subscription, day: date) -> int:
    sub.reminded_for = day
    db.add(sub)
    customer = await customers.get(db, account.id, sub.customer_id)
    address = normalize_email(customer.email or "") if customer is not None else None
    if customer is None or address is None:
        return 0
    values = {
        "merchant_name": account.name,
        "customer_name": (customer.first_name or "").strip() or None,
        "description": sub.description,
        "amount": Money(sub.quantity * sub.unit_price, sub.currency).format(account.locale),
        "charge_day": day,
    }
    email = await email_templates.compose(db, account.id, Kind.RENEWAL_REMINDER, values, to=address)
    queue_email(
        db, secret, email, account_id=account.id, purpose=REMINDER, customer_id=customer.id, subject_id=sub.id
    )
    return 1


async def queue_plan_completed(db: AsyncSession, secret: bytes, account: Account, sub: Subscription) -> None:
    """The note that a payment plan is paid in full, when the account sends it."""
    if not account.email_plan_completed:
        return
    customer = await customers.get(db, account.id, sub.customer_id)
    address = normalize_email(customer.email or "") if customer is not None else None
    if customer is None or address is None:
        return
    values = {
        "merchant_name": account.name,
        "customer_name": (customer.first_name or "").strip() or None,
        "description": sub.description,
    }
    email = await email_templates.compose(db, account.id, Kind.PLAN_COMPLETED, values, to=address)
    queue_email(
        db,
        secret,
        email,
        account_id=account.id,
        purpose=PLAN_COMPLETED,
        customer_id=customer.id,
        subject_id=sub.id,
    )
