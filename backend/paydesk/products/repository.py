"""SQL for products."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import Product


async def get(session: AsyncSession, account_id: str, product_id: str) -> Product | None:
    return (
        await session.exec(select(Product).where(Product.id == product_id, Product.account_id == account_id))
    ).first()


async def get_many(session: AsyncSession, account_id: str, product_ids: Sequence[str]) -> list[Product]:
    query = select(Product).where(col(Product.id).in_(product_ids), Product.account_id == account_id)
    return list(await session.exec(query))


async def of_account(session: AsyncSession, account_id: str, *, include_archived: bool) -> list[Product]:
    query = select(Product).where(Product.account_id == account_id)
    if not include_archived:
        query = query.where(col(Product.archived_at).is_(None))
    return list(await session.exec(query.order_by(col(Product.name), col(Product.id))))


async def active_with_sku(session: AsyncSession, account_id: str, sku: str) -> Product | None:
    query = select(Product).where(
        Product.account_id == account_id, Product.sku == sku, col(Product.archived_at).is_(None)
    )
    return (await session.exec(query)).first()
