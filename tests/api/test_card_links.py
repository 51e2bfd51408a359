"""Card tokenization links over the API: create, list, revoke, email.

A link is PUBLIC_URL + "/card/" + a 256-bit URL-safe token (43 characters).
It lasts seven days unless told otherwise (at most 90). With sendEmail the
customer gets it by email: queued in the change's transaction and sent by
the outbox job once the link commits (written to DATA_DIR/outbox when no
SMTP server is configured); a mail server that is down has it tried again
later, and the link stands.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import CardTokenizationLink, OutgoingEmail
from tests.helpers import Api, Caller, World, deliver_outbox, resources, without_throttle
from tests.net import free_port

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
MISSING_LINK = "clink_0000000000000000000000"

LINK_FIELDS = """
  id status expiresAt usedAt takesOverOpenOrders failedAttempts createdAt url
  customer { id } paymentMethod { id }
"""

CREATE = f"""
mutation($i: CreateCardTokenizationLinkInput!) {{
  createCardTokenizationLink(input: $i) {{
    cardTokenizationLink {{ {LINK_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}"""

REVOKE = f"""
mutation($i: RevokeCardTokenizationLinkInput!) {{
  revokeCardTokenizationLink(input: $i) {{
    cardTokenizationLink {{ {LINK_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}"""

LINKS = """
query($id: ID!) { customer(id: $id) { cardTokenizationLinks { id status url } } }"""

NODE = f"query($id: ID!) {{ node(id: $id) {{ __typename ... on CardTokenizationLink {{ {LINK_FIELDS} }} }} }}"


async def create(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """The createCardTokenizationLink payload."""
    data = await api.gql(CREATE, caller, i={"customerId": customer_id, **input})
    return dict(data["createCardTokenizationLink"])


async def created(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """A link that must be made."""
    payload = await create(api, caller, customer_id, **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["cardTokenizationLink"])


async def revoke(api: Api, caller: Caller, link_id: str) -> dict[str, Any]:
    data = await api.gql(REVOKE, caller, i={"cardTokenizationLinkId": link_id})
    return dict(data["revokeCardTokenizationLink"])


async def links_of(api: Api, caller: Caller, customer_id: str) -> list[dict[str, Any]]:
    data = await api.gql(LINKS, caller, id=customer_id)
    return list(data["customer"]["cardTokenizationLinks"])


def problems(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def outbox(app: Starlette) -> list[Path]:
    folder = resources(app).settings.data_dir / "outbox"
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def read_email(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


async def customer_without_email(api: Api, caller: Caller) -> str:
    data = await api.gql(
        'mutation { createCustomer(input: {firstName: "Nomail"}) { customer { id email } } }', caller
    )
    customer = data["createCustomer"]["customer"]
    assert customer["email"] is None
    return str(customer["id"])


# --- creating -------------------------------------------------------------------------------------


async def test_create_link_with_the_defaults(api: Api, world: World) -> None:
    before = datetime.now(UTC)

    link = await created(api, world.a.caller("rep"), world.a.customer_id)

    assert link["id"].startswith("clink_")
    assert len(link["id"]) == 28
    prefix = f"{DEFAULT_PUBLIC_URL}/card/"
    assert link["url"].startswith(prefix)
    assert TOKEN.fullmatch(link["url"].removeprefix(prefix))
    assert (link["status"], link["usedAt"], link["paymentMethod"]) == ("ACTIVE", None, None)
    assert (link["takesOverOpenOrders"], link["failedAttempts"]) == (False, 0)
    assert link["customer"] == {"id": world.a.customer_id}
    week_ahead = before + timedelta(days=7)
    assert abs(parse(link["expiresAt"]) - week_ahead) < timedelta(minutes=1)
    assert abs(parse(link["createdAt"]) - before) < timedelta(minutes=1)


async def test_each_link_has_its_own_token_and_lists_newest_first(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    first = await created(api, rep, world.a.customer_id)
    second = await created(api, rep, world.a.customer_id, takesOverOpenOrders=True)
    third = await created(api, rep, world.a.customer_id)

    urls = [first["url"], second["url"], third["url"]]
    assert len(set(urls)) == 3
    assert second["takesOverOpenOrders"] is True
    assert await links_of(api, rep, world.a.customer_id) == [
        {"id": link["id"], "status": "ACTIVE", "url": link["url"]} for link in (third, second, first)
    ]
    # node(id:) gives the same link, with the same URL, to every role of the account.
    data = await api.gql(NODE, world.a.caller("viewer"), id=first["id"])
    assert data["node"] == {"__typename": "CardTokenizationLink", **first}


@pytest.mark.parametrize("settings_overrides", [{"public_url": "https://pay.example.com/"}])
async def test_the_url_starts_with_public_url(api: Api, world: World) -> None:
    link = await created(api, world.a.caller("rep"), world.a.customer_id)

    assert link["url"].startswith("https://pay.example.com/card/")
    assert TOKEN.fullmatch(link["url"].removeprefix("https://pay.example.com/card/"))
    assert (await links_of(api, world.a.caller("rep"), world.a.customer_id))[0]["url"] == link["url"]


async def test_a_chosen_expiry_is_kept(api: Api, world: World) -> None:
    expiry = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)

    link = await created(api, world.a.caller("rep"), world.a.customer_id, expiresAt=iso(expiry))

    assert parse(link["expiresAt"]) == expiry


async def test_expiry_must_be_in_the_next_90_days(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    now = datetime.now(UTC)
    cases = {
        "past": iso(now - timedelta(minutes=1)),
        "91 days": iso(now + timedelta(days=91)),
        "no time zone": (now + timedelta(days=1)).replace(tzinfo=None).isoformat(),
    }

    actual = {}
    for name, expiry in cases.items():
        payload = await create(api, rep, world.a.customer_id, expiresAt=expiry)
        assert payload["cardTokenizationLink"] is None, name
        actual[name] = problems(payload)

    assert actual == {name: [(["input", "expiresAt"], "INVALID")] for name in cases}
    assert await links_of(api, rep, world.a.customer_id) == []
    # Just inside the limit is fine.
    await created(api, rep, world.a.customer_id, expiresAt=iso(now + timedelta(days=89)))


async def test_an_expired_link_says_so(api: Api, world: World, app: Starlette) -> None:
    link = await created(api, world.a.caller("rep"), world.a.customer_id)
    async with resources(app).sessions() as db:
        await db.exec(
            update(CardTokenizationLink)
            .where(CardTokenizationLink.id == link["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await db.commit()

    assert [row["status"] for row in await links_of(api, world.a.caller("rep"), world.a.customer_id)] == [
        "EXPIRED"
    ]


# --- revoking -------------------------------------------------------------------------------------


async def test_revoke_link_and_revoke_again(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    link = await created(api, rep, world.a.customer_id)

    first = await revoke(api, rep, link["id"])
    second = await revoke(api, rep, link["id"])

    assert first["userErrors"] == []
    assert first["cardTokenizationLink"] == {**link, "status": "REVOKED"}
    assert second == first
    assert await links_of(api, rep, world.a.customer_id) == [
        {"id": link["id"], "status": "REVOKED", "url": link["url"]}
    ]


# --- email ----------------------------------------------------------------------------------------


async def test_send_email_writes_the_link_to_the_outbox(api: Api, world: World, app: Starlette) -> None:
    link = await created(api, world.a.caller("rep"), world.a.customer_id, sendEmail=True)
    assert outbox(app) == []  # queued with the link; the outbox job sends it once the link commits
    await deliver_outbox(app)

    (path,) = outbox(app)
    message = read_email(path)
    assert message["To"] == "c@alpha.test"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert link["url"] in body.get_content()
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert link["url"] in html.get_content()


async def test_send_email_to_a_customer_without_email_makes_no_link(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")
    customer_id = await customer_without_email(api, rep)

    payload = await create(api, rep, customer_id, sendEmail=True)

    assert payload == {
        "cardTokenizationLink": None,
        "userErrors": [
            {
                "field": ["input", "sendEmail"],
                "code": "INVALID",
                "message": "The customer has no email address to send the link to.",
            }
        ],
    }
    assert await links_of(api, rep, customer_id) == []
    assert outbox(app) == []
    # Without sendEmail the same customer can have a link to pass on by hand.
    await created(api, rep, customer_id)


@pytest.mark.parametrize("settings_overrides", [{"smtp_url": f"smtp://127.0.0.1:{free_port()}"}])
async def test_a_link_whose_mail_server_is_down_is_made_and_its_email_tried_again_later(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")

    link = await created(api, rep, world.a.customer_id, sendEmail=True)
    delivered = await deliver_outbox(app)

    assert [found["id"] for found in await links_of(api, rep, world.a.customer_id)] == [link["id"]]
    assert (delivered.sent, delivered.retrying, delivered.failed) == (0, 1, 0)
    async with resources(app).sessions() as db:
        (email,) = await db.exec(select(OutgoingEmail))
    assert (email.status, email.purpose, email.recipient, email.attempts) == (
        "PENDING",
        "card_request",
        "c@alpha.test",
        1,
    )
    assert email.next_attempt_at > datetime.now(UTC)  # backed off, not lost
    assert email.last_error is not None
    assert "127.0.0.1" in email.last_error
    token = link["url"].rsplit("/", 1)[1]
    assert token not in email.last_error
    assert token not in (email.message_encrypted or "")
    assert (await deliver_outbox(app)).retrying == 0  # not due yet


# --- who may --------------------------------------------------------------------------------------


async def test_viewers_may_not_make_or_revoke_links(api: Api, world: World) -> None:
    existing = await created(api, world.a.caller("owner"), world.a.customer_id)
    actual: dict[tuple[str, str], str] = {}
    wanted: dict[tuple[str, str], str] = {}
    for name in ["owner", "admin", "rep", "apikey", "viewer"]:
        caller = world.a.caller(name)
        target = await created(api, world.a.caller("owner"), world.a.customer_id)
        outcomes = {
            "createCardTokenizationLink": await create(api, caller, world.a.customer_id),
            "revokeCardTokenizationLink": await revoke(api, caller, target["id"]),
        }
        for mutation, payload in outcomes.items():
            actual[(name, mutation)] = (
                "ok" if payload["userErrors"] == [] else payload["userErrors"][0]["code"]
            )
            wanted[(name, mutation)] = "FORBIDDEN" if name == "viewer" else "ok"
            if name == "viewer":
                assert payload["cardTokenizationLink"] is None

    assert actual == wanted
    listed = await links_of(api, world.a.caller("viewer"), world.a.customer_id)
    # existing, then per allowed caller: a target (revoked) and its own link; the viewer's target only.
    assert len(listed) == 1 + 4 * 2 + 1
    assert listed[0]["status"] == "ACTIVE"  # the viewer's target stayed active
    assert listed[-1]["id"] == existing["id"]


async def test_other_accounts_links_are_not_found(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    theirs = await created(api, world.b.caller("rep"), world.b.customer_id)

    foreign = await api.post(
        {"query": REVOKE, "variables": {"i": {"cardTokenizationLinkId": theirs["id"]}}}, rep
    )
    missing = await api.post(
        {"query": REVOKE, "variables": {"i": {"cardTokenizationLinkId": MISSING_LINK}}}, rep
    )
    for_their_customer = await create(api, rep, world.b.customer_id)

    assert without_throttle(foreign.json()) == without_throttle(missing.json())
    payload = foreign.json()["data"]["revokeCardTokenizationLink"]
    assert problems(payload) == [(["input", "cardTokenizationLinkId"], "NOT_FOUND")]
    assert problems(for_their_customer) == [(["input", "customerId"], "NOT_FOUND")]
    assert (await api.gql(NODE, rep, id=theirs["id"]))["node"] is None
    assert await links_of(api, world.b.caller("rep"), world.b.customer_id) == [
        {"id": theirs["id"], "status": "ACTIVE", "url": theirs["url"]}
    ]
