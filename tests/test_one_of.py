"""``paydesk.one_of``: ``column IN values`` with the list bound as one parameter, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk import ids
from paydesk.models import Customer
from paydesk.one_of import list_param, one_of
from paydesk.unit_of_work import unit_of_work
from tests.helpers import World, resources, sql_statements


async def add_customers(app: Starlette, account_id: str, count: int) -> list[str]:
    made = [ids.new_id(ids.CUSTOMER) for _ in range(count)]
    async with unit_of_work(resources(app).sessions) as db:
        db.add_all(
            Customer(id=made_id, account_id=account_id, first_name=f"No {n}")
            for n, made_id in enumerate(made)
        )
    return made


async def test_one_of_finds_what_in_finds_whatever_the_list_length(app: Starlette, world: World) -> None:
    made = await add_customers(app, world.a.account_id, 60)
    lists = [made[:1], made[:2], made[:50], [*made[10:20], "cus_missing", made[10]], [], made]
    async with resources(app).read_sessions() as db:
        for wanted in lists:
            by_in = set(await db.exec(select(Customer.id).where(col(Customer.id).in_(wanted))))
            by_one_of = set(await db.exec(select(Customer.id).where(one_of(col(Customer.id), wanted))))
            objects = list(await db.exec(select(Customer).where(one_of(col(Customer.id), wanted))))
            assert by_one_of == by_in == set(wanted) - {"cus_missing"}
            assert {customer.id for customer in objects} == by_in


async def test_one_statement_text_for_every_length_and_one_parameter(app: Starlette, world: World) -> None:
    made = await add_customers(app, world.a.account_id, 30)
    with sql_statements(app, "FROM customer") as seen:
        async with resources(app).read_sessions() as db:
            for wanted in (made[:2], made[:30], []):
                await db.exec(select(Customer.id).where(one_of(col(Customer.id), wanted)))

    assert len(seen) == 3
    assert len(set(seen)) == 1  # prepared once by the driver, not once per length
    placeholders = seen[0].count("?") + seen[0].count("$")
    assert placeholders == 1


async def test_a_statement_built_once_takes_its_list_at_each_execution(app: Starlette, world: World) -> None:
    made = await add_customers(app, world.a.account_id, 6)
    query = select(Customer.id).where(one_of(col(Customer.id), list_param("wanted")))
    async with resources(app).read_sessions() as db:
        first = set(await db.exec(query, params={"wanted": made[:3]}))
        second = set(await db.exec(query, params={"wanted": made[3:]}))
    assert (first, second) == (set(made[:3]), set(made[3:]))


async def test_one_of_in_an_update_changes_only_the_listed_rows(app: Starlette, world: World) -> None:
    made = await add_customers(app, world.a.account_id, 4)
    async with unit_of_work(resources(app).sessions) as db:
        await db.exec(update(Customer).where(one_of(col(Customer.id), made[:2])).values(first_name="Changed"))
    async with resources(app).read_sessions() as db:
        query = select(Customer.id, Customer.first_name).where(col(Customer.id).in_(made))
        names = {customer_id: name for customer_id, name in await db.exec(query)}
    assert names == {made[0]: "Changed", made[1]: "Changed", made[2]: "No 2", made[3]: "No 3"}


def test_one_of_refuses_columns_that_are_not_strings() -> None:
    with pytest.raises(TypeError, match="string columns"):
        one_of(col(Customer.created_at), ["2026-01-01"])


async def test_the_condition_is_served_by_the_columns_index(app: Starlette, world: World) -> None:
    """A comparison, not a boolean value: SQLite searches the index per listed value, PostgreSQL may."""
    made = await add_customers(app, world.a.account_id, 3)
    query = select(Customer.id).where(
        one_of(col(Customer.id), made), Customer.account_id == world.a.account_id
    )
    async with resources(app).read_sessions() as db:
        bind = db.get_bind()
        sql = str(query.compile(bind, compile_kwargs={"render_postcompile": True}))
        assert "= 1" not in sql
        assert "= true" not in sql.lower()
        if bind.dialect.name == "sqlite":
            compiled = query.compile(bind)
            values = compiled.construct_params()
            params = tuple(
                json.dumps(value) if isinstance(value, list) else value
                for value in (values[name] for name in compiled.positiontup or [])
            )
            connection = await db.connection()
            plan = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)).all()
            assert any("SEARCH customer USING" in row[3] for row in plan), plan
