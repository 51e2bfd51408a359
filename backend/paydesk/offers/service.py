"""Saved offers: a named, immutable product grid in one currency.

An offer never changes once saved, so every sale that used it stays
explained; archiving takes it out of the pickers while it keeps resolving
by id.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, Problems, not_found
from paydesk.models import Offer, OfferLine
from paydesk.money import is_currency
from paydesk.offers import repository as repo
from paydesk.offers.lines import LineInput, check_lines, product_ids
from paydesk.products import repository as products
from paydesk.validation import clean_required


async def save_offer(
    session: AsyncSession, principal: Principal, *, name: str, currency: str, lines: Sequence[LineInput]
) -> Offer:
    problems = Problems()
    clean_name = clean_required(problems, name, ("name",), max_length=200, label="Name")
    code = currency.strip().upper()
    if not is_currency(code):
        problems.add(
            ErrorCode.INVALID, f"{currency!r} is not an ISO 4217 currency with a minor unit.", ("currency",)
        )
        problems.raise_any()
    found = await products.get_many(session, principal.account_id, product_ids(lines))
    checked = check_lines(problems, lines, code, {p.id: p for p in found})
    problems.raise_any()
    offer = Offer(
        id=ids.new_id(ids.OFFER),
        account_id=principal.account_id,
        name=clean_name,
        currency=code,
        created_by_id=principal.user_id,
    )
    session.add(offer)
    await session.flush()
    for position, line in enumerate(checked):
        session.add(
            OfferLine(
                offer_id=offer.id,
                position=position,
                product_id=line.product_id,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                kind=line.kind.value,
                unit=line.unit.value if line.unit else None,
                payment_count=line.payment_count,
                first_payment=line.first_payment,
            )
        )
    await session.flush()
    return offer


async def archive_offer(session: AsyncSession, principal: Principal, offer_id: str) -> Offer:
    offer = await repo.get(session, principal.account_id, offer_id)
    if offer is None:
        raise not_found("offer", ("offer_id",))
    if offer.archived_at is None:
        offer.archived_at = utcnow()
        session.add(offer)
        await session.flush()
    return offer


async def get_offer(session: AsyncSession, principal: Principal, offer_id: str) -> Offer | None:
    return await repo.get(session, principal.account_id, offer_id)


async def list_offers(
    session: AsyncSession, principal: Principal, *, include_archived: bool = False
) -> list[Offer]:
    return await repo.of_account(session, principal.account_id, include_archived=include_archived)


async def lines_of(session: AsyncSession, offer_ids: Sequence[str]) -> list[OfferLine]:
    """Lines of offers already scoped to the caller's account."""
    return await repo.lines_of(session, offer_ids)
