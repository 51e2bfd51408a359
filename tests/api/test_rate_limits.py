"""Rate limits count GraphQL operations, not HTTP requests, and refuse a crossing request whole."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from paydesk.auth import ratelimit
from tests.helpers import Api, Caller, World

COUNT = "{ customers { totalCount } }"


def aliased_mutation(count: int) -> str:
    fields = " ".join(
        f'c{n}: createCustomer(input: {{firstName: "Rate"}}) {{ customer {{ id }} }}' for n in range(count)
    )
    return f"mutation {{ {fields} }}"


def assert_limited(response: httpx.Response, remaining: int = 0) -> None:
    assert response.status_code == 429
    assert response.json() == {
        "errors": [
            {
                "message": "Rate limit reached; retry after the window resets.",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ]
    }
    assert response.headers["x-rate-limit-limit"] == "180"
    assert response.headers["x-rate-limit-remaining"] == str(remaining)
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert 0 <= int(response.headers["x-rate-limit-reset"]) <= 60


async def customers_of(api: Api, world: World) -> int:
    data = await api.gql(COUNT, world.a.caller("owner"))  # a staff session has its own budget
    return int(data["customers"]["totalCount"])


async def test_operation_181_in_a_minute_is_refused(api: Api, world: World) -> None:
    key = world.a.caller("apikey")
    for n in range(180):
        response = await api.post({"query": "{ __typename }"}, key)
        assert response.status_code == 200
        assert response.headers["x-rate-limit-remaining"] == str(179 - n)

    assert_limited(await api.post({"query": "{ __typename }"}, key))


async def test_batched_operations_each_count(api: Api, world: World) -> None:
    key = world.a.caller("apikey")
    for _ in range(18):
        response = await api.post([{"query": COUNT}] * 10, key)
        assert response.status_code == 200
        assert len(response.json()) == 10

    assert_limited(await api.post([{"query": COUNT}], key))


async def test_aliased_mutation_fields_each_count_and_a_crossing_request_runs_nothing(
    api: Api, world: World
) -> None:
    key = world.a.caller("apikey")
    for _ in range(4):
        response = await api.post({"query": aliased_mutation(44)}, key)
        assert response.status_code == 200
    before = await customers_of(api, world)
    assert before == 1 + 4 * 44
    assert (await api.post({"query": aliased_mutation(3)}, key)).status_code == 200  # 179 used

    assert_limited(await api.post({"query": aliased_mutation(2)}, key), remaining=1)
    assert await customers_of(api, world) == before + 3


async def test_api_keys_of_one_account_share_its_limit_and_staff_have_their_own(
    api: Api, world: World
) -> None:
    key = world.a.caller("apikey")
    second = await api.gql(
        "mutation { createApiKey(input: {}) { apiKey { appId } secret } }", world.a.caller("admin")
    )
    other_key = {
        "Api-Appid": second["createApiKey"]["apiKey"]["appId"],
        "Api-Key": second["createApiKey"]["secret"],
    }
    for _ in range(9):
        await api.post([{"query": "{ __typename }"}] * 20, key)

    response = await api.post({"query": "{ __typename }"}, Caller("second", other_key))
    assert_limited(response)
    staff = await api.post({"query": "{ __typename }"}, world.a.caller("admin"))
    assert staff.status_code == 200
    assert staff.headers["x-rate-limit-limit"] == "600"
    other_account = await api.post({"query": "{ __typename }"}, world.b.caller("apikey"))
    assert other_account.status_code == 200


class TestDatabaseStorage:
    """The same rules with counters in the database, for many processes without Redis."""

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"rate_limit_storage": "database"}

    @pytest.fixture(autouse=True)
    def one_window(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The counters' windows are whole minutes: a test that crossed a minute would start a new one
        halfway. The limiter's clock stands still for the test instead (nothing here measures time)."""
        frozen = float(int(time.time()) // 60 * 60 + 1)
        monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: frozen))

    async def test_operation_181_is_refused_and_batches_count(self, api: Api, world: World) -> None:
        key = world.a.caller("apikey")
        for _ in range(9):
            response = await api.post([{"query": "{ __typename }"}] * 20, key)
            assert response.status_code == 200
        assert response.headers["x-rate-limit-remaining"] == "0"

        assert_limited(await api.post({"query": "{ __typename }"}, key))

    async def test_a_crossing_request_runs_nothing(self, api: Api, world: World) -> None:
        key = world.a.caller("apikey")
        for _ in range(4):
            assert (await api.post({"query": aliased_mutation(44)}, key)).status_code == 200
        assert (await api.post({"query": aliased_mutation(3)}, key)).status_code == 200

        assert_limited(await api.post({"query": aliased_mutation(2)}, key), remaining=1)
        assert await customers_of(api, world) == 1 + 179


class TestRedisStorage:
    """The moving window in Redis, shared by every serving process."""

    @pytest.fixture
    def settings_overrides(self, redis_url: str) -> dict[str, Any]:
        return {"rate_limit_storage": redis_url}

    async def test_operation_181_is_refused_and_a_crossing_request_runs_nothing(
        self, api: Api, world: World
    ) -> None:
        key = world.a.caller("apikey")
        for _ in range(4):
            assert (await api.post({"query": aliased_mutation(44)}, key)).status_code == 200
        assert (await api.post([{"query": "{ __typename }"}] * 3, key)).status_code == 200

        assert_limited(await api.post({"query": aliased_mutation(2)}, key), remaining=1)
        assert (await api.post({"query": "{ __typename }"}, key)).status_code == 200
        assert_limited(await api.post({"query": "{ __typename }"}, key))
        assert await customers_of(api, world) == 1 + 176
