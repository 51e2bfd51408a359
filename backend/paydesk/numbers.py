"""Per-account numbers of customers, products, gateways and invoice templates, for the classic
integrations that send small integers ("contact_id": 49) instead of opaque ids.

Every new row of those tables gets the account's next number when it is
flushed (a ``before_flush`` listener, so no insert path can forget it): one
more than the highest the account ever had of that kind, kept in
``number_counter`` and bumped under its row lock in the inserting
transaction. A row that brings its own number (an imported contact) goes
through ``take`` first, which refuses a number in use (NUMBER_TAKEN) and
raises the counter to it, so the next automatic number is past it. Rows are
archived, never deleted, so a number once used stays taken; the unique
index on (account_id, number) backs all of this on both databases.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import case, event, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.errors import ErrorCode, FieldPath, fail
from paydesk.models import Customer, Gateway, InvoiceTemplate, NumberCounter, Product

# Each numbered table and its counter's kind.
NUMBERED: dict[type[Any], str] = {
    Customer: "customer",
    Product: "product",
    Gateway: "gateway",
    InvoiceTemplate: "invoice_template",
}
# What a number of each kind is called in a message.
NAMES = {
    "customer": "customer",
    "product": "product",
    "gateway": "gateway",
    "invoice_template": "invoice template",
}
# The largest number an object may be given (numbers are Int in the API: 32-bit signed).
MAX_NUMBER = 2**31 - 1


def _counter_statements(dialect: str, account_id: str, kind: str) -> tuple[Any, Any]:
    """Make the counter row if it is missing (a concurrent first insert waits on the key and then does
    nothing), then lock it: concurrent numberers queue on it. SQLite's writer lock does the same."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = NumberCounter.__table__  # type: ignore[attr-defined]
    made = (
        insert(table)
        .values(account_id=account_id, kind=kind, last=0)
        .on_conflict_do_nothing(index_elements=["account_id", "kind"])
    )
    locked = (
        select(col(NumberCounter.last))
        .where(col(NumberCounter.account_id) == account_id, col(NumberCounter.kind) == kind)
        .with_for_update()
    )
    return made, locked


def _bump(account_id: str, kind: str, to: int | None = None) -> Any:
    """One more than the last number (``to`` None), or the last raised to at least ``to``."""
    last = col(NumberCounter.last)
    value = last + 1 if to is None else case((last < to, to), else_=last)
    return (
        update(NumberCounter)
        .where(col(NumberCounter.account_id) == account_id, col(NumberCounter.kind) == kind)
        .values(last=value)
        .returning(last)
    )


def _next_number(session: Session, account_id: str, kind: str) -> int:
    connection = session.connection()
    made, locked = _counter_statements(connection.dialect.name, account_id, kind)
    connection.execute(made)
    connection.execute(locked)
    return int(connection.execute(_bump(account_id, kind)).scalar_one())


@event.listens_for(Session, "before_flush")
def _number_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    """Give each new numbered row without a number the account's next one, oldest first (the session's
    new rows are a set: several flushed at once are numbered by their creation time, then id)."""
    waiting = [row for row in session.new if type(row) in NUMBERED and not row.number]
    for row in sorted(waiting, key=lambda r: (r.created_at, r.id)):
        row.number = _next_number(session, row.account_id, NUMBERED[type(row)])


async def take(session: AsyncSession, account_id: str, kind: str, number: int, field: FieldPath) -> int:
    """Reserve ``number`` for a new row of ``kind`` the caller is about to add; NUMBER_TAKEN at ``field``
    when a row of the account has it, INVALID when it is not 1 to MAX_NUMBER."""
    if not 1 <= number <= MAX_NUMBER:
        raise fail(ErrorCode.INVALID, f"A number is a whole number from 1 to {MAX_NUMBER}.", field)
    model = next(m for m, k in NUMBERED.items() if k == kind)
    made, locked = _counter_statements(session.get_bind().dialect.name, account_id, kind)
    await session.exec(made)
    await session.exec(locked)
    used = await session.exec(
        select(func.count()).select_from(model).where(model.account_id == account_id, model.number == number)
    )
    if used.one():
        raise fail(ErrorCode.NUMBER_TAKEN, f"Another {NAMES[kind]} has number {number}.", field)
    await session.exec(_bump(account_id, kind, number))
    return number


async def ids_by_number(
    session: AsyncSession, account_id: str, kind: str, wanted: Collection[int]
) -> dict[int, str]:
    """The ids of the account's rows of ``kind`` numbered ``wanted``: only those that exist, so another
    account's number is missing exactly like one never used."""
    usable = sorted({n for n in wanted if 1 <= n <= MAX_NUMBER})
    if not usable:
        return {}
    model = next(m for m, k in NUMBERED.items() if k == kind)
    query = select(model.number, model.id).where(
        model.account_id == account_id, col(model.number).in_(usable)
    )
    return {int(number): str(row_id) for number, row_id in await session.exec(query)}
