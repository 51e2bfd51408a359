"""SQL for coupons and their redemptions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import Coupon, CouponRedemption


async def get(session: AsyncSession, account_id: str, coupon_id: str) -> Coupon | None:
    query = select(Coupon).where(Coupon.id == coupon_id, Coupon.account_id == account_id)
    return (await session.exec(query)).first()


async def get_many(session: AsyncSession, account_id: str, coupon_ids: Sequence[str]) -> list[Coupon]:
    query = select(Coupon).where(col(Coupon.id).in_(coupon_ids), Coupon.account_id == account_id)
    return list(await session.exec(query))


async def with_code_key(session: AsyncSession, account_id: str, code_key: str) -> Coupon | None:
    query = select(Coupon).where(Coupon.account_id == account_id, Coupon.code_key == code_key)
    return (await session.exec(query)).first()


async def take_redemption(session: AsyncSession, coupon_id: str) -> bool:
    """Count one redemption unless the cap is reached, in one statement; False when it was.

    The database checks the cap and bumps the counter together (PostgreSQL
    re-checks the WHERE clause after waiting for a concurrent writer's row
    lock; SQLite writers queue), so concurrent redemptions never pass the cap.
    A Coupon already loaded in the session is refreshed from RETURNING.
    """
    times = col(Coupon.times_redeemed)
    cap = col(Coupon.max_redemptions)
    statement = (
        update(Coupon)
        .where(col(Coupon.id) == coupon_id, or_(cap.is_(None), times < cap))
        .values(times_redeemed=times + 1)
        .returning(times)
        .execution_options(synchronize_session="fetch")
    )
    return (await session.exec(statement)).first() is not None


async def give_back(session: AsyncSession, coupon_id: str, transaction_id: str) -> bool:
    """Undo a sale's redemption (its charge did not go through); False when it had none."""
    statement = delete(CouponRedemption).where(
        col(CouponRedemption.coupon_id) == coupon_id, col(CouponRedemption.transaction_id) == transaction_id
    )
    removed = (await session.exec(statement)).rowcount
    if removed:
        times = col(Coupon.times_redeemed)
        await session.exec(update(Coupon).where(col(Coupon.id) == coupon_id).values(times_redeemed=times - 1))
    return bool(removed)


async def redemptions_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[CouponRedemption]:
    """Redemptions by these customers of the account's coupons, newest first."""
    query = (
        select(CouponRedemption)
        .join(Coupon, col(Coupon.id) == col(CouponRedemption.coupon_id))
        .where(Coupon.account_id == account_id, col(CouponRedemption.customer_id).in_(customer_ids))
        .order_by(col(CouponRedemption.created_at).desc(), col(CouponRedemption.transaction_id).desc())
    )
    return list(await session.exec(query))
