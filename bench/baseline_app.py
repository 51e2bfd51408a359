"""The baseline: customer details from a hand-written Starlette endpoint on paydesk's own driver.

``GET /customer/{id}`` answers the same JSON as paydesk's GraphQL
customer-details query (``{"data": {"customer": ...}}``), read from the same
SQLite file through the same driver (SQLAlchemy async engine + aiosqlite)
with plain Core selects: no ORM, no GraphQL, no authentication or rate
limit. It is the "hand-written Starlette endpoint on the same driver" that
STYLE.md's performance figures compare paydesk against.

``GET /ping`` answers a constant: the ceiling of uvicorn plus the load
client on this machine, to tell whether a target is limited by the client.

Served by ``customer_details.py`` as ``uvicorn baseline_app:create_app --factory``;
it reads the database URL from ``BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String, Table, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# The graphql query asks for comments(first: 20).
COMMENT_PAGE = 20

metadata = MetaData()
customer = Table(
    "customer",
    metadata,
    Column("id", String, primary_key=True),
    Column("first_name", String),
    Column("last_name", String),
    Column("email", String),
    Column("phone", String),
    Column("created_at", DateTime),
)
address = Table(
    "address",
    metadata,
    Column("id", String, primary_key=True),
    Column("customer_id", String),
    Column("line1", String),
    Column("city", String),
    Column("country", String),
    Column("created_at", DateTime),
)
comment = Table(
    "comment",
    metadata,
    Column("id", String, primary_key=True),
    Column("customer_id", String),
    Column("author_id", String),
    Column("body", String),
    Column("created_at", DateTime),
)
user = Table("user", metadata, Column("id", String, primary_key=True), Column("email", String))


def _iso(value: datetime) -> str:
    """SQLite keeps paydesk's UTC times naive; GraphQL's DateTime is their isoformat with +00:00."""
    return value.replace(tzinfo=UTC).isoformat()


async def _customer(conn: AsyncConnection, customer_id: str) -> RowMapping | None:
    query = select(
        customer.c.id,
        customer.c.first_name,
        customer.c.last_name,
        customer.c.email,
        customer.c.phone,
        customer.c.created_at,
    ).where(customer.c.id == customer_id)
    return (await conn.execute(query)).mappings().first()


async def _addresses(conn: AsyncConnection, customer_id: str) -> list[dict[str, Any]]:
    query = (
        select(address.c.id, address.c.line1, address.c.city, address.c.country)
        .where(address.c.customer_id == customer_id)
        .order_by(address.c.created_at, address.c.id)
    )
    return [
        {"id": a.id, "line1": a.line1, "city": a.city, "country": a.country}
        for a in await conn.execute(query)
    ]


async def _comments(conn: AsyncConnection, customer_id: str) -> dict[str, Any]:
    count = select(func.count()).select_from(comment).where(comment.c.customer_id == customer_id)
    page = (
        select(comment.c.id, comment.c.body, comment.c.created_at, user.c.email)
        .outerjoin(user, user.c.id == comment.c.author_id)
        .where(comment.c.customer_id == customer_id)
        .order_by(comment.c.created_at.desc(), comment.c.id.desc())
        .limit(COMMENT_PAGE)
    )
    total = (await conn.execute(count)).scalar_one()
    edges = [
        {
            "node": {
                "id": c.id,
                "body": c.body,
                "createdAt": _iso(c.created_at),
                "author": {"email": c.email} if c.email is not None else None,
            }
        }
        for c in await conn.execute(page)
    ]
    return {"totalCount": total, "edges": edges}


async def customer_details(request: Request) -> Response:
    engine: AsyncEngine = request.app.state.engine
    customer_id = request.path_params["id"]
    async with engine.connect() as conn:
        found = await _customer(conn, customer_id)
        if found is None:
            return JSONResponse({"data": {"customer": None}})
        details = {
            "id": found["id"],
            "firstName": found["first_name"],
            "lastName": found["last_name"],
            "email": found["email"],
            "phone": found["phone"],
            "createdAt": _iso(found["created_at"]),
            "addresses": await _addresses(conn, customer_id),
            "comments": await _comments(conn, customer_id),
        }
    return JSONResponse({"data": {"customer": details}})


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
        Route("/ping", ping, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
