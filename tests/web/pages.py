"""Helpers for hosted-page tests: a payer's browser, a card link, and reading the HTML back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
from starlette.applications import Starlette

from paydesk.clock import utcnow
from paydesk.models import CardTokenizationLink
from paydesk.web.security import CSRF_FIELD
from tests.helpers import Api, World, resources

# Every card number any hosted-page test types in, as typed and as bare digits.
CARD_NUMBERS = (
    "4242 4242 4242 4242",
    "4242424242424242",
    "4242424242424241",
    "4000000000000002",
    "5555555555554444",
)

CREATE_LINK = """
mutation($i: CreateCardTokenizationLinkInput!) {
  createCardTokenizationLink(input: $i) {
    cardTokenizationLink { id url status }
    userErrors { field code message }
  }
}"""

REVOKE_LINK = """
mutation($i: RevokeCardTokenizationLinkInput!) {
  revokeCardTokenizationLink(input: $i) { cardTokenizationLink { status } userErrors { code } }
}"""

LINK = """
query($id: ID!) {
  node(id: $id) {
    ... on CardTokenizationLink { status failedAttempts usedAt paymentMethod { id last4 } }
  }
}"""

CARDS = """
query($id: ID!) {
  customer(id: $id) { paymentMethods { id brand last4 expMonth expYear nameOnCard isDefault } }
}"""


class Payer:
    """A payer's browser: keeps its cookies, and checks that no response ever shows a card number."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, path: str) -> httpx.Response:
        return self._checked(await self.client.get(path))

    async def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        return self._checked(await self.client.post(path, data=data))

    async def open_form(self, path: str) -> str:
        """GET the form; its CSRF token."""
        response = await self.get(path)
        assert response.status_code == 200, response.text
        return inputs(response.text)[CSRF_FIELD]["value"]

    async def send_card(self, path: str, **fields: str) -> httpx.Response:
        """GET the form, then POST it with ``fields`` over a good card's."""
        token = await self.open_form(path)
        card = {"name": "Ada Lovelace", "number": "4242 4242 4242 4242", "exp_month": "12"}
        card |= {"exp_year": str(datetime.now().year + 3), "cvc": "123", CSRF_FIELD: token}
        return await self.post(path, card | fields)

    @staticmethod
    def _checked(response: httpx.Response) -> httpx.Response:
        for number in CARD_NUMBERS:
            assert number not in response.text
        return response


@dataclass(frozen=True)
class Link:
    id: str
    path: str


async def new_link(api: Api, world: World, *, takes_over: bool = False) -> Link:
    """A card link for tenant a's customer, made by a rep through the API."""
    variables = {"customerId": world.a.customer_id, "takesOverOpenOrders": takes_over}
    payload = (await api.gql(CREATE_LINK, world.a.caller("rep"), i=variables))["createCardTokenizationLink"]
    assert payload["userErrors"] == []
    made = payload["cardTokenizationLink"]
    assert made["status"] == "ACTIVE"
    return Link(made["id"], httpx.URL(made["url"]).path)


async def revoke(api: Api, world: World, link: Link) -> None:
    variables = {"cardTokenizationLinkId": link.id}
    payload = (await api.gql(REVOKE_LINK, world.a.caller("rep"), i=variables))["revokeCardTokenizationLink"]
    assert payload == {"cardTokenizationLink": {"status": "REVOKED"}, "userErrors": []}


async def expire(app: Starlette, link: Link) -> None:
    """Move the link's expiry into the past, as time passing would."""
    async with resources(app).sessions() as db:
        row = await db.get(CardTokenizationLink, link.id)
        assert row is not None
        row.expires_at = utcnow() - timedelta(minutes=1)
        db.add(row)
        await db.commit()


async def link_state(api: Api, world: World, link: Link) -> dict[str, Any]:
    """The link as staff see it: status, failedAttempts, usedAt and its card."""
    node = (await api.gql(LINK, world.a.caller("viewer"), id=link.id))["node"]
    return dict(node)


async def cards(api: Api, world: World) -> list[dict[str, Any]]:
    """The customer's cards as staff see them."""
    customer = (await api.gql(CARDS, world.a.caller("viewer"), id=world.a.customer_id))["customer"]
    return list(customer["paymentMethods"])


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "input" and "name" in values:
            self.found[values["name"]] = values


def inputs(html: str) -> dict[str, dict[str, str]]:
    """Every named input of a page, by name, with its attributes."""
    parser = _Inputs()
    parser.feed(html)
    return parser.found


def field_errors(html: str) -> dict[str, str]:
    """The error shown at each field, by field name."""
    return dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html))
