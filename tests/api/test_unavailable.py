"""The database out of reach is HTTP 503 UNAVAILABLE with Retry-After, not a masked 500 (DESIGN.md, "Ids,
errors, inputs"), and the classic doors say so in their own format; once it is back, the same requests
are answered again. Against a real PostgreSQL server that is stopped and started, one that is not
there at all, and SQLite locked by another process for longer than paydesk waits."""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from paydesk import db
from paydesk.app import create_app
from paydesk.customers import service as customers_service
from paydesk.transactions import service as transactions_service
from paydesk.unavailable import MESSAGE
from paydesk.web import card_page
from tests import postgres
from tests.api.test_sales import CHARGE as CHARGE_NOW
from tests.api.test_sales import ONE_LINE, VISA, card, sandbox_charges
from tests.classic.client import Classic, numbers_of, simple_sale
from tests.classic.v1 import V1
from tests.conftest import make_settings, migrate
from tests.helpers import Api, Caller, World, make_world
from tests.net import free_port

COUNT = "{ customers { totalCount } }"
CREATE = (
    "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"
)
UNREACHABLE = {"errors": [{"message": MESSAGE, "extensions": {"code": "UNAVAILABLE"}}]}


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient, str]]:
    """An app on a PostgreSQL server of its own (stopped and started by the test), a client of it, and
    the server's base URL."""
    with postgres.cluster() as base:
        admin = await asyncpg.connect(base.replace("postgresql+asyncpg", "postgresql") + "/postgres")
        await admin.execute("CREATE DATABASE paydesk")
        await admin.close()
        await migrate(f"{base}/paydesk")
        app = create_app(make_settings(f"{base}/paydesk", tmp_path))
        async with LifespanManager(app), _client(app) as http:
            yield app, http, base


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _expect_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.json() == UNREACHABLE


async def test_a_database_that_goes_away_is_503_until_it_is_back(
    served: tuple[Starlette, httpx.AsyncClient, str], caplog: pytest.LogCaptureFixture
) -> None:
    app, http, base = served
    world = await make_world(app, http)
    api = Api(http)
    rep = world.a.caller("rep")
    assert await api.gql(COUNT, rep) == {"customers": {"totalCount": 1}}
    caplog.set_level(logging.WARNING)

    postgres.stop(base)
    try:
        _expect_unavailable(await api.post({"query": COUNT}, rep))  # the pooled connections were dropped
        _expect_unavailable(await api.post({"query": COUNT}, rep))  # and no new one can be made
        _expect_unavailable(
            await api.post({"query": CREATE, "variables": {"i": {"firstName": "Later"}}}, rep)
        )
        _expect_unavailable(await api.post({"query": COUNT}, world.a.caller("apikey")))
        # The classic doors answer in their own format.
        sale = await Classic(http).post(world.a.caller("apikey"), "list_gateways")
        listed = await V1(http).objects(world.a.caller("apikey"), None)
        # A payer's browser gets a page.
        page = await http.get(f"/pay/{secrets.token_urlsafe(32)}")
        sent = await http.post(f"/card/{secrets.token_urlsafe(32)}", data={"card_number": "4242424242424242"})
    finally:
        postgres.start(base)

    assert (sale.status_code, sale.headers["retry-after"]) == (503, "5")
    assert sale.json() == {"result_code": 4, "message": MESSAGE, "request_id": sale.headers["x-request-id"]}
    assert (listed.status_code, listed.headers["retry-after"]) == (503, "5")
    assert listed.json() == {"code": 1, "data": sale.json() | {"request_id": listed.headers["x-request-id"]}}
    for answer in (page, sent):
        assert (answer.status_code, answer.headers["retry-after"]) == (503, "5")
        assert answer.headers["content-type"].startswith("text/html")
        assert "Please try again in a minute" in answer.text
    assert "reload this page before paying again" not in page.text
    assert "reload this page before paying again" in sent.text
    assert "4242424242424242" not in sent.text + caplog.text
    assert "http.unavailable" in caplog.text
    assert "classic.unavailable" in caplog.text
    assert "Traceback" not in caplog.text
    created = await api.gql(CREATE, rep, i={"firstName": "Later"})
    assert created["createCustomer"]["userErrors"] == []
    assert await api.gql(COUNT, rep) == {"customers": {"totalCount": 2}}  # the refused one changed nothing


async def test_a_database_that_is_not_there_is_503_from_the_first_request(tmp_path: Path) -> None:
    # Nothing listens on the port: the server starts, and says why it cannot answer.
    app = create_app(
        make_settings(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/paydesk", tmp_path)
    )
    caller = Caller("apikey", {"Api-Appid": "key_0000000000000000000000", "Api-Key": "sk_whatever"})
    async with LifespanManager(app), _client(app) as http:
        responses = await asyncio.gather(
            Api(http).post({"query": COUNT}, caller),
            Api(http).post({"query": CREATE, "variables": {"i": {"firstName": "x"}}}, caller),
            http.get("/readyz"),
        )
    _expect_unavailable(responses[0])
    _expect_unavailable(responses[1])
    assert responses[2].status_code == 503


async def test_a_write_that_finds_sqlite_locked_past_its_busy_timeout_is_503(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process holds SQLite's write lock longer than paydesk waits for it: the mutation's field
    # fails inside the schema, and the whole request is answered 503, not "Internal error" in a 200.
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "paydesk.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(make_settings(f"sqlite+aiosqlite:///{path}", tmp_path))
    async with LifespanManager(app), _client(app) as http:
        world = await make_world(app, http)
        api, classic = Api(http), Classic(http)
        rep = world.a.caller("rep")
        numbers = await numbers_of(app, api, world, classic)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            locked = await api.post({"query": CREATE, "variables": {"i": {"firstName": "Later"}}}, rep)
            read = await api.gql(COUNT, rep)  # readers are not held by a writer (WAL)
            # Let in and read (WAL), the classic sale's unit of work finds the lock taken.
            classic_sale = await classic.post(world.a.caller("apikey"), "sale", simple_sale(numbers))
        finally:
            other.execute("ROLLBACK")
            other.close()
        _expect_unavailable(locked)
        assert (classic_sale.status_code, classic_sale.headers["retry-after"]) == (503, "5")
        assert classic_sale.json()["message"] == MESSAGE
        assert read == {"customers": {"totalCount": 1}}
        created = await api.gql(CREATE, rep, i={"firstName": "Later"})
        assert created["createCustomer"]["userErrors"] == []


async def test_once_a_field_has_committed_the_answer_keeps_it_and_names_the_lost_field(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two createCustomer fields in one mutation, each committed on its own: the database drops the
    # second's connection. A 503 would invite sending both again; the answer is the usual one (the
    # payloads are non-null, so the lost field nulls the data), its error coded UNAVAILABLE.
    create = customers_service.create_customer
    calls = 0

    async def dropped_on_the_second(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionResetError(104, "Connection reset by peer")
        return await create(*args, **kwargs)

    monkeypatch.setattr(customers_service, "create_customer", dropped_on_the_second)
    two = """mutation {
      first: createCustomer(input: {firstName: "First"}) { customer { firstName } userErrors { code } }
      second: createCustomer(input: {firstName: "Second"}) { customer { firstName } userErrors { code } }
    }"""
    response = await api.post({"query": two}, world.a.caller("rep"))
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert body["errors"] == [{"message": MESSAGE, "extensions": {"code": "UNAVAILABLE"}, "path": ["second"]}]

    # The same failure in the request's first field: nothing changed, so the whole request is 503.
    calls = 1
    _expect_unavailable(await api.post({"query": two}, world.a.caller("rep")))
    names = await api.gql("{ customers(first: 10) { edges { node { firstName } } } }", world.a.caller("rep"))
    assert sorted(edge["node"]["firstName"] for edge in names["customers"]["edges"]) == ["Cus", "First"]


async def test_a_sale_charged_before_the_database_went_away_is_never_answered_retry(
    app: Starlette, api: Api, world: World, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The PENDING sale committed, the gateway charged the card, then the connection dropped as the
    # answer was being recorded. "Retry in a moment" would charge the card again: the answer is the
    # internal error it always was (the sale stays PENDING until reconciliation settles it).
    classic = Classic(http)
    numbers = await numbers_of(app, api, world, classic)

    async def dropped(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(transactions_service, "settle", dropped)
    classic_sale = await classic.post(world.a.caller("apikey"), "sale", simple_sale(numbers))
    charged = await api.post(
        {
            "query": CHARGE_NOW,
            "variables": {"i": {"customerId": world.a.customer_id, "lines": ONE_LINE, "card": card(VISA)}},
        },
        world.a.caller("rep"),
    )

    assert classic_sale.status_code == 500
    assert "retry-after" not in classic_sale.headers
    assert classic_sale.json()["result_code"] == 4
    assert charged.status_code == 200
    assert "retry-after" not in charged.headers
    assert [error["extensions"]["code"] for error in charged.json()["errors"]] == ["INTERNAL_SERVER_ERROR"]
    assert len(await sandbox_charges(app)) == 2  # one each, and nobody was told to send it again


async def test_an_unexpected_failure_on_a_hosted_page_is_a_page_with_its_reference(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(card_page, "open_link", broken)
    token = secrets.token_urlsafe(32)
    shown = await http.get(f"/card/{token}")
    sent = await http.post(f"/card/{token}", data={"card_number": "4242424242424242"})
    for answer in (shown, sent):
        assert answer.status_code == 500
        assert answer.headers["content-type"].startswith("text/html")
        assert f"quote this reference: {answer.headers['x-request-id']}" in answer.text
        assert "a bug" not in answer.text
    assert "reload this page before paying again" not in shown.text
    assert "reload this page before paying again" in sent.text
    assert "4242424242424242" not in sent.text
