"""Rows a change only appends: written with one Core insert per table at the session's next flush point.

Histories and records that a change writes and never reads back as objects
(a sale's events, the event outbox) cost more as ORM objects than as the
rows themselves: SQLModel builds each field through pydantic and
SQLAlchemy's instrumentation, and the flush sorts and inserts each object.
``append`` keeps a plain row in the session instead; the session writes all
it holds, one ``executemany`` per table in the order the tables were first
appended to, at its next flush point:

- after each ORM flush (so a row can refer to an object flushed with it);
- before any statement the session executes (so the transaction reads what
  it wrote, as autoflush gives ORM objects);
- before commit, and before a savepoint begins (so a savepoint rolled back
  forgets only what was appended inside it).

A rollback forgets the rows not written yet, as it expunges pending objects.
An ORM object must not refer to an appended row still waiting (the ORM's
flush goes first); appended rows may refer to anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

# Session.info key: {table: [row, ...]} waiting to be written.
_WAITING = "paydesk_rows_waiting"


def table_of(model: type[SQLModel]) -> Table:
    """The table a SQLModel table model maps."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def append(session: AsyncSession | Session, table: Table, row: Mapping[str, Any]) -> None:
    """Add ``row`` to what ``session`` writes to ``table`` at its next flush point; every row appended
    to a table gives the same columns."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    waiting: dict[Table, list[Mapping[str, Any]]] | None = sync.info.get(_WAITING)
    if waiting is None:
        if not sync.in_transaction():
            # Begun now (no statement is sent), so a rollback before any statement forgets the row.
            sync.begin()
        waiting = sync.info[_WAITING] = {}
    waiting.setdefault(table, []).append(row)


def waiting(session: AsyncSession | Session) -> int:
    """How many appended rows ``session`` has not written yet."""
    return sum(len(rows) for rows in session.info.get(_WAITING, {}).values())


def _write(session: Session, connection: Connection | None = None) -> None:
    rows_by_table: dict[Table, list[Mapping[str, Any]]] | None = session.info.pop(_WAITING, None)
    if not rows_by_table:
        return
    conn = connection if connection is not None else session.connection()
    for table, rows in rows_by_table.items():
        conn.execute(insert(table), rows)


def _flush_then_write(session: Session) -> None:
    if session.info.get(_WAITING):
        session.flush()  # the ORM's rows first: appended rows may refer to them
        _write(session)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    _write(session)


@event.listens_for(Session, "do_orm_execute")
def _before_execute(state: ORMExecuteState) -> None:
    _flush_then_write(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _flush_then_write(session)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begun(session: Session, transaction: SessionTransaction) -> None:
    # The savepoint is not open on the connection yet: what waits is written in the enclosing
    # transaction, through its connection, so rolling the savepoint back keeps it.
    if transaction.nested and session.info.get(_WAITING):
        parent = transaction.parent
        assert parent is not None
        connection = parent._connection_for_bind(session.get_bind(), None)
        _write(session, connection)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: SessionTransaction) -> None:
    # Whatever waits was appended in the transaction (or savepoint) that rolled back.
    session.info.pop(_WAITING, None)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WAITING, None)
