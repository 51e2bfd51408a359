"""Sign-in throttling: failures counted per address and per IP in the rate-limit storage.

5 failures for an address within 15 minutes lock it for 30 seconds, doubling
with each further failure up to 15 minutes; 50 from one IP lock the IP for
15 minutes. Locked out, even the right password gets HTTP 429 RATE_LIMITED
with Retry-After, for known and unknown addresses alike; a success clears
the address's count. Tests shorten the first delay to one second.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from paydesk.app import create_app
from paydesk.auth import signin_guard
from tests.conftest import make_settings
from tests.helpers import PASSWORD, Api, World, without_throttle

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { userErrors { code message } } }"


@pytest.fixture(autouse=True)
def short_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signin_guard, "FIRST_DELAY", 1)


async def attempt(api: Api, email: str, password: str) -> httpx.Response:
    return await api.post({"query": SIGN_IN, "variables": {"i": {"email": email, "password": password}}})


def signed_in(response: httpx.Response) -> bool:
    return response.status_code == 200 and response.json()["data"]["signIn"]["userErrors"] == []


def assert_throttled(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 429, response.text
    body: dict[str, Any] = response.json()
    assert body == {
        "errors": [
            {"message": "Too many failed sign-ins; try again later.", "extensions": {"code": "RATE_LIMITED"}}
        ]
    }
    assert int(response.headers["Retry-After"]) >= 1
    return body


def test_the_documented_limits() -> None:
    assert (signin_guard.FREE_FAILURES, signin_guard.WINDOW, signin_guard.MAX_DELAY) == (5, 900, 900)
    assert signin_guard.IP_FAILURES == 50
    assert [signin_guard.delay_after(n) for n in (4, 5, 6, 7)] == [0, 1, 2, 4]  # FIRST_DELAY is 1 here
    assert signin_guard.delay_after(40) == 900


async def test_five_failures_lock_the_address_even_for_the_right_password_until_the_delay_passes(
    api: Api, world: World
) -> None:
    email = "owner@alpha.test"
    for _ in range(5):
        wrong = await attempt(api, email, "not the password")
        assert wrong.status_code == 200
        assert wrong.json()["data"]["signIn"]["userErrors"][0]["message"] == "Email or password is incorrect."

    wait = assert_throttled_retry(await attempt(api, email, PASSWORD))
    await asyncio.sleep(wait + 0.2)
    assert signed_in(await attempt(api, email, PASSWORD))
    # The success cleared the count: four more failures lock nothing.
    for _ in range(4):
        assert (await attempt(api, email, "wrong again")).status_code == 200
    assert signed_in(await attempt(api, email, PASSWORD))


async def test_each_further_failure_doubles_the_delay(api: Api, world: World) -> None:
    email = f"{uuid.uuid4().hex}@nowhere.test"
    for _ in range(5):
        await attempt(api, email, "x")
    first = assert_throttled_retry(await attempt(api, email, "x"))
    await asyncio.sleep(first + 0.2)
    assert (await attempt(api, email, "x")).status_code == 200  # the 6th failure: 2 seconds now
    second = assert_throttled_retry(await attempt(api, email, "x"))
    assert second == 2


def assert_throttled_retry(response: httpx.Response) -> int:
    assert_throttled(response)
    return int(response.headers["Retry-After"])


async def test_an_unknown_address_is_answered_exactly_like_a_known_one(api: Api, world: World) -> None:
    known, unknown = "owner@alpha.test", f"{uuid.uuid4().hex}@nowhere.test"
    answers = []
    for email in (known, unknown):
        for _ in range(5):
            answers.append(without_throttle((await attempt(api, email, "nope")).json()))
        answers.append(assert_throttled(await attempt(api, email, "nope")))
    assert answers[:6] == answers[6:]


async def test_fifty_failures_from_one_ip_block_its_sign_ins(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signin_guard, "IP_FAILURES", 12)
    for n in range(12):
        # A new address each time: no address reaches its own limit.
        assert (await attempt(api, f"{n}-{uuid.uuid4().hex}@nowhere.test", "x")).status_code == 200

    assert_throttled(await attempt(api, "owner@beta.test", PASSWORD))


@pytest.fixture
async def second_server(database_url: str, tmp_path: Path, redis_url: str) -> AsyncIterator[Api]:
    """Another paydesk on the same database and Redis, as a second replica."""
    app = create_app(make_settings(database_url, tmp_path / "two", rate_limit_storage=redis_url))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http,
    ):
        yield Api(http)


class TestRedis:
    @pytest.fixture
    def settings_overrides(self, redis_url: str) -> dict[str, Any]:
        return {"rate_limit_storage": redis_url}

    async def test_two_servers_sharing_redis_count_together(
        self, api: Api, world: World, second_server: Api
    ) -> None:
        email = f"{uuid.uuid4().hex}@nowhere.test"
        for server in (api, second_server, api, second_server, api):
            assert (await attempt(server, email, "x")).status_code == 200
        assert_throttled(await attempt(second_server, email, "x"))
        assert_throttled(await attempt(api, email, "x"))


class TestDatabase:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"rate_limit_storage": "database"}

    async def test_the_database_storage_counts_and_locks_too(self, api: Api, world: World) -> None:
        for _ in range(5):
            assert (await attempt(api, "owner@alpha.test", "x")).status_code == 200
        wait = assert_throttled_retry(await attempt(api, "owner@alpha.test", PASSWORD))
        assert wait <= 2  # the first delay (1 s here), in whole seconds rounded up
        await asyncio.sleep(wait + 0.2)
        assert signed_in(await attempt(api, "owner@alpha.test", PASSWORD))
