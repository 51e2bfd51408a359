"""Claiming outbox rows (emails, webhook attempts): each due row is taken by one worker at a time.

A row is due while PENDING, its ``next_attempt_at`` has come and no live
claim holds it. A conditional update takes each one, so of two workers only
one gets it (on PostgreSQL ``SKIP LOCKED`` keeps them off each other's rows
as well); a worker that dies leaves its claim to run out after ``claim_for``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, or_, update
from sqlmodel import col, select

from paydesk.db import SessionFactory
from paydesk.unit_of_work import unit_of_work

PENDING = "PENDING"


class Claimable(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def next_attempt_at(self) -> datetime | None: ...
    @property
    def claimed_until(self) -> datetime | None: ...


Row = TypeVar("Row", bound=Claimable)


async def claim_due(
    sessions: SessionFactory,
    model: type[Row],
    now: datetime,
    *,
    limit: int,
    claim_for: timedelta,
    **values: Any,
) -> list[Row]:
    """Up to ``limit`` due rows of ``model``, oldest due first, claimed until ``now + claim_for``;
    ``values`` are set on each claimed row too (e.g. its attempt count)."""
    table: Any = model
    due = (
        col(table.status) == PENDING,
        col(table.next_attempt_at) <= now,
        or_(col(table.claimed_until).is_(None), col(table.claimed_until) < now),
    )
    claimed: list[Row] = []
    async with unit_of_work(sessions, "claimed") as db:
        query = (
            select(table.id)
            .where(*due)
            .order_by(col(table.next_attempt_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        for row_id in list(await db.exec(query)):
            taken = await db.exec(
                update(table)
                .where(col(table.id) == row_id, *due)
                .values(claimed_until=now + claim_for, **values)
            )
            if taken.rowcount == 1:
                row = await db.get(model, row_id, populate_existing=True)
                assert row is not None
                claimed.append(row)
    return claimed


async def next_due(sessions: SessionFactory, model: type[Row], now: datetime) -> datetime | None:
    """When the soonest PENDING row of ``model`` that no live claim holds is due (one indexed read);
    None when none waits. A worker sleeps until then rather than until its next pass."""
    table: Any = model
    async with sessions() as db:
        query = select(func.min(col(table.next_attempt_at))).where(
            col(table.status) == PENDING,
            or_(col(table.claimed_until).is_(None), col(table.claimed_until) < now),
        )
        found: datetime | None = (await db.exec(query)).one()
    return found
