"""What voiding a sale does besides making it VOIDED, computed once for the void and for its preview.

A voided sale never happened, so it gives back what it took: its coupon's
use, its referral commission, and the open orders (subscriptions, payment
plans) that it opened and that nothing else has paid for since, which end
with it (a plan's unpaid balance is forgiven). ``void_effects`` reads these;
``apply`` makes them so; ``voidPreview`` shows the same object, so what the
portal says a void will do is exactly what the void does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.clock import utcnow
from paydesk.coupons import service as coupons
from paydesk.models import Coupon, Subscription, Transaction
from paydesk.referrals import repository as commissions
from paydesk.referrals import service as referrals
from paydesk.subscriptions import service as orders


@dataclass(frozen=True)
class EndingOrder:
    """An open order that ends with the void, and the plan balance it forgives (0 for a subscription)."""

    order: Subscription
    balance_forgiven: int


@dataclass(frozen=True)
class VoidEffects:
    ending: list[EndingOrder]
    coupon: Coupon | None
    # The commission owed now, which becomes zero; None when the sale earns none.
    commission: int | None

    @property
    def balance_forgiven(self) -> int:
        return sum(order.balance_forgiven for order in self.ending)


def _ends_with(sale: Transaction) -> list[ColumnElement[bool]]:
    """Open orders ``sale`` opened that nothing else has paid for since: they end with its void."""
    return [
        col(Subscription.origin_transaction_id) == sale.id,
        col(Subscription.periods_billed) <= 1,
        col(Subscription.status).in_(orders.OPEN),
    ]


async def void_effects(session: AsyncSession, sale: Transaction) -> VoidEffects:
    """What voiding ``sale`` would give back and end, as of now; nothing is written."""
    query = select(Subscription).where(*_ends_with(sale)).order_by(col(Subscription.id))
    ending = [EndingOrder(order, _balance(order)) for order in await session.exec(query)]
    coupon = await session.get(Coupon, sale.coupon_id) if sale.coupon_id is not None else None
    commission = await commissions.commission(session, sale.id)
    return VoidEffects(ending, coupon, commission.amount if commission is not None else None)


def _balance(order: Subscription) -> int:
    return orders.balance_left(order, as_scheduled=True) or 0


async def apply(session: AsyncSession, sale: Transaction, effects: VoidEffects) -> list[Subscription]:
    """Give back and end what ``effects`` lists; the open orders that ended. The caller commits.

    The orders end in one statement that checks again that nothing else paid for them (the runner may
    have charged one since ``void_effects`` read it), so a paid order is never cancelled by a void.
    """
    if effects.coupon is not None:
        await coupons.release(session, effects.coupon.id, transaction_id=sale.id)
    await referrals.follow_refunds(session, sale, refunded=sale.total)
    if not effects.ending:
        return []
    now = utcnow()
    ended = await session.exec(
        update(Subscription)
        .where(col(Subscription.id).in_([e.order.id for e in effects.ending]), *_ends_with(sale))
        .values(
            status=orders.Status.CANCELLED,
            cancelled_at=now,
            next_charge_date=None,
            due_at=None,
            dunning_attempts=0,
            dunning_since=None,
            updated_at=now,
        )
        .returning(col(Subscription.id))
    )
    ended_ids = [row[0] for row in ended]
    await session.flush()
    rows = await session.exec(
        select(Subscription)
        .where(col(Subscription.id).in_(ended_ids))
        .execution_options(populate_existing=True)
    )
    return list(rows)
