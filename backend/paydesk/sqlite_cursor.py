"""SQLAlchemy's aiosqlite cursor in one trip to the driver's thread instead of four.

aiosqlite runs each sqlite3 call in its own thread; SQLAlchemy's adapter makes one trip for the cursor,
one to execute, one to fetch the rows and one to close the cursor, each a queue put, a thread wake-up
and a self-pipe wake-up of the event loop. A read of a dozen statements paid some fifty of them. This
cursor makes the sqlite3 cursor, executes, fetches every row, reads ``description``, ``rowcount`` and
``lastrowid`` and closes it in a single trip, then answers from what it kept, as SQLAlchemy's own
cursor does after its fetch (it also fetches every row at once; server-side cursors are left alone).
"""

from __future__ import annotations

import collections
import sqlite3
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_


@dataclass(frozen=True, slots=True)
class _Ran:
    """What a finished sqlite3 cursor leaves: its rows and attributes."""

    rows: list[Any]
    description: Any
    rowcount: int
    lastrowid: int | None
    arraysize: int = 1

    async def close(self) -> None:
        """Nothing left to close (the sqlite3 cursor was closed in the driver's thread)."""


def _run(conn: sqlite3.Connection, operation: Any, parameters: Any, many: bool) -> _Ran:
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return _Ran(rows, cursor.description, cursor.rowcount, cursor.lastrowid, cursor.arraysize)
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """``AsyncAdapt_aiosqlite_cursor`` whose execute is one trip to aiosqlite's thread (module doc)."""

    __slots__ = ()

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        # What the last trip left stands where the aiosqlite cursor stood (description, rowcount, ...).
        self._cursor = cast(Any, _Ran([], None, -1, None))
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    @property
    def description(self) -> Any:
        return self._cursor.description

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._trip(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._trip(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = self._connection
            ran: _Ran = await connection._execute(_run, connection._conn, operation, parameters, many)
        self._cursor = cast(Any, ran)
        self._rows = collections.deque(ran.rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection handing out ``OneTripCursor``s (server-side ones unchanged)."""

    __slots__ = ()
    _cursor_cls = OneTripCursor
