"""The one-trip aiosqlite cursor (paydesk.sqlite_cursor) answers as SQLAlchemy's own cursor does: rows,
descriptions, row counts, last row ids, RETURNING, executemany, errors and rollbacks, on two engines from
``paydesk.db.create_engine``, one of them given SQLAlchemy's own connection class back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, exc, text
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from paydesk.db import create_engine
from paydesk.sqlite_cursor import OneTripConnection


async def _script(engine: AsyncEngine) -> list[Any]:
    seen: list[Any] = []
    async with engine.connect() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)"))
        inserted = await conn.execute(text("INSERT INTO t (name, n) VALUES ('a', 1)"))
        seen.append((inserted.rowcount, inserted.lastrowid))
        many = await conn.execute(
            text("INSERT INTO t (name, n) VALUES (:name, :n)"), [{"name": f"m{i}", "n": i} for i in range(5)]
        )
        seen.append(many.rowcount)
        returned = await conn.execute(text("INSERT INTO t (name, n) VALUES ('r', 9) RETURNING id, name"))
        seen.append(list(returned))
        updated = await conn.execute(text("UPDATE t SET n = n + 1 WHERE n >= :low"), {"low": 2})
        seen.append(updated.rowcount)
        rows = await conn.execute(text("SELECT id, name, n FROM t WHERE n > :n ORDER BY id"), {"n": 0})
        seen.append((list(rows.keys()), [tuple(r) for r in rows]))
        first = await conn.execute(text("SELECT name FROM t ORDER BY id"))
        seen.append((first.fetchone(), first.fetchmany(2), first.fetchall()))
        empty = await conn.execute(text("SELECT name FROM t WHERE n < 0"))
        seen.append((list(empty.keys()), empty.all(), empty.rowcount))
        with pytest.raises(exc.IntegrityError) as duplicate:
            await conn.execute(text("INSERT INTO t (name, n) VALUES ('a', 2)"))
        seen.append(str(duplicate.value.orig))
        with pytest.raises(exc.OperationalError) as missing:
            await conn.execute(text("SELECT * FROM nowhere"))
        seen.append(str(missing.value.orig))
        await conn.rollback()
        seen.append(
            (await conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 't'"))).scalar()
        )
    await engine.dispose()
    return seen


def test_the_one_trip_cursor_answers_as_sqlalchemys_does(tmp_path: Path) -> None:
    ours = asyncio.run(_script(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ours.db'}")))
    stock_engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'stock.db'}")
    event.listen(stock_engine.sync_engine, "connect", _stock)
    stock = asyncio.run(_script(stock_engine))

    assert ours == stock
    assert ours[2] == [(7, "r")]
    assert ours[-1] == 0  # the table was made in the transaction rolled back


def _stock(dbapi_connection: Any, _record: Any) -> None:
    """After paydesk's own connect hook: SQLAlchemy's connection class, so its own cursors."""
    assert type(dbapi_connection) is OneTripConnection
    dbapi_connection.__class__ = AsyncAdapt_aiosqlite_connection


def test_paydesk_engines_hand_out_the_one_trip_connection(tmp_path: Path) -> None:
    async def kind() -> type:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'kind.db'}")
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            found = type(raw.dbapi_connection)
        await engine.dispose()
        return found

    assert asyncio.run(kind()) is OneTripConnection
