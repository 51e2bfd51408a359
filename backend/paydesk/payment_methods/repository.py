"""SQL for payment methods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from paydesk.models import Customer, PaymentMethod
from paydesk.one_of import list_param, one_of
from paydesk.payment_methods.records import CardRecord


async def get(session: AsyncSession, account_id: str, payment_method_id: str) -> PaymentMethod | None:
    query = select(PaymentMethod).where(
        PaymentMethod.id == payment_method_id, PaymentMethod.account_id == account_id
    )
    return (await session.exec(query)).first()


async def of_customers(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], *, include_removed: bool
) -> list[PaymentMethod]:
    """Default first, then newest first."""
    query = select(PaymentMethod).where(
        col(PaymentMethod.customer_id).in_(customer_ids), PaymentMethod.account_id == account_id
    )
    if not include_removed:
        query = query.where(col(PaymentMethod.removed_at).is_(None))
    query = query.order_by(
        col(PaymentMethod.is_default).desc(),
        col(PaymentMethod.created_at).desc(),
        col(PaymentMethod.id).desc(),
    )
    return list(await session.exec(query))


_CARD = PaymentMethod.__table__.c  # type: ignore[attr-defined]
_CARD_COLUMNS = [getattr(_CARD, f.name) for f in fields(CardRecord)]


async def card_records_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], *, include_removed: bool
) -> list[CardRecord]:
    """``of_customers`` as plain records by a Core select (no ORM objects): for the API's pages."""
    values = {"account_id": account_id, "customer_ids": list(customer_ids)}
    rows = await session.exec(_card_records(include_removed), params=values)
    return [CardRecord(*row) for row in rows]


@cache
def _card_records(include_removed: bool) -> Any:
    """Built once per shape: a statement object keeps its cache key (one built per call costs about as
    much again as running it, on the Python side)."""
    query: Any = Select(*_CARD_COLUMNS).where(
        one_of(_CARD.customer_id, list_param("customer_ids")),
        _CARD.account_id == bindparam("account_id"),
    )
    if not include_removed:
        query = query.where(_CARD.removed_at.is_(None))
    return query.order_by(_CARD.is_default.desc(), _CARD.created_at.desc(), _CARD.id.desc())


async def active_with_fingerprint(
    session: AsyncSession, customer_id: str, fingerprint: str
) -> PaymentMethod | None:
    query = select(PaymentMethod).where(
        PaymentMethod.customer_id == customer_id,
        PaymentMethod.fingerprint == fingerprint,
        col(PaymentMethod.removed_at).is_(None),
    )
    return (await session.exec(query)).first()


async def active_with_token(
    session: AsyncSession, customer_id: str, gateway_id: str, gateway_token: str
) -> PaymentMethod | None:
    query = select(PaymentMethod).where(
        PaymentMethod.customer_id == customer_id,
        PaymentMethod.gateway_id == gateway_id,
        PaymentMethod.gateway_token == gateway_token,
        col(PaymentMethod.removed_at).is_(None),
    )
    return (await session.exec(query)).first()


async def lock_customer(session: AsyncSession, customer_id: str) -> None:
    """Serialize changes to one customer's default card (FOR UPDATE; SQLite writers queue anyway)."""
    await session.exec(select(Customer.id).where(Customer.id == customer_id).with_for_update(key_share=True))


async def default_of(session: AsyncSession, customer_id: str) -> PaymentMethod | None:
    query = select(PaymentMethod).where(
        PaymentMethod.customer_id == customer_id, col(PaymentMethod.is_default).is_(True)
    )
    return (await session.exec(query)).first()


async def newest_active(session: AsyncSession, customer_id: str, *, excluding: str) -> list[PaymentMethod]:
    query = (
        select(PaymentMethod)
        .where(
            PaymentMethod.customer_id == customer_id,
            col(PaymentMethod.removed_at).is_(None),
            PaymentMethod.id != excluding,
        )
        .order_by(col(PaymentMethod.created_at).desc(), col(PaymentMethod.id).desc())
    )
    return list(await session.exec(query))


async def clear_default(session: AsyncSession, customer_id: str) -> None:
    await session.exec(
        update(PaymentMethod)
        .where(col(PaymentMethod.customer_id) == customer_id, col(PaymentMethod.is_default).is_(True))
        .values(is_default=False)
    )
