"""Readers do not wait for writers, and concurrent writers queue instead of failing."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette

from paydesk.models import Customer
from tests.helpers import Api, World, resources

COUNT = "{ customers { totalCount } }"
CREATE = (
    "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"
)


async def test_a_query_runs_while_a_writer_holds_its_transaction(
    app: Starlette, api: Api, world: World
) -> None:
    res = resources(app)
    async with res.sessions() as writer:
        writer.add(Customer(id="cus_" + "w" * 22, account_id=world.a.account_id, first_name="Uncommitted"))
        await writer.flush()  # the writer's transaction is open (on SQLite it holds the write lock)

        data = await asyncio.wait_for(api.gql(COUNT, world.a.caller("viewer")), timeout=5)

        assert data == {"customers": {"totalCount": 1}}  # the uncommitted row is invisible
        await writer.rollback()


async def test_concurrent_mutations_all_succeed(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    results = await asyncio.gather(
        *(api.gql(CREATE, rep, i={"firstName": f"Parallel {n}"}) for n in range(12))
    )

    assert all(r["createCustomer"]["userErrors"] == [] for r in results)
    assert await api.gql(COUNT, rep) == {"customers": {"totalCount": 13}}
