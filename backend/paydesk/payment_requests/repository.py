"""SQL for payment requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from paydesk.models import PaymentRequest, Transaction
from paydesk.pagination import Page, PageRequest, newer_first_after
from paydesk.payment_requests.records import RequestRecord

_REQUEST = PaymentRequest.__table__.c  # type: ignore[attr-defined]
_REQUEST_COLUMNS = [getattr(_REQUEST, f.name) for f in fields(RequestRecord)]


async def get(session: AsyncSession, account_id: str, request_id: str) -> PaymentRequest | None:
    query = select(PaymentRequest).where(
        PaymentRequest.id == request_id, PaymentRequest.account_id == account_id
    )
    return (await session.exec(query)).first()


async def get_many(
    session: AsyncSession, account_id: str, request_ids: Sequence[str]
) -> list[PaymentRequest]:
    query = select(PaymentRequest).where(
        col(PaymentRequest.id).in_(request_ids), PaymentRequest.account_id == account_id
    )
    return list(await session.exec(query))


async def lock(session: AsyncSession, account_id: str, request_id: str) -> PaymentRequest | None:
    query = (
        select(PaymentRequest)
        .where(PaymentRequest.id == request_id, PaymentRequest.account_id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def lock_any(session: AsyncSession, request_id: str) -> PaymentRequest | None:
    query = (
        select(PaymentRequest)
        .where(PaymentRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def by_token_hash(
    session: AsyncSession, token_hash: str, *, lock: bool = False
) -> PaymentRequest | None:
    query = select(PaymentRequest).where(PaymentRequest.token_hash == token_hash)
    if lock:
        query = query.with_for_update()
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def page(
    session: AsyncSession, account_id: str, customer_id: str, request: PageRequest
) -> tuple[list[RequestRecord], int]:
    """A customer's requests, newest first; one row more than asked, and the total.

    Plain records by a Core select (no ORM objects): only the API's pages read them."""
    if request.after is None:
        # The first page carries the total as a window count over the customer's requests: one
        # statement. (After a cursor the window would count only what follows it.)
        values = {"account_id": account_id, "customer_id": customer_id, "limit": request.first + 1}
        found = list(await session.exec(_FIRST_PAGE, params=values))
        return [RequestRecord(*row[:-1]) for row in found], int(found[0][-1]) if found else 0
    where = [_REQUEST.account_id == account_id, _REQUEST.customer_id == customer_id]
    query: Any = Select(*_REQUEST_COLUMNS).where(*where)
    query = query.where(newer_first_after(_REQUEST.created_at, _REQUEST.id, request.after))
    query = query.order_by(_REQUEST.created_at.desc(), _REQUEST.id.desc()).limit(request.first + 1)
    rows = [RequestRecord(*row) for row in await session.exec(query)]
    total = (await session.exec(select(func.count()).select_from(PaymentRequest).where(*where))).one()
    return rows, int(total)


# Built once: a statement object keeps its cache key, where one built per call costs about as much again
# as running it, on the Python side (a customer page reads it every time). Values are bound.
_FIRST_PAGE: Any = (
    Select(*_REQUEST_COLUMNS, func.count().over())
    .where(_REQUEST.account_id == bindparam("account_id"), _REQUEST.customer_id == bindparam("customer_id"))
    .order_by(_REQUEST.created_at.desc(), _REQUEST.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


async def pages_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], request: PageRequest
) -> list[Page[RequestRecord]]:
    """First pages for several customers (a query each: a customer page shows one)."""
    pages = []
    for customer_id in customer_ids:
        rows, total = await page(session, account_id, customer_id, request)
        pages.append(Page(rows[: request.first], len(rows) > request.first, False, total))
    return pages


async def mark_paid_by_sales(session: AsyncSession, now: datetime) -> list[str]:
    """OPEN requests whose sale, left waiting for its gateway, has since been paid become PAID."""
    paid = select(Transaction.id).where(col(Transaction.status) == "PAID")
    statement = (
        update(PaymentRequest)
        .where(col(PaymentRequest.status) == "OPEN", col(PaymentRequest.transaction_id).in_(paid))
        .values(status="PAID", paid_at=now)
        .returning(col(PaymentRequest.id))
    )
    return [row[0] for row in await session.exec(statement)]


async def expire_before(session: AsyncSession, now: datetime) -> list[str]:
    """OPEN requests past their expiry become EXPIRED, except one whose sale still waits for its gateway."""
    waiting = select(Transaction.id).where(col(Transaction.status) == "PENDING")
    statement = (
        update(PaymentRequest)
        .where(
            col(PaymentRequest.status) == "OPEN",
            col(PaymentRequest.expires_at) <= now,
            or_(
                col(PaymentRequest.transaction_id).is_(None),
                col(PaymentRequest.transaction_id).not_in(waiting),
            ),
        )
        .values(status="EXPIRED")
        .returning(col(PaymentRequest.id))
    )
    return [row[0] for row in await session.exec(statement)]


async def by_ids_any(session: AsyncSession, request_ids: Sequence[str]) -> list[PaymentRequest]:
    """Requests of any account by id, read fresh (for the jobs that changed them in bulk)."""
    if not request_ids:
        return []
    query = select(PaymentRequest).where(col(PaymentRequest.id).in_(request_ids))
    return list(await session.exec(query.execution_options(populate_existing=True)))
