"""Client idempotency keys for mutations that move money (DESIGN.md, Money movement).

A key is scoped to the account and the mutation. The first call claims it
in a committed row of its own, so every process sees the claim. Then:

- the same key with the same parsed input returns the first call's result
  (the row points at it as soon as there is one: the PENDING transaction
  written before the gateway is called), waiting a few seconds while the
  first call is still finishing;
- the same key with other input is IDEMPOTENCY_KEY_REUSED;
- a call that ended in userErrors releases the key, so a corrected retry
  goes through;
- a claim whose call died before producing anything is taken over after a
  minute, so a crash never blocks a key for good.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.clock import utcnow
from paydesk.db import SessionFactory
from paydesk.errors import DomainError, ErrorCode, fail
from paydesk.models import IdempotencyRecord
from paydesk.one_of import one_of
from paydesk.unit_of_work import bind, discard_phase, end_phase, unit_of_work

T = TypeVar("T")

MAX_KEY_LENGTH = 255
# How long a duplicate waits for the first call to finish before IDEMPOTENCY_KEY_IN_USE.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
# A claim with no result this old belongs to a call that died; it may be taken over.
ABANDONED_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Claim:
    """Either ours to run (record_id) or already answered (result_id)."""

    record_id: str | None = None
    result_id: str | None = None


def fingerprint(payload: Mapping[str, Any]) -> str:
    """A hash of parsed input: decimals compare by value ("49.00" == 49), omitted equals null."""

    def canonical(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value.normalize()) if value.is_finite() else str(value)
        if isinstance(value, Mapping):
            return {k: canonical(v) for k, v in sorted(value.items()) if v is not None}
        if isinstance(value, list | tuple):
            return [canonical(v) for v in value]
        return value

    text = json.dumps(canonical(payload), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def claim(
    sessions: SessionFactory, account_id: str, scope: str, key: str, payload: Mapping[str, Any]
) -> Claim:
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise fail(
            ErrorCode.INVALID,
            f"An idempotency key has 1 to {MAX_KEY_LENGTH} characters.",
            ("idempotency_key",),
        )
    digest = fingerprint(payload)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        async with sessions() as db:
            bind(db)  # the claim is its own unit of work, committed before the call it guards runs
            query = select(IdempotencyRecord).where(
                IdempotencyRecord.account_id == account_id,
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
            )
            record = (await db.exec(query)).first()
            if record is None:
                record = IdempotencyRecord(
                    id=ids.new_id(ids.IDEMPOTENCY),
                    account_id=account_id,
                    scope=scope,
                    key=key,
                    request_hash=digest,
                )
                db.add(record)
                try:
                    await end_phase(db, "claimed")
                except IntegrityError:
                    await discard_phase(db)
                    continue  # another call claimed it a moment ago: answer as a duplicate
                return Claim(record_id=record.id)
            if record.request_hash != digest:
                raise fail(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key was used with other input.",
                    ("idempotency_key",),
                )
            if record.completed_at is not None and record.result_id is not None:
                return Claim(result_id=record.result_id)
            if record.result_id is None and utcnow() - record.created_at > ABANDONED_AFTER:
                record.created_at = utcnow()
                db.add(record)
                await end_phase(db, "reclaimed")
                return Claim(record_id=record.id)
            result_id = record.result_id
        if time.monotonic() >= deadline:
            if result_id is not None:
                return Claim(
                    result_id=result_id
                )  # the first call's result exists, still settling: that is the answer
            raise fail(
                ErrorCode.IDEMPOTENCY_KEY_IN_USE,
                "A call with this key is still running; retry shortly.",
                ("idempotency_key",),
            )
        await asyncio.sleep(POLL_SECONDS)


async def run_once(
    session: AsyncSession,
    sessions: SessionFactory,
    account_id: str,
    scope: str,
    key: str | None,
    payload: Mapping[str, Any],
    run: Callable[[str | None], Awaitable[T]],
    load: Callable[[str], Awaitable[T]],
) -> T:
    """Run ``run(claim id)`` once per key, or ``load`` the first call's result.

    ``run`` points the claim at its result with ``attach``. A DomainError out
    of ``run`` rolls back and releases the claim, unless ``run`` already
    attached a result that stands (a refund the gateway refused is released
    by its caller with ``release(..., force=True)``).
    """
    if key is None:
        return await run(None)
    found = await claim(sessions, account_id, scope, key, payload)
    if found.result_id is not None:
        return await load(found.result_id)
    assert found.record_id is not None
    try:
        return await run(found.record_id)
    except DomainError:
        await session.rollback()
        await release(sessions, found.record_id)
        raise


async def attach(session: AsyncSession, record_id: str, result_id: str, *, completed: bool) -> None:
    """Point the claim at its result, in the caller's transaction (so it commits with the result)."""
    values: dict[str, Any] = {"result_id": result_id}
    if completed:
        values["completed_at"] = utcnow()
    await session.exec(
        update(IdempotencyRecord).where(col(IdempotencyRecord.id) == record_id).values(**values)
    )


async def release(sessions: SessionFactory, record_id: str, *, force: bool = False) -> None:
    """Forget a claim whose call ended in userErrors, so a corrected retry goes through.

    A claim already pointing at a result is kept (that result stands), unless
    ``force``: the caller knows the result was a failure that moved no money.
    """
    where = [col(IdempotencyRecord.id) == record_id]
    if not force:
        where.append(col(IdempotencyRecord.result_id).is_(None))
    async with unit_of_work(sessions, "released") as db:
        await db.exec(delete(IdempotencyRecord).where(*where))


async def complete_for(session: AsyncSession, result_ids: Sequence[str]) -> None:
    """Mark answered every claim waiting on one of ``result_ids`` (e.g. sales settled by reconciliation)."""
    await session.exec(
        update(IdempotencyRecord)
        .where(
            one_of(col(IdempotencyRecord.result_id), result_ids),
            col(IdempotencyRecord.completed_at).is_(None),
        )
        .values(completed_at=utcnow())
    )
