"""Changes to an open order that can move money: price and quantity (with proration), paying a plan off.

Proration (DESIGN.md, Subscriptions): with ``prorate`` the unused part of
the current period is credited at the old price and charged at the new one,
each rounded half-up in the minor unit. An upgrade charges the difference
now, as its own sale with both lines; a downgrade becomes ``credit`` taken
off the next charges. A proration charge that does not go through leaves
the order unchanged (CARD_DECLINED, the declined sale kept on record).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role, allows
from paydesk.billing import charges
from paydesk.billing.charges import ChargeLine
from paydesk.billing.runner import finish_balance
from paydesk.billing.schedule import today_in
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.models import Account, PaymentMethod, Subscription, Transaction
from paydesk.money import Money, MoneyError
from paydesk.payment_methods import service as payment_methods
from paydesk.subscriptions import service as orders
from paydesk.subscriptions.service import FIELD, Kind, Status
from paydesk.transactions import idempotency
from paydesk.transactions.rules import Status as SaleStatus
from paydesk.transactions.service import Services
from paydesk.unit_of_work import end_phase

MAX_QUANTITY = 10_000
# How long paying a plan off keeps the billing runner away from the plan.
BALANCE_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Update:
    subscription_id: str
    quantity: int | None = None
    unit_price: Decimal | None = None
    next_charge_date: date | None = None
    payment_method_id: str | None = None
    prorate: bool = False
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Proration:
    """What a price change mid-period comes to: the credit at the old price, the charge at the new."""

    unused: Fraction
    credit: int
    charge: int

    @property
    def difference(self) -> int:
        return self.charge - self.credit


def _loader(session: AsyncSession, principal: Principal) -> Callable[[str], Awaitable[Subscription]]:
    """How a repeated call finds the order its first call changed."""

    async def load(subscription_id: str) -> Subscription:
        sub = await orders.get(session, principal.account_id, subscription_id)
        assert sub is not None, "an idempotency record points at an order of its account"
        return sub

    return load


def half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the nearest minor unit, halves up."""
    return int((value * 2 + 1) // 2)


def prorate(old_amount: int, new_amount: int, start: date, end: date, on: date) -> Proration:
    """The unused share of [start, end) on day ``on`` (``on`` itself unused), at the old and new amounts."""
    if on <= start:
        unused = Fraction(1)
    elif on >= end:
        unused = Fraction(0)
    else:
        unused = Fraction((end - on).days, (end - start).days)
    return Proration(unused, half_up(old_amount * unused), half_up(new_amount * unused))


def _new_terms(
    problems: Problems, sub: Subscription, quantity: int | None, unit_price: Decimal | None
) -> tuple[int, int]:
    """The order's quantity and unit price (minor units) after a change; what is wrong goes to problems."""
    new_quantity, new_unit_price = sub.quantity, sub.unit_price
    if quantity is not None:
        if not 1 <= quantity <= MAX_QUANTITY:
            problems.add(ErrorCode.INVALID, f"A quantity is from 1 to {MAX_QUANTITY}.", ("quantity",))
        new_quantity = quantity
    if unit_price is not None:
        try:
            new_unit_price = Money.parse(unit_price, sub.currency).minor_units
        except MoneyError as error:
            problems.add(ErrorCode.INVALID, f"{str(error)[:1].upper()}{str(error)[1:]}.", ("unit_price",))
        else:
            if new_unit_price < 0:
                problems.add(ErrorCode.INVALID, "A price is 0 or more.", ("unit_price",))
    reprice = quantity is not None or unit_price is not None
    if reprice and sub.kind == Kind.PAYMENT_PLAN:
        problems.add(
            ErrorCode.INVALID,
            "A payment plan's installments are fixed; cancel it and sell a new one.",
            ("quantity",),
        )
    return new_quantity, new_unit_price


def _prorates(sub: Subscription, reprice: bool, old_amount: int, new_amount: int) -> bool:
    """Whether a prorated change of price or quantity credits or charges anything: ACTIVE orders only."""
    return reprice and new_amount != old_amount and sub.status == Status.ACTIVE


async def _current_period(
    session: AsyncSession, sub: Subscription, account: Account, now: datetime
) -> tuple[date, date, date]:
    """The period a proration runs over (its first day, the day after its last) and today."""
    today = today_in(account.timezone, now)
    end = sub.next_charge_date or orders.installment_date(sub, sub.periods_billed)
    return await _period_start(session, sub), end, today


async def _card_for_difference(session: AsyncSession, sub: Subscription) -> PaymentMethod:
    method = await charges.usable_card(session, sub)
    if method is None:
        raise fail(ErrorCode.NO_PAYMENT_METHOD, "The order has no usable card to charge the difference to.")
    return method


@dataclass(frozen=True)
class ChangePreview:
    """What ``updateSubscription(prorate: true)`` would do today; amounts in minor units of ``currency``."""

    currency: str
    current_amount: int
    new_amount: int
    # Charged now as its own sale (an upgrade), or added to the order's credit (a downgrade).
    charge_now: int
    credit: int
    # The current period, [start, end), when the change is prorated; None otherwise.
    period_start: date | None
    period_end: date | None


async def preview_change(
    session: AsyncSession,
    principal: Principal,
    subscription_id: str,
    *,
    quantity: int | None,
    unit_price: Decimal | None,
    now: datetime,
) -> ChangePreview:
    """What a prorated change of quantity or price would charge now or credit, checked as
    ``update_subscription`` checks it (the role aside: anyone may look), with nothing written."""
    sub = await orders.get(session, principal.account_id, subscription_id)
    if sub is None:
        raise not_found("subscription", FIELD)
    if sub.status in (Status.CANCELLED, Status.COMPLETED):
        raise fail(ErrorCode.INVALID_STATE, f"A {sub.status.lower()} order cannot be changed.", FIELD)
    account = await session.get(Account, sub.account_id)
    assert account is not None
    problems = Problems()
    new_quantity, new_unit_price = _new_terms(problems, sub, quantity, unit_price)
    problems.raise_any()
    old_amount, new_amount = orders.installment_amount(sub), new_quantity * new_unit_price
    reprice = quantity is not None or unit_price is not None
    if not _prorates(sub, reprice, old_amount, new_amount):
        return ChangePreview(sub.currency, old_amount, new_amount, 0, 0, None, None)
    start, end, today = await _current_period(session, sub, account, now)
    share = prorate(old_amount, new_amount, start, end, today)
    if share.difference > 0:
        await _card_for_difference(session, sub)
    return ChangePreview(
        currency=sub.currency,
        current_amount=old_amount,
        new_amount=new_amount,
        charge_now=max(share.difference, 0),
        credit=max(-share.difference, 0),
        period_start=start,
        period_end=end,
    )


async def update_subscription(
    session: AsyncSession, services: Services, principal: Principal, request: Update, *, now: datetime
) -> Subscription:
    payload: dict[str, Any] = {k: v for k, v in vars(request).items() if k != "idempotency_key"}

    return await idempotency.run_once(
        session,
        services.sessions,
        principal.account_id,
        "updateSubscription",
        request.idempotency_key,
        payload,
        lambda claim: _update(session, services, principal, request, claim, now),
        _loader(session, principal),
    )


async def _update(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    request: Update,
    claim: str | None,
    now: datetime,
) -> Subscription:
    reprice = request.quantity is not None or request.unit_price is not None
    if reprice and not allows(principal.role, Role.ADMIN):
        raise fail(ErrorCode.FORBIDDEN, "Changing the price or quantity needs the ADMIN role or higher.")
    sub = await orders.locked(session, principal, request.subscription_id)
    if sub.status in (Status.CANCELLED, Status.COMPLETED):
        raise fail(ErrorCode.INVALID_STATE, f"A {sub.status.lower()} order cannot be changed.", FIELD)
    account = await session.get(Account, sub.account_id)
    assert account is not None
    problems = Problems()
    quantity, unit_price = _new_terms(problems, sub, request.quantity, request.unit_price)
    method = None
    if request.payment_method_id is not None:
        method = await payment_methods.get_payment_method(session, principal, request.payment_method_id)
        if method is None or method.customer_id != sub.customer_id:
            problems.add(ErrorCode.NOT_FOUND, "No payment method with this id.", ("payment_method_id",))
        elif payment_methods.status_of(method) != payment_methods.Status.ACTIVE:
            problems.add(ErrorCode.INVALID_STATE, "This card cannot be charged.", ("payment_method_id",))
    problems.raise_any()
    old_amount, new_amount = orders.installment_amount(sub), quantity * unit_price
    if request.prorate and _prorates(sub, reprice, old_amount, new_amount):
        # First, so that a declined difference leaves everything as it was.
        sub = await _prorate(
            session, services, principal, sub, account, old_amount, new_amount, quantity, unit_price, now
        )
    if request.next_charge_date is not None:
        await orders.move_next_charge(session, sub, request.next_charge_date, now=now)
    if method is not None:
        await orders.use_card(session, sub, method)
    sub.quantity, sub.unit_price = quantity, unit_price
    if sub.status == Status.ACTIVE and sub.dunning_attempts == 0:
        # An order being retried keeps its retry time (use_card has made it due at once for a new card).
        orders.schedule(sub, account.timezone)
    sub.updated_at = now
    session.add(sub)
    if claim is not None:
        await idempotency.attach(session, claim, sub.id, completed=True)
    await session.flush()
    orders.record(session, sub, "updated", principal)
    return sub


async def _period_start(session: AsyncSession, sub: Subscription) -> date:
    """The first day of the period paid last: its installment's day, or the day the paying sale was made."""
    last = sub.periods_billed - 1
    if last >= sub.anchor_period:
        return orders.installment_date(sub, last)
    query = (
        select(Transaction.transaction_date)
        .where(
            (col(Transaction.subscription_id) == sub.id) | (col(Transaction.id) == sub.origin_transaction_id),
            col(Transaction.status).in_((SaleStatus.PAID, SaleStatus.PARTIALLY_REFUNDED)),
        )
        .order_by(col(Transaction.transaction_date).desc())
        .limit(1)
    )
    paid = (await session.exec(query)).first()
    return paid.date() if paid is not None else sub.anchor_date


async def _prorate(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    sub: Subscription,
    account: Account,
    old_amount: int,
    new_amount: int,
    quantity: int,
    unit_price: int,
    now: datetime,
) -> Subscription:
    """Credit or charge the change for the rest of the period; the order, locked again."""
    start, end, today = await _current_period(session, sub, account, now)
    share = prorate(old_amount, new_amount, start, end, today)
    money = Money(share.difference, sub.currency)
    if share.difference < 0:
        sub.credit += -share.difference
        return sub
    if share.difference == 0:
        return sub
    days = f"{(end - today).days} of {(end - start).days} days"
    lines = [
        ChargeLine(f"{sub.description}: {quantity} x new price, {days}", 1, share.charge, "SINGLE"),
        ChargeLine(f"{sub.description}: unused time at the old price, {days}", 1, -share.credit, "SINGLE"),
    ]
    method = await _card_for_difference(session, sub)
    sale = await charges.start(
        session, sub, lines, method, installment_key=None, when=now, event="proration_started"
    )
    sale.created_by_user_id, sale.created_by_api_key_id = principal.user_id, principal.api_key_id
    sale = await charges.send(session, services, sale)
    await end_phase(session, "proration charged")
    if sale.status != SaleStatus.PAID:
        raise fail(
            ErrorCode.CARD_DECLINED,
            f"The difference of {money.format(account.locale)} was not paid "
            f"({sale.decline_code or sale.status.lower()}); nothing changed.",
            ("prorate",),
        )
    # The order is locked again before it changes (the charge committed in between).
    return await orders.locked(session, principal, sub.id)


async def pay_remaining_balance(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    subscription_id: str,
    idempotency_key: str | None,
    *,
    now: datetime,
) -> Subscription:
    """Charge every installment a plan has left, in one sale, and complete it."""

    async def run(claim: str | None) -> Subscription:
        sub = await orders.locked(session, principal, subscription_id)
        left = orders.installments_left(sub)
        if left is None:
            raise fail(ErrorCode.INVALID_STATE, "Only a payment plan has a balance to pay off.", FIELD)
        if sub.status not in (Status.ACTIVE, Status.PAST_DUE, Status.PAUSED) or left == 0:
            raise fail(
                ErrorCode.INVALID_STATE, f"This plan is {sub.status.lower()}: nothing is left to pay.", FIELD
            )
        if sub.lease_owner is not None and sub.lease_until is not None and sub.lease_until > now:
            raise fail(
                ErrorCode.INVALID_STATE,
                "An installment of this plan is being charged; try again shortly.",
                FIELD,
            )
        method = await charges.usable_card(session, sub)
        if method is None:
            raise fail(ErrorCode.NO_PAYMENT_METHOD, "The plan has no usable card.", FIELD)
        lines = [
            ChargeLine(
                f"{sub.description}: the {left} remaining installments",
                left * sub.quantity,
                sub.unit_price,
                sub.kind,
                sub.unit,
                sub.payment_count,
                sub.product_id,
            )
        ]
        credit = min(sub.credit, left * orders.installment_amount(sub))
        if credit:
            lines.append(ChargeLine("Credit from an earlier change", 1, -credit, "SINGLE"))
        # Holding the order while its card is charged: the runner skips leased orders.
        sub.lease_owner, sub.lease_until = (
            f"balance:{principal.user_id or principal.api_key_id}",
            now + BALANCE_LEASE,
        )
        sale = await charges.start(
            session,
            sub,
            lines,
            method,
            installment_key=f"{sub.id}:balance:{await charges.attempts_made(session, sub, 'balance')}",
            when=now,
            event="balance_started",
        )
        if claim is not None:
            await idempotency.attach(session, claim, sub.id, completed=False)
        sale = await charges.send(session, services, sale)
        sub = await orders.locked(session, principal, subscription_id)
        sub.lease_owner, sub.lease_until = None, None
        account = await session.get(Account, sub.account_id)
        assert account is not None
        await finish_balance(session, sub, account, sale, now, services.secret)
        if claim is not None:
            await idempotency.attach(session, claim, sub.id, completed=True)
        await end_phase(session, "balance settled")
        if sale.status == SaleStatus.PENDING:
            raise fail(
                ErrorCode.GATEWAY_ERROR,
                "The gateway did not answer; paydesk asks it again and completes the plan if it was paid.",
                FIELD,
            )
        if sale.status != SaleStatus.PAID:
            raise fail(
                ErrorCode.CARD_DECLINED,
                f"The balance was not paid ({sale.decline_code or sale.status.lower()}); the plan goes on.",
                FIELD,
            )
        return sub

    return await idempotency.run_once(
        session,
        services.sessions,
        principal.account_id,
        "payRemainingBalance",
        idempotency_key,
        {"subscription_id": subscription_id},
        run,
        _loader(session, principal),
    )
