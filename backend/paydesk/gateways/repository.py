"""SQL for the account's gateway records."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import Account, Gateway


async def of_account(session: AsyncSession, account_id: str) -> list[Gateway]:
    query = (
        select(Gateway)
        .where(Gateway.account_id == account_id)
        .order_by(col(Gateway.is_default).desc(), col(Gateway.created_at), col(Gateway.id))
    )
    return list(await session.exec(query))


async def get(session: AsyncSession, account_id: str, gateway_id: str) -> Gateway | None:
    query = select(Gateway).where(Gateway.id == gateway_id, Gateway.account_id == account_id)
    return (await session.exec(query)).first()


async def get_many(session: AsyncSession, gateway_ids: list[str]) -> list[Gateway]:
    return list(await session.exec(select(Gateway).where(col(Gateway.id).in_(gateway_ids))))


async def default(session: AsyncSession, account_id: str) -> Gateway | None:
    query = select(Gateway).where(Gateway.account_id == account_id, col(Gateway.is_default).is_(True))
    return (await session.exec(query)).first()


async def clear_default(session: AsyncSession, account_id: str) -> None:
    """Unset the account's default gateway, holding the account row so concurrent changes queue."""
    await session.exec(select(Account.id).where(Account.id == account_id).with_for_update(key_share=True))
    await session.exec(
        update(Gateway)
        .where(col(Gateway.account_id) == account_id, col(Gateway.is_default).is_(True))
        .values(is_default=False)
    )
