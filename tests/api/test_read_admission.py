"""GraphQL reads are admitted a few at a time per process (Settings.read_concurrency); mutations are not
held by them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from paydesk.admission import Admission
from tests.helpers import Api, World, resources

COUNT = "{ customers { totalCount } }"
CREATE = (
    "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"
)
ADMITTED = 2


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"read_concurrency": ADMITTED}


async def test_no_more_reads_run_at_once_than_the_setting_admits(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    res = resources(app)
    opened = res.read_sessions
    running, most = 0, 0

    @contextlib.asynccontextmanager
    async def counted() -> AsyncIterator[AsyncSession]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            async with opened() as db:
                await asyncio.sleep(0.02)  # long enough for every request to arrive meanwhile
                yield db
        finally:
            running -= 1

    monkeypatch.setattr(res, "read_sessions", counted)
    viewer = world.a.caller("viewer")

    answers = await asyncio.gather(*(api.gql(COUNT, viewer) for _ in range(8)))

    assert answers == [{"customers": {"totalCount": 1}}] * 8  # every one answered, in turn
    assert most == ADMITTED


async def test_a_read_waits_for_a_turn_while_a_mutation_goes_ahead(
    api: Api, world: World, app: Starlette
) -> None:
    reads = resources(app).reads
    rep = world.a.caller("rep")
    async with contextlib.AsyncExitStack() as held:
        for _ in range(ADMITTED):
            await held.enter_async_context(reads.turn())  # every turn taken
        waiting = asyncio.create_task(api.gql(COUNT, rep))
        created = await asyncio.wait_for(api.gql(CREATE, rep, i={"firstName": "Not held"}), timeout=5)
        await queued(reads)  # the read got as far as its turn, and waits
        assert created["createCustomer"]["userErrors"] == []
        assert not waiting.done()
    assert await asyncio.wait_for(waiting, timeout=5) == {"customers": {"totalCount": 2}}


async def queued(reads: Admission, count: int = 1) -> None:
    """Until ``count`` callers wait for a turn (5 s at most)."""
    for _ in range(500):
        if reads.waiting >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{reads.waiting} waiting for a turn, not {count}")
