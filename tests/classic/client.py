"""Calling ``POST /payments.php`` as classic integrations do, and the test account's numbered objects.

Requests are forms (urlencoded, or multipart when asked) with ``appid``,
``key``, ``reqType`` and ``data`` as a JSON string; credentials go in the
fields unless a test sends them as the GraphQL API's headers.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import (
    Address,
    Customer,
    Event,
    PaymentMethod,
    SandboxCharge,
    Subscription,
    Transaction,
)
from tests.api.test_sales import create_product
from tests.helpers import Api, Caller, World, resources

YEAR = datetime.now(UTC).year + 3
PRODUCT = "query($id: ID!) { node(id: $id) { ... on Product { number } } }"

# The sale body as the classic documentation gives it; tests change only its ids (and, where they say
# so, the expiry, which the documentation set in 2017).
DOCUMENTED = """
{ "products": [ { "quantity": "1", "price": "49.00", "type": "single", "id": "1" },
  { "id": "1", "quantity": "1", "type": "subscription", "unit": "week", "price": "35.00" },
  { "id": "1", "quantity": "1", "type": "payment_plan", "unit": "month", "price": "100.00", "payment_count": "4" } ],
  "contact_id": 49, "invoice_id": 1, "gateway_id": 1720,
  "card_details": { "card_number": "4111111111111111", "card_code": "123", "card_expire_month": 5,
  "card_expire_year": 2017, "contact_firstname": "Patrick", "contact_lastname": "Willis",
  "contact_email": "pw52@test.com", "contact_address": "123 Test St", "contact_city": "Santa Barbara",
  "contact_state": "CA", "contact_zip": "93105", "contact_country": "US" } }
"""


@dataclass(frozen=True)
class Numbers:
    """The numbers a classic integration sends for the test account's objects."""

    contact: int
    product: int
    gateway: int
    invoice: int


def documented(numbers: Numbers, *, expire_year: int | None = None) -> dict[str, Any]:
    """The documented body with this account's numbers (ids as the documentation types them)."""
    body: dict[str, Any] = json.loads(DOCUMENTED)
    for line in body["products"]:
        line["id"] = str(numbers.product)
    body["contact_id"] = numbers.contact
    body["invoice_id"] = numbers.invoice
    body["gateway_id"] = numbers.gateway
    if expire_year is not None:
        body["card_details"]["card_expire_year"] = expire_year
    return body


def simple_sale(numbers: Numbers, card_number: str = "4242424242424242", **extra: Any) -> dict[str, Any]:
    """One single line of the product at 49.00 with a new card."""
    return {
        "contact_id": numbers.contact,
        "products": [{"id": numbers.product, "quantity": 1, "price": "49.00", "type": "single"}],
        "card_details": {
            "card_number": card_number,
            "card_code": "123",
            "card_expire_month": 12,
            "card_expire_year": YEAR,
        },
        **extra,
    }


def with_card(body: dict[str, Any], **card: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    changed["card_details"].update(card)
    return changed


class Classic:
    """A client of /payments.php that keeps every answer's text (for the card-data searches)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.bodies: list[str] = []

    async def post(
        self,
        caller: Caller | None,
        req_type: str | None = None,
        data: Any = None,
        *,
        in_headers: bool = False,
        multipart: bool = False,
        headers: dict[str, str] | None = None,
        **fields: str,
    ) -> httpx.Response:
        form: dict[str, str] = dict(fields)
        sent_headers = dict(headers or {})
        if caller is not None and in_headers:
            sent_headers.update(caller.headers)
        elif caller is not None:
            form["appid"], form["key"] = caller.headers["Api-Appid"], caller.headers["Api-Key"]
        if req_type is not None:
            form["reqType"] = req_type
        if data is not None:
            form["data"] = data if isinstance(data, str) else json.dumps(data)
        if multipart:
            # httpx sends multipart/form-data when files are given; an empty part list forces it.
            parts = {name: (None, value) for name, value in form.items()}
            response = await self.http.post("/payments.php", files=parts, headers=sent_headers)
        else:
            response = await self.http.post("/payments.php", data=form, headers=sent_headers)
        self.bodies.append(response.text)
        return response

    async def call(self, caller: Caller, req_type: str, data: Any = None, **options: Any) -> dict[str, Any]:
        """The JSON answer of a request that must be answered with HTTP 200."""
        response = await self.post(caller, req_type, data, **options)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def numbers_of(app: Starlette, api: Api, world: World, classic: Classic) -> Numbers:
    """The world's first account with a product, its numbers as list_gateways and list_invoices give them."""
    product_id = await create_product(api, world.a.caller("admin"), "Membership", "20.00")
    product = (await api.gql(PRODUCT, world.a.caller("viewer"), id=product_id))["node"]
    key = world.a.caller("apikey")
    gateways = (await classic.call(key, "list_gateways"))["gateways"]
    templates = (await classic.call(key, "list_invoices"))["invoices"]
    async with resources(app).sessions() as db:
        customer = await db.get(Customer, world.a.customer_id)
        assert customer is not None
    return Numbers(customer.number, product["number"], gateways[0]["id"], templates[0]["id"])


async def row_counts(app: Starlette) -> dict[str, int]:
    """How many rows each table a sale writes holds: what a refused request must not change."""
    counts = {}
    async with resources(app).sessions() as db:
        for model in (Transaction, Customer, Address, PaymentMethod, Subscription, SandboxCharge, Event):
            counts[model.__name__] = int((await db.exec(select(func.count()).select_from(model))).one())
    return counts
