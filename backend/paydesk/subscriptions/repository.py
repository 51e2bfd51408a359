"""SQL for subscriptions and payment plans."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import Subscription


async def of_customers(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[Subscription]:
    query = (
        select(Subscription)
        .where(col(Subscription.customer_id).in_(customer_ids), Subscription.account_id == account_id)
        .order_by(col(Subscription.created_at).desc(), col(Subscription.id).desc())
    )
    return list(await session.exec(query))


async def get(session: AsyncSession, account_id: str, subscription_id: str) -> Subscription | None:
    query = select(Subscription).where(
        Subscription.id == subscription_id, Subscription.account_id == account_id
    )
    return (await session.exec(query)).first()
