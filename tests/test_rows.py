"""Appended rows (``paydesk.rows``): written with one insert per table at each flush point, read back by
their own transaction, committed and rolled back with it, savepoints included.

Events (``record_event``), a sale's history (``add_event``) and new invoices are appended this way, so
these tests drive the mechanism through them, on SQLite and PostgreSQL (which checks foreign keys at
once: an appended row referring to an object added in the same transaction must follow its insert).
"""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from paydesk import ids, rows
from paydesk.clock import utcnow
from paydesk.events import record_event
from paydesk.models import Event, Transaction, TransactionEvent
from paydesk.transactions.service import add_event
from paydesk.unit_of_work import unit_of_work
from tests.helpers import World, resources, sql_statements


async def events_of_type(app: Starlette, account_id: str, type: str) -> list[Event]:
    async with resources(app).read_sessions() as db:
        query = select(Event).where(Event.account_id == account_id, Event.type == type)
        return list(await db.exec(query.order_by(col(Event.created_at), col(Event.id))))


def new_sale(world: World) -> Transaction:
    now = utcnow()
    return Transaction(
        id=ids.new_id(ids.TRANSACTION), account_id=world.a.account_id, customer_id=world.a.customer_id,
        status="PAID", origin="LOGGED", currency="USD", subtotal=100, discount=0, total=100,
        transaction_date=now, created_at=now, updated_at=now,
    )  # fmt: skip


async def test_many_appended_rows_are_one_insert_read_back_before_commit_and_committed(
    app: Starlette, world: World
) -> None:
    account_id = world.a.account_id
    with sql_statements(app, "INSERT INTO event (") as inserts:
        async with unit_of_work(resources(app).sessions) as db:
            made = [record_event(db, account_id, "test.appended", {"n": n}, actor=None) for n in range(50)]
            assert rows.waiting(db) == 50
            # A read in the same transaction writes them first, as autoflush does for objects.
            query = select(func.count()).select_from(Event).where(Event.type == "test.appended")
            assert (await db.exec(query)).one() == 50
            assert rows.waiting(db) == 0
            record_event(db, account_id, "test.appended", {"n": 50}, actor=None)

    assert len(inserts) == 2  # the 50 before the read, the last one at commit
    stored = await events_of_type(app, account_id, "test.appended")
    assert sorted(e.id for e in stored) == sorted([*made, stored[-1].id])
    assert len(stored) == 51


async def test_a_rollback_forgets_appended_rows_written_or_waiting(app: Starlette, world: World) -> None:
    account_id = world.a.account_id

    async def failing_change() -> None:
        async with unit_of_work(resources(app).sessions) as db:
            record_event(db, account_id, "test.rolled_back", {"written": True}, actor=None)
            await db.exec(select(func.count()).select_from(Event))  # written, not committed
            record_event(db, account_id, "test.rolled_back", {"written": False}, actor=None)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        await failing_change()

    async with resources(app).sessions() as db:
        record_event(db, account_id, "test.rolled_back", {"closed": True}, actor=None)
        await db.rollback()
        assert rows.waiting(db) == 0
        await db.commit()

    assert await events_of_type(app, account_id, "test.rolled_back") == []


async def test_a_savepoint_rolled_back_keeps_what_was_appended_before_it(
    app: Starlette, world: World
) -> None:
    account_id = world.a.account_id

    async def failing_savepoint(db: AsyncSession) -> None:
        async with db.begin_nested():
            record_event(db, account_id, "test.savepoint", {"when": "inside, rolled back"}, actor=None)
            raise RuntimeError("the savepoint's work failed")

    async with unit_of_work(resources(app).sessions) as db:
        record_event(db, account_id, "test.savepoint", {"when": "before"}, actor=None)
        with pytest.raises(RuntimeError, match="savepoint"):
            await failing_savepoint(db)
        async with db.begin_nested():
            record_event(db, account_id, "test.savepoint", {"when": "inside, kept"}, actor=None)
        record_event(db, account_id, "test.savepoint", {"when": "after"}, actor=None)

    stored = await events_of_type(app, account_id, "test.savepoint")
    assert sorted(e.data_json for e in stored) == sorted(
        ['{"when":"before"}', '{"when":"inside, kept"}', '{"when":"after"}']
    )


async def test_an_appended_row_follows_the_object_it_refers_to(app: Starlette, world: World) -> None:
    async with unit_of_work(resources(app).sessions) as db:
        sale = new_sale(world)
        db.add(sale)  # not flushed: the sale event below refers to it
        add_event(db, sale.id, "logged", amount=100, note="first")
        add_event(db, sale.id, "note_added", note="second")

    async with resources(app).read_sessions() as db:
        query = select(TransactionEvent).where(TransactionEvent.transaction_id == sale.id)
        history = list(await db.exec(query))
    assert sorted((e.kind, e.note) for e in history) == [("logged", "first"), ("note_added", "second")]
