"""SQL for saved offers and their lines."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import Offer, OfferLine


async def get(session: AsyncSession, account_id: str, offer_id: str) -> Offer | None:
    return (
        await session.exec(select(Offer).where(Offer.id == offer_id, Offer.account_id == account_id))
    ).first()


async def of_account(session: AsyncSession, account_id: str, *, include_archived: bool) -> list[Offer]:
    query = select(Offer).where(Offer.account_id == account_id)
    if not include_archived:
        query = query.where(col(Offer.archived_at).is_(None))
    return list(await session.exec(query.order_by(col(Offer.name), col(Offer.id))))


async def lines_of(session: AsyncSession, offer_ids: Sequence[str]) -> list[OfferLine]:
    query = (
        select(OfferLine)
        .where(col(OfferLine.offer_id).in_(offer_ids))
        .order_by(col(OfferLine.offer_id), col(OfferLine.position))
    )
    return list(await session.exec(query))
