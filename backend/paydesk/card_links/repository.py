"""SQL for card tokenization links."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import CardTokenizationLink


async def get(session: AsyncSession, account_id: str, link_id: str) -> CardTokenizationLink | None:
    query = select(CardTokenizationLink).where(
        CardTokenizationLink.id == link_id, CardTokenizationLink.account_id == account_id
    )
    return (await session.exec(query)).first()


async def by_token_hash(session: AsyncSession, token_hash: str) -> CardTokenizationLink | None:
    query = select(CardTokenizationLink).where(CardTokenizationLink.token_hash == token_hash)
    return (await session.exec(query)).first()


async def of_customers(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[CardTokenizationLink]:
    query = (
        select(CardTokenizationLink)
        .where(
            col(CardTokenizationLink.customer_id).in_(customer_ids),
            CardTokenizationLink.account_id == account_id,
        )
        .order_by(col(CardTokenizationLink.created_at).desc(), col(CardTokenizationLink.id).desc())
    )
    return list(await session.exec(query))


async def count_failure(session: AsyncSession, link_id: str) -> None:
    """One more failed attempt, counted in the database so concurrent tries cannot lose any."""
    column = col(CardTokenizationLink.failed_attempts)
    await session.exec(
        update(CardTokenizationLink)
        .where(col(CardTokenizationLink.id) == link_id)
        .values(failed_attempts=column + 1)
    )
