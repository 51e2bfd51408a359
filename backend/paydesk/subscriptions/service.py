"""Opening subscriptions and payment plans from the recurring lines of a paid sale.

The sale charged each recurring line's first period; the open order takes
it from there: its schedule is anchored on the sale's day in the account's
time zone, and the next charge is one period later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.billing.schedule import charge_date
from paydesk.models import Subscription, Transaction
from paydesk.offers.lines import Line, LineKind
from paydesk.subscriptions import repository as repo


class Status:
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    PAST_DUE = "PAST_DUE"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


async def open_orders(
    session: AsyncSession,
    sale: Transaction,
    lines: Sequence[Line],
    *,
    payment_method_id: str | None,
    today: date,
) -> list[Subscription]:
    """One open order per recurring line of ``sale``, whose first period it paid."""
    opened = []
    for line in lines:
        if line.kind is LineKind.SINGLE or line.unit is None:
            continue
        plan = line.kind is LineKind.PAYMENT_PLAN
        finished = plan and line.payment_count is not None and line.payment_count <= 1
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
            anchor_date=today,
            periods_billed=1,
            payment_count=line.payment_count if plan else None,
            next_charge_date=None if finished else charge_date(today, line.unit, 1),
            status=Status.COMPLETED if finished else Status.ACTIVE,
            payment_method_id=payment_method_id,
            origin_transaction_id=sale.id,
        )
        session.add(subscription)
        opened.append(subscription)
    await session.flush()
    return opened


async def of_customers(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[Subscription]:
    return await repo.of_customers(session, account_id, customer_ids)


async def get(session: AsyncSession, account_id: str, subscription_id: str) -> Subscription | None:
    return await repo.get(session, account_id, subscription_id)


async def move_open_orders_to(session: AsyncSession, customer_id: str, payment_method_id: str) -> int:
    """The customer's new card takes over their open subscriptions and payment plans."""
    return await repo.move_open_orders_to(session, customer_id, payment_method_id)
