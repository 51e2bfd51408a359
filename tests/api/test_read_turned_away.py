"""A read that waits longer than Settings.read_queue_timeout for its turn is answered HTTP 503
UNAVAILABLE with Retry-After, before anything about it runs; mutations and later reads are unaffected."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.api.test_read_admission import COUNT, CREATE
from tests.helpers import Api, World, resources

PATIENCE = 0.3


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"read_concurrency": 1, "read_queue_timeout": PATIENCE}


async def test_a_read_that_waits_past_the_limit_is_told_to_retry(
    api: Api, world: World, app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    reads = resources(app).reads
    rep = world.a.caller("rep")
    caplog.set_level(logging.WARNING)
    async with reads.turn():  # the one turn taken for longer than any read may wait
        started = asyncio.get_running_loop().time()
        response = await api.post({"query": COUNT}, rep)
        waited = asyncio.get_running_loop().time() - started
        created = await api.gql(CREATE, rep, i={"firstName": "Not held"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json() == {
        "errors": [
            {
                "message": "paydesk is answering more requests than it can right now; retry in a moment.",
                "extensions": {"code": "UNAVAILABLE"},
            }
        ]
    }
    assert waited >= PATIENCE
    assert created["createCustomer"]["userErrors"] == []  # mutations take no turn
    assert (reads.turned_away, reads.waiting, reads.running) == (1, 0, 0)
    assert "graphql.read_turned_away" in caplog.text
    # The turn it did not get was not lost: the next read is answered at once.
    assert await api.gql(COUNT, rep) == {"customers": {"totalCount": 2}}
