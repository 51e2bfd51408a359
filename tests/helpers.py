"""Test helpers: callers of every kind, and a small GraphQL client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette

from paydesk.accounts.service import create_account
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.auth.service import add_user
from paydesk.customers.service import create_customer
from paydesk.outbox.delivery import Delivered, deliver_emails
from paydesk.resources import Resources

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Caller:
    """Whoever sends a request: a signed-in user, an API key, or nobody."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    role: Role | None = None


ANONYMOUS = Caller("anonymous")


@dataclass
class Tenant:
    account_id: str
    callers: dict[str, Caller]
    customer_id: str
    owner_id: str

    def caller(self, name: str) -> Caller:
        return self.callers[name]


@dataclass
class World:
    a: Tenant
    b: Tenant


class Api:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(self, body: Any, caller: Caller = ANONYMOUS, **headers: str) -> httpx.Response:
        """One request as ``caller``; the client keeps no cookies between requests."""
        response = await self.http.post(
            "/graphql", json=body, headers={"content-type": "application/json", **caller.headers, **headers}
        )
        self.http.cookies.clear()
        return response

    async def gql(self, query: str, caller: Caller, **variables: Any) -> dict[str, Any]:
        """The data of a successful request; fails the test on any top-level error."""
        response = await self.post({"query": query, "variables": variables}, caller)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return dict(body["data"])


def resources(app: Starlette) -> Resources:
    return app.state.resources  # type: ignore[no-any-return]


async def deliver_outbox(app: Starlette) -> Delivered:
    """Run the outbox job once, as a serving process does after a commit (tests run without jobs)."""
    res = resources(app)
    return await deliver_emails(res.sessions, res.mailer, res.secret)


async def sign_in(api: Api, email: str, password: str = PASSWORD) -> str:
    response = await api.post(
        {
            "query": "mutation($i: SignInInput!) { signIn(input: $i) { user { id } userErrors { code } } }",
            "variables": {"i": {"email": email, "password": password}},
        }
    )
    assert response.json()["data"]["signIn"]["userErrors"] == []
    return response.cookies["paydesk_session"]


async def make_tenant(app: Starlette, api: Api, label: str) -> Tenant:
    res = resources(app)
    async with res.sessions() as db:
        created = await create_account(
            db,
            res.secret,
            name=f"Account {label}",
            owner_email=f"owner@{label}.test",
            owner_password=PASSWORD,
        )
        account_id = created.account.id
        for role in (Role.ADMIN, Role.REP, Role.VIEWER):
            await add_user(db, account_id, f"{role.value.lower()}@{label}.test", PASSWORD, role)
        owner = Principal(account_id, Role.OWNER, user_id=created.owner.id)
        customer = await create_customer(
            db, owner, {"first_name": "Cus", "last_name": label, "email": f"c@{label}.test"}
        )
        await db.commit()
        key = created.api_key
    callers = {"apikey": Caller("apikey", {"Api-Appid": key.key.id, "Api-Key": key.secret}, Role.ADMIN)}
    for role in Role:
        token = await sign_in(api, f"{role.value.lower()}@{label}.test")
        callers[role.value.lower()] = Caller(role.value.lower(), {"Cookie": f"paydesk_session={token}"}, role)
    return Tenant(account_id, callers, customer.id, created.owner.id)


async def make_world(app: Starlette, http: httpx.AsyncClient) -> World:
    api = Api(http)
    return World(await make_tenant(app, api, "alpha"), await make_tenant(app, api, "beta"))


def without_throttle(body: Any) -> Any:
    """A response body without the rate limit's state, which changes with every request (like the
    X-Rate-Limit-Remaining header): what two answers that must be the same are compared on."""
    if not isinstance(body, dict):
        return body
    cost = (body.get("extensions") or {}).get("cost")
    if not isinstance(cost, dict):
        return body
    kept = {k: v for k, v in cost.items() if k != "throttleStatus"}
    return {**body, "extensions": {**body["extensions"], "cost": kept}}


def without_cost(body: Any) -> Any:
    """A response body without extensions.cost (every GraphQL answer carries it), for exact comparisons."""
    if not isinstance(body, dict) or "extensions" not in body:
        return body
    extensions = {k: v for k, v in body["extensions"].items() if k != "cost"}
    rest = {k: v for k, v in body.items() if k != "extensions"}
    return {**rest, "extensions": extensions} if extensions else rest


@contextmanager
def sql_statements(app: Starlette, containing: str = "") -> Iterator[list[str]]:
    """The SQL statements the app's engine runs while the block runs (those containing ``containing``)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if containing in statement:
            seen.append(statement)

    engine = resources(app).engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
