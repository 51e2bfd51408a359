"""Rate limits counted in GraphQL operations, not HTTP requests.

A request costs one per query and one per root field of a mutation, and is
refused whole when it would cross the limit. Three storages:

- memory: the ``limits`` moving window, for one serving process;
- redis:  the same moving window in Redis, shared by many processes;
- database: a fixed window counter row per key and minute, updated
  atomically with one upsert that only applies while under the limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from paydesk.models import RateLimitCounter


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int


class RateLimiter(Protocol):
    async def hit(self, key: str, rate: str, cost: int) -> Decision: ...

    # Counters and locks with their own expiry, in the same storage (sign-in throttling).
    async def incr(self, key: str, expiry: int) -> int: ...

    async def lock(self, key: str, seconds: int) -> None: ...

    async def locked_for(self, key: str) -> int: ...

    async def clear(self, key: str) -> None: ...


class WindowLimiter:
    """A moving window over a ``limits`` storage (memory or Redis)."""

    def __init__(self, uri: str) -> None:
        self.storage: MemoryStorage | RedisStorage = (
            MemoryStorage() if uri == "memory" else RedisStorage(f"async+{uri}")
        )
        self.strategy = MovingWindowRateLimiter(self.storage)

    async def hit(self, key: str, rate: str, cost: int) -> Decision:
        item = parse(rate)
        allowed = await self.strategy.hit(item, key, cost=cost) if cost <= item.amount else False
        stats = await self.strategy.get_window_stats(item, key)
        reset_after = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(allowed, item.amount, stats.remaining, reset_after)

    async def incr(self, key: str, expiry: int) -> int:
        """Count one more in a window of ``expiry`` seconds that starts with the first."""
        return int(await self.storage.incr(key, expiry))

    async def lock(self, key: str, seconds: int) -> None:
        await self.storage.clear(key)
        await self.storage.incr(key, seconds)

    async def locked_for(self, key: str) -> int:
        if not await self.storage.get(key):
            return 0
        return max(0, math.ceil(await self.storage.get_expiry(key) - time.time()))

    async def clear(self, key: str) -> None:
        await self.storage.clear(key)


class DatabaseLimiter:
    """A fixed window in the ``rate_limit_counter`` table, for many processes without Redis."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def hit(self, key: str, rate: str, cost: int) -> Decision:
        item = parse(rate)
        window = item.get_expiry()
        now = time.time()
        start = int(now // window * window)
        reset_after = max(1, math.ceil(start + window - now))
        if cost > item.amount:
            return Decision(False, item.amount, await self._remaining(key, start, item), reset_after)
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        upsert = insert(table).values(key=key, window_start=start, count=cost)
        statement = upsert.on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"count": table.c.count + cost},
            where=table.c.count + cost <= item.amount,
        ).returning(table.c.count)
        async with self.engine.begin() as conn:
            counted = (await conn.execute(statement)).scalar_one_or_none()
            if counted is not None and counted == cost:
                # First hit of a new window: drop this key's finished windows.
                await conn.execute(
                    delete(table).where(col(table.c.key) == key, col(table.c.window_start) < start)
                )
        if counted is None:
            return Decision(False, item.amount, await self._remaining(key, start, item), reset_after)
        return Decision(True, item.amount, item.amount - counted, reset_after)

    # Counters and locks: one row per key whose window_start holds when it expires (epoch seconds).

    async def incr(self, key: str, expiry: int) -> int:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        now = int(time.time())
        async with self.engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.key == key, table.c.window_start <= now))
            row = (
                await conn.execute(select(table.c.window_start, table.c.count).where(table.c.key == key))
            ).first()
            if row is None:
                # Whole seconds, rounded up: a window is never shorter than asked.
                until = math.ceil(time.time()) + expiry
                await conn.execute(table.insert().values(key=key, window_start=until, count=1))
                return 1
            await conn.execute(table.update().where(table.c.key == key).values(count=table.c.count + 1))
            return int(row[1]) + 1

    async def lock(self, key: str, seconds: int) -> None:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        async with self.engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.key == key))
            await conn.execute(
                table.insert().values(key=key, window_start=math.ceil(time.time()) + seconds, count=1)
            )

    async def locked_for(self, key: str) -> int:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        async with self.engine.connect() as conn:
            until = (
                await conn.execute(select(table.c.window_start).where(table.c.key == key))
            ).scalar_one_or_none()
        return max(0, math.ceil(until - time.time())) if until is not None else 0

    async def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        async with self.engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.key == key))

    async def _remaining(self, key: str, start: int, item: RateLimitItem) -> int:
        table = RateLimitCounter.__table__  # type: ignore[attr-defined]
        async with self.engine.connect() as conn:
            query = select(table.c.count).where(table.c.key == key, table.c.window_start == start)
            counted = (await conn.execute(query)).scalar_one_or_none()
        return max(0, item.amount - (counted or 0))


def make_limiter(storage: str, engine: AsyncEngine) -> RateLimiter:
    return DatabaseLimiter(engine) if storage == "database" else WindowLimiter(storage)
