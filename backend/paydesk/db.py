"""The async engine and sessions.

SQLite runs in WAL mode with ``synchronous=FULL`` (a committed PENDING
payment row must survive a power cut after the gateway charged), foreign
keys on and a busy timeout so concurrent writers wait instead of failing.
Within one process, writers queue on an asyncio lock before they touch the
file (``WriterGate``), so they wake the moment the writer before them
commits instead of sleeping in SQLite's busy handler; the busy timeout still
queues writers of different processes. PostgreSQL goes through asyncpg.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

# Imported for their session hooks: numbers for new customers, products, gateways and templates on
# flush; appended rows (paydesk.rows) written at each flush point.
import paydesk.numbers
import paydesk.rows  # noqa: F401
from paydesk.sqlite_cursor import OneTripConnection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Writers wait this long for SQLite's single write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000

SessionFactory = async_sessionmaker[AsyncSession]
# Execution option marking sessions that never write (GraphQL queries).
READ_ONLY = "paydesk_read_only"


# Rows ANALYZE samples per index: enough to tell a customer's rows from an account's, and a few
# milliseconds on a 1 GB database.
SQLITE_ANALYSIS_LIMIT = 400


def create_engine(database_url: str) -> AsyncEngine:
    """The one engine of a process."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_pre_ping=False
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


async def analyze(session: AsyncSession, tables: Sequence[str]) -> bool:
    """Refresh PostgreSQL's planner statistics of ``tables`` now, in the session's transaction; False
    (and nothing done) on SQLite, whose statistics ``refresh_statistics`` takes at start-up.

    Autovacuum analyzes a table a minute or more after it has grown. A job that grows a table from
    nearly empty (a first billing run) would meanwhile be planned as if its lists of ids matched half
    the table: sequential scans, each batch reading every row written so far.
    """
    if session.get_bind().dialect.name != "postgresql":
        return False
    statement: Any = text(f"ANALYZE {', '.join(tables)}")  # names from the models, never input
    await session.exec(statement)
    return True


async def refresh_statistics(engine: AsyncEngine) -> None:
    """Give SQLite's planner row counts per index, as PostgreSQL's autovacuum keeps its own.

    Without them SQLite picks between two indexes that both match one equality blindly, and may take
    an account-wide one to find one customer's rows: counting a customer's sales then reads all the
    account's (160 ms with 500,000 sales, against 0.2 ms through the customer's index).
    """
    if engine.dialect.name != "sqlite":
        return
    async with engine.connect() as conn:
        await conn.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        await conn.exec_driver_sql("ANALYZE")
        await conn.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        # Each statement in one trip to aiosqlite's thread, not four (sqlite_cursor).
        dbapi_connection.__class__ = OneTripConnection
    # Let SQLAlchemy, not the driver, decide when a transaction begins.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer's BEGIN IMMEDIATE takes the write lock up front, so two writers
    # queue on the busy timeout instead of one failing with "database is
    # locked" when it upgrades a read transaction. Readers (READ_ONLY) take a
    # plain snapshot and run beside the writer, as WAL allows.
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


# Session.info key of the SQLite writers' gate (set by ``session_factory`` on a writer's sessions).
WRITER_GATE = "paydesk_writer_gate"


class WriterGate:
    """One SQLite write transaction at a time in this process, queued in order on the event loop.

    A writer session takes the gate at its first statement and gives it back when its transaction
    ends (commit, rollback, close): the same span as SQLite's own write lock under BEGIN IMMEDIATE,
    waited for without sleeping. Like the busy timeout, a wait longer than it fails.
    """

    def __init__(self) -> None:
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        try:
            await asyncio.wait_for(lock.acquire(), SQLITE_BUSY_TIMEOUT_MS / 1000)
        except TimeoutError:
            # What SQLite itself says when its lock stays taken past the busy timeout.
            locked = sqlite3.OperationalError("database is locked")
            raise OperationalError("BEGIN IMMEDIATE", None, locked) from None

    def release(self) -> None:
        self._locks[asyncio.get_running_loop()].release()


_GATES: weakref.WeakKeyDictionary[Any, WriterGate] = weakref.WeakKeyDictionary()


def _writer_gate(engine: AsyncEngine) -> WriterGate:
    gate = _GATES.get(engine.sync_engine)
    if gate is None:
        gate = _GATES[engine.sync_engine] = WriterGate()
    return gate


class SerialSession(AsyncSession):
    """An AsyncSession whose statements queue instead of overlapping.

    GraphQL resolves sibling fields concurrently, while a session is one
    connection that allows one statement at a time. Only the primitives that
    reach the connection directly are locked (``scalars`` and friends call
    ``execute``), so the lock is never taken twice by one call.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = asyncio.Lock()
        self._gate: WriterGate | None = self.info.get(WRITER_GATE)
        self._holding = False

    async def _enter(self) -> None:
        if self._gate is not None and not self._holding:
            await self._gate.acquire()
            self._holding = True

    def _leave(self) -> None:
        if self._holding:
            self._holding = False
            assert self._gate is not None
            self._gate.release()

    async def exec(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            await self._enter()
            return await super().exec(*args, **kwargs)

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            await self._enter()
            return await super().execute(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            await self._enter()
            return await super().get(*args, **kwargs)

    async def flush(self, objects: Sequence[Any] | None = None) -> None:
        async with self._lock:
            await self._enter()
            await super().flush(objects)

    async def commit(self) -> None:
        async with self._lock:
            await self._enter()
            try:
                await super().commit()
            finally:
                self._leave()

    async def rollback(self) -> None:
        async with self._lock:
            try:
                await super().rollback()
            finally:
                self._leave()

    async def close(self) -> None:
        async with self._lock:
            try:
                await super().close()
            finally:
                self._leave()

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        async with self._lock:
            await self._enter()
            await super().refresh(*args, **kwargs)


def session_factory(
    engine: AsyncEngine, *, read_only: bool = False, info: dict[str, Any] | None = None
) -> SessionFactory:
    """Sessions on ``engine``; read-only ones never take SQLite's write lock.

    ``info`` starts each session's ``Session.info`` (the outbox bell).
    """
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    if engine.dialect.name == "sqlite" and not read_only:
        info = {**(info or {}), WRITER_GATE: _writer_gate(engine)}
    return async_sessionmaker(bind, class_=SerialSession, expire_on_commit=False, info=info)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def is_migrated(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()
