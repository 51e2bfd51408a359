"""The baselines: customer details and the customers list from hand-written Starlette endpoints.

``GET /customer/{id}?first=N`` answers the same JSON as paydesk's GraphQL
customer-details query (``customer_details.DETAILS_QUERY`` with
``$first: N``) and ``GET /customers?first=N`` the same as its customers-list
query (``LIST_QUERY``): ``{"data": ...}``, read from the same database with
the same driver (SQLAlchemy async engine + aiosqlite or asyncpg) through
plain Core selects on paydesk's own table definitions: no ORM, no GraphQL,
no authentication or rate limit. They are the "hand-written Starlette
endpoint on the same driver" that STYLE.md's performance figures compare
paydesk against, doing what such an endpoint would: one select per
relation, rows turned into dicts by hand.

``GET /ping`` answers a constant: the ceiling of uvicorn plus the load
client on this machine, to tell whether a target is limited by the client.

Served by ``customer_details.py`` as ``uvicorn baseline_app:create_app --factory``;
it reads the database URL from ``BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from paydesk.models import (
    Address,
    Comment,
    Customer,
    Invoice,
    PaymentMethod,
    PaymentRequest,
    Refund,
    Subscription,
    Transaction,
    TransactionLine,
    User,
)
from paydesk.money import Money
from paydesk.pagination import Position

# The customer-details query's fixed page sizes (transactions take ?first=).
COMMENT_PAGE = 20
REQUEST_PAGE = 20
INVOICE_PAGE = 20
WAS_PAID = ("PAID", "PARTIALLY_REFUNDED", "REFUNDED")


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


customer, address, comment, user = _t(Customer), _t(Address), _t(Comment), _t(User)
card, sale, line, refund = _t(PaymentMethod), _t(Transaction), _t(TransactionLine), _t(Refund)
subscription, request_, invoice = _t(Subscription), _t(PaymentRequest), _t(Invoice)


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(minor: int, currency: str) -> dict[str, Any]:
    return {"amount": format(Money(minor, currency).amount, "f"), "currency": currency}


def _amount(minor: int, currency: str) -> dict[str, Any]:
    return {"amount": format(Money(minor, currency).amount, "f")}


def _expired(month: int | None, year: int | None, now: datetime) -> bool:
    return month is not None and year is not None and (year, month) < (now.year, now.month)


async def _count(conn: AsyncConnection, table: Table, where: Any) -> int:
    return int((await conn.execute(select(func.count()).select_from(table).where(where))).scalar_one())


async def _addresses(conn: AsyncConnection, cid: str) -> list[dict[str, Any]]:
    c = address.c
    query = select(c.id, c.line1, c.line2, c.city, c.state, c.postal_code, c.country).where(
        c.customer_id == cid
    )
    rows = await conn.execute(query.order_by(c.created_at, c.id))
    return [
        {"id": a.id, "line1": a.line1, "line2": a.line2, "city": a.city, "state": a.state,
         "postalCode": a.postal_code, "country": a.country}
        for a in rows
    ]  # fmt: skip


async def _comments(conn: AsyncConnection, cid: str) -> dict[str, Any]:
    c = comment.c
    page = (
        select(c.id, c.body, c.created_at, user.c.email)
        .outerjoin(user, user.c.id == c.author_id)
        .where(c.customer_id == cid)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(COMMENT_PAGE)
    )
    edges = [
        {"node": {"id": r.id, "body": r.body, "createdAt": _iso(r.created_at),
                  "author": {"email": r.email} if r.email is not None else None}}
        for r in await conn.execute(page)
    ]  # fmt: skip
    return {"totalCount": await _count(conn, comment, c.customer_id == cid), "edges": edges}


async def _cards(conn: AsyncConnection, cid: str, now: datetime) -> list[dict[str, Any]]:
    c = card.c
    query = (
        select(c.id, c.brand, c.last4, c.exp_month, c.exp_year, c.is_default)
        .where(c.customer_id == cid, c.removed_at.is_(None))
        .order_by(c.is_default.desc(), c.created_at.desc(), c.id.desc())
    )
    cards = [
        {"id": m.id, "brand": m.brand, "last4": m.last4, "expMonth": m.exp_month, "expYear": m.exp_year,
         "isDefault": m.is_default,
         "status": "EXPIRED" if _expired(m.exp_month, m.exp_year, now) else "ACTIVE"}
        for m in await conn.execute(query)
    ]  # fmt: skip
    # Active cards first, then expired ones (a stable sort keeps the default leading).
    return sorted(cards, key=lambda m: m["status"] == "EXPIRED")


async def _transactions(conn: AsyncConnection, cid: str, first: int) -> dict[str, Any]:
    c = sale.c
    query = (
        select(c.id, c.status, c.total, c.currency, c.transaction_date, c.created_at)
        .where(c.customer_id == cid)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(first + 1)
    )
    rows = list(await conn.execute(query))
    has_next, rows = len(rows) > first, rows[:first]
    ids = [r.id for r in rows]
    lines: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    refunds: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    currency = {r.id: r.currency for r in rows}
    if ids:
        lc = line.c
        for ln in await conn.execute(
            select(lc.transaction_id, lc.description, lc.quantity, lc.unit_price, lc.total, lc.kind)
            .where(lc.transaction_id.in_(ids))
            .order_by(lc.transaction_id, lc.position)
        ):
            cur = currency[ln.transaction_id]
            lines[ln.transaction_id].append(
                {"description": ln.description, "quantity": ln.quantity,
                 "unitPrice": _amount(ln.unit_price, cur), "total": _amount(ln.total, cur), "kind": ln.kind}
            )  # fmt: skip
        rc = refund.c
        for rf in await conn.execute(
            select(rc.id, rc.transaction_id, rc.amount, rc.currency, rc.status, rc.created_at)
            .where(rc.transaction_id.in_(ids))
            .order_by(rc.created_at, rc.id)
        ):
            refunds[rf.transaction_id].append(
                {"id": rf.id, "amount": _amount(rf.amount, rf.currency), "status": rf.status,
                 "createdAt": _iso(rf.created_at)}
            )  # fmt: skip
    cursors = [Position(r.created_at, r.id).encode() for r in rows]
    edges = [
        {"node": {"id": r.id, "status": r.status, "total": _money(r.total, r.currency),
                  "transactionDate": _iso(r.transaction_date), "lines": lines[r.id],
                  "refunds": refunds[r.id]}}
        for r in rows
    ]  # fmt: skip
    return {
        "totalCount": await _count(conn, sale, c.customer_id == cid),
        "pageInfo": {"hasNextPage": has_next, "endCursor": cursors[-1] if cursors else None},
        "edges": edges,
    }


async def _subscriptions(conn: AsyncConnection, cid: str) -> list[dict[str, Any]]:
    c = subscription.c
    query = (
        select(
            c.id, c.status, c.description, c.quantity, c.unit_price, c.currency, c.unit, c.next_charge_date
        )
        .where(c.customer_id == cid)
        .order_by(c.created_at.desc(), c.id.desc())
    )
    # The dataset has no paused order, whose next charge day paydesk works out from its resume date.
    return [
        {"id": s.id, "status": s.status, "description": s.description, "quantity": s.quantity,
         "unitPrice": _money(s.unit_price, s.currency), "unit": s.unit,
         "nextChargeDate": _iso(s.next_charge_date) if s.status != "PAUSED" else None}
        for s in await conn.execute(query)
    ]  # fmt: skip


async def _payment_requests(conn: AsyncConnection, cid: str, now: datetime) -> dict[str, Any]:
    c = request_.c
    query = (
        select(c.id, c.status, c.total, c.currency, c.created_at, c.expires_at)
        .where(c.customer_id == cid)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(REQUEST_PAGE)
    )
    edges = [
        {"node": {"id": r.id, "status": "EXPIRED" if r.status == "OPEN" and r.expires_at <= now else r.status,
                  "amount": _money(r.total, r.currency), "createdAt": _iso(r.created_at)}}
        for r in await conn.execute(query)
    ]  # fmt: skip
    return {"totalCount": await _count(conn, request_, c.customer_id == cid), "edges": edges}


async def _invoices(conn: AsyncConnection, cid: str) -> dict[str, Any]:
    c = invoice.c
    query = (
        select(c.id, c.number, c.total, c.currency, c.issued_at)
        .where(c.customer_id == cid)
        .order_by(c.issued_at.desc(), c.id.desc())
        .limit(INVOICE_PAGE)
    )
    edges = [
        {"node": {"id": i.id, "number": i.number, "total": _money(i.total, i.currency),
                  "issuedAt": _iso(i.issued_at)}}
        for i in await conn.execute(query)
    ]  # fmt: skip
    return {"totalCount": await _count(conn, invoice, c.customer_id == cid), "edges": edges}


async def customer_details(request: Request) -> Response:
    engine: AsyncEngine = request.app.state.engine
    cid = request.path_params["id"]
    first = int(request.query_params.get("first", "50"))
    now = datetime.now().astimezone()
    async with engine.connect() as conn:
        c = customer.c
        found = (
            await conn.execute(
                select(c.id, c.number, c.first_name, c.last_name, c.email, c.phone, c.created_at).where(
                    c.id == cid
                )
            )
        ).first()
        if found is None:
            return JSONResponse({"data": {"customer": None}})
        cards = await _cards(conn, cid, now)
        default = next((m for m in cards if m["isDefault"]), None)
        details = {
            "id": found.id, "number": found.number, "firstName": found.first_name,
            "lastName": found.last_name, "email": found.email, "phone": found.phone,
            "createdAt": _iso(found.created_at),
            "addresses": await _addresses(conn, cid),
            "comments": await _comments(conn, cid),
            "paymentMethods": cards,
            "defaultPaymentMethod": {k: default[k] for k in ("id", "brand", "last4")} if default else None,
            "transactions": await _transactions(conn, cid, first),
            "subscriptions": await _subscriptions(conn, cid),
            "paymentRequests": await _payment_requests(conn, cid, now),
            "invoices": await _invoices(conn, cid),
        }  # fmt: skip
    return JSONResponse({"data": {"customer": details}})


async def _default_cards(conn: AsyncConnection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    c = card.c
    query = select(c.customer_id, c.id, c.brand, c.last4, c.exp_month, c.exp_year).where(
        c.customer_id.in_(ids), c.is_default, c.removed_at.is_(None)
    )
    return {
        m.customer_id: {"id": m.id, "brand": m.brand, "last4": m.last4, "expMonth": m.exp_month,
                        "expYear": m.exp_year}
        for m in await conn.execute(query)
    }  # fmt: skip


async def _last_payments(conn: AsyncConnection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    c = sale.c
    rank = (
        func.row_number()
        .over(partition_by=c.customer_id, order_by=(c.transaction_date.desc(), c.id.desc()))
        .label("rank")
    )
    ranked = (
        select(c.id, c.customer_id, c.status, c.total, c.currency, c.transaction_date, rank)
        .where(c.customer_id.in_(ids), c.status.in_(WAS_PAID))
        .subquery()
    )
    r = ranked.c
    query = select(r.id, r.customer_id, r.status, r.total, r.currency, r.transaction_date).where(r.rank == 1)
    return {
        t.customer_id: {"id": t.id, "status": t.status, "total": _money(t.total, t.currency),
                        "transactionDate": _iso(t.transaction_date)}
        for t in await conn.execute(query)
    }  # fmt: skip


async def customers_list(request: Request) -> Response:
    engine: AsyncEngine = request.app.state.engine
    account_id = request.query_params["account"]
    first = int(request.query_params.get("first", "100"))
    async with engine.connect() as conn:
        c = customer.c
        mine = c.account_id == account_id
        query = (
            select(c.id, c.number, c.first_name, c.last_name, c.email, c.created_at)
            .where(mine)
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(first + 1)
        )
        rows = list(await conn.execute(query))
        has_next, rows = len(rows) > first, rows[:first]
        ids = [r.id for r in rows]
        cards = await _default_cards(conn, ids) if ids else {}
        paid = await _last_payments(conn, ids) if ids else {}
        total = await _count(conn, customer, and_(mine))
    cursors = [Position(r.created_at, r.id).encode() for r in rows]
    edges = [
        {"node": {"id": r.id, "number": r.number, "firstName": r.first_name, "lastName": r.last_name,
                  "email": r.email, "createdAt": _iso(r.created_at),
                  "defaultPaymentMethod": cards.get(r.id), "lastPayment": paid.get(r.id)}}
        for r in rows
    ]  # fmt: skip
    page = {"hasNextPage": has_next, "endCursor": cursors[-1] if cursors else None}
    return JSONResponse({"data": {"customers": {"totalCount": total, "pageInfo": page, "edges": edges}}})


async def ping(_request: Request) -> Response:
    return JSONResponse({"ok": True})


def create_app() -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.engine = create_async_engine(os.environ["BENCH_DATABASE_URL"])
        # The same start-up habit as paydesk's app, so neither pays for collections the other skips.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await app.state.engine.dispose()

    routes = [
        Route("/customer/{id}", customer_details, methods=["GET"]),
        Route("/customers", customers_list, methods=["GET"]),
        Route("/ping", ping, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
