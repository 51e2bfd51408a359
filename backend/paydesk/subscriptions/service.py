"""Open orders: subscriptions and payment plans, their schedule and the changes that move no money.

The sale that opens an order charged its first installment (installment 0);
the order takes it from there. Installment n falls on
``charge_date(anchor_date, unit, n - anchor_period)`` in the account's time
zone: a pause or a moved date re-anchors the schedule on the new day, so the
installments after it shift and none is skipped. ``due_at`` is when the
billing runner should next act (the due day's first instant in the
account's zone, a dunning retry, a resume day, a cancel-at day); null when
nothing is scheduled.

Charging (installments, proration, paying a plan off) is in
``paydesk.billing``; everything here changes the schedule only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.billing.schedule import BillingUnit, charge_date, resume_date, start_of_day, today_in
from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, fail, not_found
from paydesk.events import data
from paydesk.events.record import Actor, cause_of, record_event
from paydesk.models import Account, PaymentMethod, Subscription, Transaction
from paydesk.offers.lines import Line, LineKind
from paydesk.subscriptions import repository as repo


class Status:
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    PAST_DUE = "PAST_DUE"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


class Kind:
    SUBSCRIPTION = "SUBSCRIPTION"
    PAYMENT_PLAN = "PAYMENT_PLAN"


OPEN = (Status.ACTIVE, Status.PAUSED, Status.PAST_DUE)
FIELD = ("subscription_id",)


# Schedule


def event_data(sub: Subscription) -> dict[str, Any]:
    """The order as ``Subscription`` shows it, for its events."""
    return {
        "id": sub.id,
        "kind": sub.kind,
        "description": sub.description,
        "quantity": sub.quantity,
        "unitPrice": data.money(sub.unit_price, sub.currency),
        "unit": sub.unit,
        "paymentsRemaining": payments_to_come(sub),
        "nextChargeDate": (day := next_charge_day(sub)) and day.isoformat(),
        "status": sub.status,
        "cancelAt": sub.cancel_at and sub.cancel_at.isoformat(),
        "credit": data.money(sub.credit, sub.currency),
        "pausedAt": data.when(sub.paused_at),
        "resumeOn": sub.resume_on and sub.resume_on.isoformat(),
        "trialEndsOn": sub.trial_ends_on and sub.trial_ends_on.isoformat(),
        "createdAt": data.when(sub.created_at),
        "customerId": sub.customer_id,
        "productId": sub.product_id,
        "paymentMethodId": sub.payment_method_id,
    }


def record(session: AsyncSession, sub: Subscription, change: str, by: Actor | Principal | None) -> None:
    """The ``subscription.{change}`` event with the order as it is now (None: paydesk did it)."""
    record_event(session, sub.account_id, f"subscription.{change}", event_data(sub), actor=by)


def installment_date(sub: Subscription, n: int) -> date:
    """The day installment ``n`` falls on (n at or after the anchor's period)."""
    return charge_date(sub.anchor_date, BillingUnit(sub.unit), max(n - sub.anchor_period, 0))


def installments_left(sub: Subscription) -> int | None:
    """A payment plan's installments not charged yet; None for an open-ended subscription."""
    if sub.kind != Kind.PAYMENT_PLAN or sub.payment_count is None:
        return None
    return max(sub.payment_count - sub.periods_billed, 0)


def payments_to_come(sub: Subscription) -> int | None:
    """A payment plan's installments that will still be charged: none once it is cancelled; None for a
    subscription. (``installments_left`` is the schedule's count, which a cancel does not change.)"""
    left = installments_left(sub)
    if left is None:
        return None
    return 0 if sub.status == Status.CANCELLED else left


def balance_left(sub: Subscription, *, as_scheduled: bool = False) -> int | None:
    """What a payment plan's installments still to be charged come to, less credit; None for a subscription.

    ``as_scheduled``: count them as if the plan went on (what cancelling it forgives).
    """
    left = installments_left(sub) if as_scheduled else payments_to_come(sub)
    if left is None:
        return None
    return max(left * installment_amount(sub) - sub.credit, 0)


def waiting_on_retry(sub: Subscription) -> bool:
    """A declined installment is being retried (dunning), or the order is past due."""
    return sub.status == Status.PAST_DUE or (sub.status == Status.ACTIVE and sub.dunning_attempts > 0)


def next_charge_day(sub: Subscription) -> date | None:
    """The day the runner will next charge the order, as staff and partners should read it.

    While paused it is the day the order resumes onto (``resume_order``'s rule applied on the resume
    day), and None while paused until resumed by hand: the stored next charge date is only the
    schedule's, which a pause moves.
    """
    if sub.status != Status.PAUSED:
        return sub.next_charge_date
    if sub.resume_on is None:
        return None
    return resume_date(_scheduled_next(sub), sub.resume_on)


def _scheduled_next(sub: Subscription) -> date:
    return sub.next_charge_date or installment_date(sub, sub.periods_billed)


def installment_amount(sub: Subscription) -> int:
    return sub.quantity * sub.unit_price


def schedule(sub: Subscription, tz: str) -> None:
    """Set the next charge date and when the runner acts, from what has been billed so far.

    A plan whose installments are all billed is COMPLETED; a cancel-at day on
    or before the next charge makes the runner come on that day to cancel.
    """
    left = installments_left(sub)
    if left == 0:
        sub.status, sub.next_charge_date, sub.due_at = Status.COMPLETED, None, None
        return
    sub.next_charge_date = installment_date(sub, sub.periods_billed)
    sub.due_at = start_of_day(sub.next_charge_date, tz)
    if sub.cancel_at is not None and sub.cancel_at <= sub.next_charge_date:
        sub.due_at = start_of_day(sub.cancel_at, tz)


def reanchor(sub: Subscription, day: date) -> None:
    """Make ``day`` the date of the next installment; the ones after it follow from there."""
    sub.anchor_date, sub.anchor_period = day, sub.periods_billed


def clear_dunning(sub: Subscription) -> None:
    sub.dunning_attempts, sub.dunning_since = 0, None


async def open_orders(
    session: AsyncSession,
    sale: Transaction,
    lines: Sequence[Line],
    *,
    payment_method_id: str | None,
    today: date,
    timezone: str,
    trial_days: int = 0,
) -> list[Subscription]:
    """One open order per recurring line of ``sale``, whose first installment it paid; with
    ``trial_days`` the sale paid none, and the first comes when the trial ends."""
    trial_end = today + timedelta(days=trial_days) if trial_days else None
    opened = []
    for line in lines:
        if line.kind is LineKind.SINGLE or line.unit is None:
            continue
        plan = line.kind is LineKind.PAYMENT_PLAN
        subscription = Subscription(
            id=ids.new_id(ids.SUBSCRIPTION),
            account_id=sale.account_id,
            customer_id=sale.customer_id,
            kind=line.kind.value,
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            currency=sale.currency,
            unit=line.unit.value,
            anchor_date=trial_end or today,
            periods_billed=0 if trial_end else 1,
            trial_ends_on=trial_end,
            payment_count=line.payment_count if plan else None,
            status=Status.ACTIVE,
            payment_method_id=payment_method_id,
            origin_transaction_id=sale.id,
        )
        schedule(subscription, timezone)
        session.add(subscription)
        opened.append(subscription)
    await session.flush()
    for subscription in opened:
        record(session, subscription, "created", cause_of(sale))
    return opened


# Reading


async def of_customers(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[Subscription]:
    return await repo.of_customers(session, account_id, customer_ids)


async def get(session: AsyncSession, account_id: str, subscription_id: str) -> Subscription | None:
    return await repo.get(session, account_id, subscription_id)


async def by_ids(
    session: AsyncSession, account_id: str, subscription_ids: Sequence[str]
) -> list[Subscription]:
    return await repo.get_many(session, account_id, subscription_ids)


async def installments_of(
    session: AsyncSession, account_id: str, subscription_ids: Sequence[str]
) -> list[Transaction]:
    """The sales of these orders (opening sale first, then installments), oldest first."""
    return await repo.sales_of(session, account_id, subscription_ids)


# Changes that move no money


async def locked(session: AsyncSession, principal: Principal, subscription_id: str) -> Subscription:
    sub = await repo.lock(session, principal.account_id, subscription_id)
    if sub is None:
        raise not_found("subscription", FIELD)
    return sub


async def _account(session: AsyncSession, account_id: str) -> Account:
    account = await session.get(Account, account_id)
    assert account is not None
    return account


def _touch(session: AsyncSession, sub: Subscription) -> None:
    sub.updated_at = utcnow()
    session.add(sub)


async def pause(
    session: AsyncSession,
    principal: Principal,
    subscription_id: str,
    resume_on: date | None,
    *,
    now: datetime,
) -> Subscription:
    """No charge at all while paused; resumes on ``resume_on`` (or by hand)."""
    sub = await locked(session, principal, subscription_id)
    if sub.status not in (Status.ACTIVE, Status.PAST_DUE):
        raise fail(ErrorCode.INVALID_STATE, f"A {sub.status.lower()} order cannot be paused.", FIELD)
    account = await _account(session, sub.account_id)
    today = today_in(account.timezone, now)
    if resume_on is not None and resume_on <= today:
        raise fail(ErrorCode.INVALID, "The resume day must be after today.", ("resume_on",))
    if sub.status == Status.PAST_DUE and sub.next_charge_date is None:
        sub.next_charge_date = installment_date(sub, sub.periods_billed)
    sub.status, sub.paused_at, sub.resume_on = Status.PAUSED, now, resume_on
    clear_dunning(sub)
    sub.due_at = start_of_day(resume_on, account.timezone) if resume_on is not None else None
    _touch(session, sub)
    await session.flush()
    record(session, sub, "paused", principal)
    return sub


async def resume(
    session: AsyncSession, principal: Principal, subscription_id: str, *, now: datetime
) -> Subscription:
    sub = await locked(session, principal, subscription_id)
    if sub.status != Status.PAUSED:
        raise fail(ErrorCode.INVALID_STATE, "Only a paused order can be resumed.", FIELD)
    await resume_order(session, sub, now=now, by=principal)
    return sub


async def resume_order(
    session: AsyncSession, sub: Subscription, *, now: datetime, by: Principal | None = None
) -> None:
    """ACTIVE again; the next charge is the later of the old next charge date and today (DESIGN.md)."""
    account = await _account(session, sub.account_id)
    today = today_in(account.timezone, now)
    next_day = resume_date(_scheduled_next(sub), today)
    if next_day != installment_date(sub, sub.periods_billed):
        reanchor(sub, next_day)
    sub.status, sub.paused_at, sub.resume_on = Status.ACTIVE, None, None
    schedule(sub, account.timezone)
    _touch(session, sub)
    await session.flush()
    record(session, sub, "resumed", by)


async def cancel(
    session: AsyncSession, principal: Principal, subscription_id: str, *, at_period_end: bool, now: datetime
) -> Subscription:
    """Cancel now, or at the end of the period already paid for (status stays ACTIVE until that day)."""
    sub = await locked(session, principal, subscription_id)
    if sub.status not in OPEN:
        raise fail(ErrorCode.INVALID_STATE, f"This order is already {sub.status.lower()}.", FIELD)
    account = await _account(session, sub.account_id)
    if at_period_end and sub.status == Status.ACTIVE and sub.next_charge_date is not None:
        sub.cancel_at = sub.next_charge_date
        schedule(sub, account.timezone)
        change = "updated"  # it ends on cancelAt: subscription.cancelled follows that day
    else:
        end_now(sub, now)
        change = "cancelled"
    _touch(session, sub)
    await session.flush()
    record(session, sub, change, principal)
    return sub


def end_now(sub: Subscription, now: datetime) -> None:
    sub.status, sub.cancelled_at, sub.due_at, sub.next_charge_date = Status.CANCELLED, now, None, None
    clear_dunning(sub)


async def move_next_charge(session: AsyncSession, sub: Subscription, day: date, *, now: datetime) -> None:
    """Charge next on ``day`` (today or later); the installments after it follow from there."""
    account = await _account(session, sub.account_id)
    if day < today_in(account.timezone, now):
        raise fail(ErrorCode.INVALID, "The next charge date cannot be in the past.", ("next_charge_date",))
    if sub.status not in (Status.ACTIVE, Status.PAUSED):
        raise fail(
            ErrorCode.INVALID_STATE, f"A {sub.status.lower()} order has no next charge to move.", FIELD
        )
    if sub.cancel_at is not None and day >= sub.cancel_at:
        raise fail(ErrorCode.INVALID, "The order ends before that day.", ("next_charge_date",))
    reanchor(sub, day)
    if sub.status == Status.PAUSED:
        sub.next_charge_date = day
    else:
        schedule(sub, account.timezone)


async def use_card(session: AsyncSession, sub: Subscription, method: PaymentMethod) -> None:
    """Charge ``method`` from now on; an order in dunning or past due is tried with it at once."""
    sub.payment_method_id = method.id
    if sub.status == Status.PAST_DUE or sub.dunning_attempts > 0:
        sub.due_at = utcnow()


async def recover_with(session: AsyncSession, customer_id: str, payment_method_id: str) -> int:
    """A customer's new default card takes over their orders in dunning or past due, tried at once."""
    statement = (
        update(Subscription)
        .where(
            col(Subscription.customer_id) == customer_id,
            # An order already on this card (e.g. the declining card promoted to default) is left alone.
            or_(
                col(Subscription.payment_method_id).is_(None),
                col(Subscription.payment_method_id) != payment_method_id,
            ),
            or_(
                col(Subscription.status) == Status.PAST_DUE,
                (col(Subscription.status) == Status.ACTIVE) & (col(Subscription.dunning_attempts) > 0),
            ),
        )
        .values(
            payment_method_id=payment_method_id,
            due_at=utcnow(),
            dunning_attempts=0,
            dunning_since=None,
            updated_at=utcnow(),
        )
    )
    return int((await session.exec(statement)).rowcount)


async def move_open_orders_to(session: AsyncSession, customer_id: str, payment_method_id: str) -> int:
    """The customer's new card takes over their open orders; those in dunning or past due try it at once."""
    moved = await repo.move_open_orders_to(session, customer_id, payment_method_id)
    await recover_with(session, customer_id, payment_method_id)
    return moved


async def installment_closed(session: AsyncSession, sale: Transaction, *, now: datetime) -> bool:
    """Staff wrote off or marked paid an installment dunning was working on: the order moves past it.

    True when ``sale`` was the order's current installment (its dunning stops
    and the schedule goes on to the next one); False otherwise.
    """
    if sale.subscription_id is None or sale.installment_key is None:
        return False
    sub = await repo.lock_any(session, sale.subscription_id)
    if sub is None or sub.status not in OPEN:
        return False
    if not sale.installment_key.startswith(f"{sub.id}:{sub.periods_billed}:"):
        return False
    account = await _account(session, sub.account_id)
    sub.periods_billed += 1
    clear_dunning(sub)
    if sub.status == Status.PAST_DUE:
        sub.status = Status.ACTIVE
    if sub.status == Status.PAUSED:
        sub.next_charge_date = installment_date(sub, sub.periods_billed)
    if sub.status == Status.ACTIVE:
        schedule(sub, account.timezone)
        if sub.next_charge_date is not None and sub.next_charge_date < today_in(account.timezone, now):
            # Far behind: the next installment is charged now, then the schedule starts again from
            # that day (the runner re-anchors it) rather than charging every missed period in a row.
            sub.due_at = now
    _touch(session, sub)
    await session.flush()
    return True
