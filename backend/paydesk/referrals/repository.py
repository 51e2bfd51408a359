"""SQL for partners and commissions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import Commission, Partner
from paydesk.one_of import one_of


async def get(session: AsyncSession, account_id: str, partner_id: str) -> Partner | None:
    query = select(Partner).where(Partner.id == partner_id, Partner.account_id == account_id)
    return (await session.exec(query)).first()


async def get_many(session: AsyncSession, account_id: str, partner_ids: Sequence[str]) -> list[Partner]:
    query = select(Partner).where(col(Partner.id).in_(partner_ids), Partner.account_id == account_id)
    return list(await session.exec(query))


async def all_of(session: AsyncSession, account_id: str) -> list[Partner]:
    query = (
        select(Partner).where(Partner.account_id == account_id).order_by(col(Partner.name), col(Partner.id))
    )
    return list(await session.exec(query))


async def commission(session: AsyncSession, transaction_id: str) -> Commission | None:
    return await session.get(Commission, transaction_id)


async def commissions_of(
    session: AsyncSession, account_id: str, transaction_ids: Sequence[str]
) -> list[Commission]:
    query = select(Commission).where(
        one_of(col(Commission.transaction_id), transaction_ids), Commission.account_id == account_id
    )
    return list(await session.exec(query))
