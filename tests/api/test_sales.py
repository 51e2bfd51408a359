"""Sales over the API: chargeNow and logTransaction, their outcomes, money, discounts, invoices and reads.

Cards go through the built-in sandbox (DESIGN.md, "Sandbox gateway test
cards") unless a test adds another gateway; Stripe is faked by swapping the
shared HTTP client's transport. The sandbox's own books (SandboxCharge rows)
say what was really charged. Every sale a test gets back passes the sum
check: its line totals sum to its total and its line discounts to its
discount.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.crypto import encrypt_json
from paydesk.models import Account, Gateway, SandboxCharge, Subscription, Transaction
from tests.helpers import Api, Caller, World, resources

YEAR = datetime.now(UTC).year + 3
VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
AMEX = "378282246310005"
DECLINE = "4000000000000002"
FAIL = "4000000000000119"
STRIPE_KEY = "sk_test_51PaydeskSalesTestKeyQw7Zr4Lm9Xv2"

# Outcome of a new card given to chargeNow: (status, resultCode, declineCode); DESIGN.md's tables.
OUTCOMES = {
    VISA: ("PAID", "GOOD", None),
    MASTERCARD: ("PAID", "GOOD", None),
    AMEX: ("PAID", "GOOD", None),
    "4000000000000002": ("DECLINED", "BAD_DATA", "generic_decline"),
    "4000000000009995": ("DECLINED", "BAD_DATA", "insufficient_funds"),
    "4000000000000069": ("DECLINED", "BAD_DATA", "expired_card"),
    "4000000000009979": ("DECLINED", "BAD_DATA", "stolen_card"),
    "4000000000000119": ("FAILED", "REMOTE_GATEWAY_ERROR", None),
    "4000000000000127": ("FAILED", "GATEWAY_ACCOUNT_ERROR", None),
    "4000000000000135": ("FAILED", "GATEWAY_CREDENTIALS_ERROR", None),
    "4000000000000341": ("DECLINED", "BAD_DATA", "generic_decline"),
}

ONE_LINE = [{"description": "Consulting", "unitPrice": "49.00"}]

MONEY = "amount currency minorUnits"
TRANSACTION = f"""
  id status origin resultCode declineCode resultMessage externalId transactionDate createdAt updatedAt
  subtotal {{ {MONEY} }} discount {{ {MONEY} }} total {{ {MONEY} }} amountRefunded {{ minorUnits }}
  customer {{ id }}
  gateway {{ id kind }}
  paymentMethod {{ id last4 isDefault status }}
  lines {{
    description quantity kind unit paymentCount product {{ id }}
    unitPrice {{ {MONEY} }} discount {{ minorUnits }} total {{ {MONEY} }}
  }}
  events {{ kind note amount {{ minorUnits }} }}
  invoice {{ number url total {{ minorUnits }} }}
  replacesTransaction {{ id }}
"""
PAYLOAD = f"transaction {{ {TRANSACTION} }} userErrors {{ field code message }}"
CHARGE = f"mutation($i: ChargeNowInput!) {{ chargeNow(input: $i) {{ {PAYLOAD} }} }}"
LOG = f"mutation($i: LogTransactionInput!) {{ logTransaction(input: $i) {{ {PAYLOAD} }} }}"

TOKENIZE = """
mutation($i: TokenizeCardInput!) {
  tokenizeCard(input: $i) { paymentMethod { id last4 isDefault } userErrors { field code message } }
}"""
ADD_GATEWAY = """
mutation($i: AddGatewayInput!) { addGateway(input: $i) { gateway { id kind } userErrors { field code } } }"""
CREATE_CUSTOMER = """
mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"""
CREATE_PRODUCT = """
mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { field code } } }"""
SAVE_OFFER = """
mutation($i: SaveOfferInput!) { saveOffer(input: $i) { offer { id } userErrors { field code message } } }"""
CREATE_COUPON = """
mutation($i: CreateCouponInput!) { createCoupon(input: $i) { coupon { id } userErrors { field code } } }"""
COUPON = "query($id: ID!) { node(id: $id) { ... on Coupon { code timesRedeemed } } }"
CARDS = """
query($id: ID!) {
  customer(id: $id) {
    paymentMethods(includeRemoved: true) { last4 isDefault status }
    defaultPaymentMethod { last4 }
  }
}"""


# --- helpers --------------------------------------------------------------------------------------


def minor(money: dict[str, Any]) -> int:
    return int(money["minorUnits"])


def balanced(sale: dict[str, Any]) -> dict[str, Any]:
    """The sum check, on every sale the API returns: lines add up to the sale, exactly."""
    lines = sale["lines"]
    assert sum(minor(line["total"]) for line in lines) == minor(sale["total"]), sale
    assert sum(minor(line["discount"]) for line in lines) == minor(sale["discount"]), sale
    assert minor(sale["subtotal"]) - minor(sale["discount"]) == minor(sale["total"]), sale
    return sale


def problems(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def card(number: str, cvc: str | None = None) -> dict[str, Any]:
    return {
        "number": number,
        "expMonth": 12,
        "expYear": YEAR,
        "cvc": cvc or ("1234" if len(number) == 15 else "123"),
    }


async def run(api: Api, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
    """The payload of a one-field mutation; a sale in it must pass the sum check."""
    data = await api.gql(mutation, caller, i=input)
    (payload,) = data.values()
    if payload.get("transaction"):
        balanced(payload["transaction"])
    return dict(payload)


async def charge(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """The chargeNow payload; lines default to one $49.00 line."""
    return await run(api, CHARGE, caller, **{"customerId": customer_id, "lines": ONE_LINE, **input})


async def charged(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """A charge that must not be refused: its sale (which may still be DECLINED or FAILED)."""
    payload = await charge(api, caller, customer_id, **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["transaction"])


async def log(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """The logTransaction payload; lines default to one $49.00 line."""
    return await run(api, LOG, caller, **{"customerId": customer_id, "lines": ONE_LINE, **input})


async def logged(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    payload = await log(api, caller, customer_id, **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["transaction"])


async def put_on_file(
    api: Api, caller: Caller, customer_id: str, number: str, **input: Any
) -> dict[str, Any]:
    payload = await run(api, TOKENIZE, caller, customerId=customer_id, card=card(number), **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["paymentMethod"])


async def new_customer(api: Api, caller: Caller, name: str = "Nocard") -> str:
    payload = await run(api, CREATE_CUSTOMER, caller, firstName=name, email=f"{name.lower()}@example.com")
    return str(payload["customer"]["id"])


async def add_gateway(api: Api, caller: Caller, kind: str, **credentials: Any) -> str:
    payload = await run(api, ADD_GATEWAY, caller, kind=kind, name=f"Extra {kind}", credentials=credentials)
    assert payload["userErrors"] == [], payload
    return str(payload["gateway"]["id"])


async def create_product(api: Api, caller: Caller, name: str, amount: str, currency: str = "USD") -> str:
    payload = await run(
        api, CREATE_PRODUCT, caller, name=name, price={"amount": amount, "currency": currency}
    )
    assert payload["userErrors"] == [], payload
    return str(payload["product"]["id"])


async def create_coupon(api: Api, caller: Caller, **input: Any) -> str:
    payload = await run(api, CREATE_COUPON, caller, **input)
    assert payload["userErrors"] == [], payload
    return str(payload["coupon"]["id"])


async def times_redeemed(api: Api, caller: Caller, coupon_id: str) -> int:
    return int((await api.gql(COUPON, caller, id=coupon_id))["node"]["timesRedeemed"])


async def cards_on_file(api: Api, caller: Caller, customer_id: str) -> dict[str, Any]:
    return dict((await api.gql(CARDS, caller, id=customer_id))["customer"])


async def sandbox_charges(app: Starlette, transaction_id: str | None = None) -> list[SandboxCharge]:
    """What the sandbox really charged: for one sale, or every charge it made."""
    query = select(SandboxCharge).order_by(col(SandboxCharge.created_at))
    if transaction_id is not None:
        query = query.where(SandboxCharge.reference == transaction_id)
    async with resources(app).sessions() as db:
        return list(await db.exec(query))


async def assert_charged_once(app: Starlette, sale: dict[str, Any]) -> SandboxCharge:
    """Exactly one sandbox charge for the sale, for its total, under the key derived from its id."""
    rows = await sandbox_charges(app, sale["id"])
    assert len(rows) == 1, rows
    (row,) = rows
    assert (row.amount, row.currency) == (minor(sale["total"]), sale["total"]["currency"])
    assert row.idempotency_key == "paydesk:charge:" + sale["id"]
    return row


async def set_sandbox_fault(app: Starlette, gateway_id: str, fault: str | None) -> None:
    """Break (or mend) a sandbox gateway behind the API's back, as an outage would.

    A faulty sandbox refuses to tokenize too, so a card is put on file first and the fault comes after.
    """
    res = resources(app)
    credentials = encrypt_json(res.secret, {"fault": fault, "latency_ms": 0})
    async with res.sessions() as db:
        await db.exec(update(Gateway).where(col(Gateway.id) == gateway_id).values(credentials=credentials))
        await db.commit()


async def flaky_card(api: Api, app: Starlette, world: World, fault: str) -> tuple[str, str]:
    """(gateway id, payment method id): a visa kept by an extra sandbox that then gets ``fault``."""
    gateway_id = await add_gateway(api, world.a.caller("admin"), "sandbox")
    method = await put_on_file(api, world.a.caller("rep"), world.a.customer_id, VISA, gatewayId=gateway_id)
    await set_sandbox_fault(app, gateway_id, fault)
    return gateway_id, str(method["id"])


def event_kinds(sale: dict[str, Any]) -> list[str]:
    return [event["kind"] for event in sale["events"]]


# --- charging a card ------------------------------------------------------------------------------


async def test_charge_the_default_card_another_card_on_file_and_a_new_card(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    default = await put_on_file(api, rep, customer, VISA)
    other = await put_on_file(api, rep, customer, MASTERCARD, makeDefault=False)

    by_default = await charged(api, rep, customer)
    by_id = await charged(api, rep, customer, paymentMethodId=other["id"])
    by_new_card = await charged(api, rep, customer, card=card(AMEX))

    sales = [by_default, by_id, by_new_card]
    assert [(s["status"], s["resultCode"], s["declineCode"], s["origin"]) for s in sales] == [
        ("PAID", "GOOD", None, "CHARGED")
    ] * 3
    assert [s["paymentMethod"]["last4"] for s in sales] == ["4242", "4444", "0005"]
    assert by_default["paymentMethod"]["id"] == default["id"]
    assert by_id["paymentMethod"]["id"] == other["id"]
    for sale in sales:
        assert sale["id"].startswith("txn_")
        assert sale["total"] == {"amount": "49.00", "currency": "USD", "minorUnits": 4900}
        assert sale["customer"] == {"id": customer}
        assert sale["gateway"]["kind"] == "sandbox"
        row = await assert_charged_once(app, sale)
        assert (row.status, sale["externalId"]) == ("succeeded", row.id)
    assert [event_kinds(s) for s in sales] == [
        ["charge_started", "paid", "invoice_issued"],
        ["charge_started", "paid", "invoice_issued"],
        ["charge_started", "card_added", "paid", "invoice_issued"],
    ]
    # The new card is kept on file, but the default stays the default.
    on_file = await cards_on_file(api, rep, customer)
    assert sorted(on_file["paymentMethods"], key=lambda m: m["last4"]) == [
        {"last4": "0005", "isDefault": False, "status": "ACTIVE"},
        {"last4": "4242", "isDefault": True, "status": "ACTIVE"},
        {"last4": "4444", "isDefault": False, "status": "ACTIVE"},
    ]
    assert len(await sandbox_charges(app)) == 3


async def test_a_paid_new_card_becomes_the_default_of_a_customer_without_one(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    customer = await new_customer(api, rep)

    sale = await charged(api, rep, customer, card=card(VISA))

    assert sale["status"] == "PAID"
    assert sale["paymentMethod"]["isDefault"] is True
    on_file = await cards_on_file(api, rep, customer)
    assert on_file["paymentMethods"] == [{"last4": "4242", "isDefault": True, "status": "ACTIVE"}]
    assert on_file["defaultPaymentMethod"] == {"last4": "4242"}
    # The next charge needs no card: the default is used.
    assert (await charged(api, rep, customer))["paymentMethod"]["last4"] == "4242"


async def test_a_new_card_whose_charge_does_not_go_through_is_not_kept(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    without_cards = await new_customer(api, rep)
    with_default = world.a.customer_id
    await put_on_file(api, rep, with_default, VISA)

    declined = await charged(api, rep, without_cards, card=card(DECLINE))
    failed = await charged(api, rep, with_default, card=card(FAIL))

    assert (declined["status"], failed["status"]) == ("DECLINED", "FAILED")
    assert await cards_on_file(api, rep, without_cards) == {
        "paymentMethods": [{"last4": "0002", "isDefault": False, "status": "REMOVED"}],
        "defaultPaymentMethod": None,
    }
    assert await cards_on_file(api, rep, with_default) == {
        "paymentMethods": [
            {"last4": "4242", "isDefault": True, "status": "ACTIVE"},
            {"last4": "0119", "isDefault": False, "status": "REMOVED"},
        ],
        "defaultPaymentMethod": {"last4": "4242"},
    }
    # With nothing kept, the customer still has no card to charge.
    payload = await charge(api, rep, without_cards)
    assert problems(payload) == [(["input", "paymentMethodId"], "NO_PAYMENT_METHOD")]


async def test_every_sandbox_test_card_charged_as_a_new_card(app: Starlette, api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    customer = await new_customer(api, rep)

    sales = {}
    for number in OUTCOMES:
        payload = await charge(api, rep, customer, card=card(number))
        assert payload["userErrors"] == [], number  # a decline is a sale, never a userError
        sales[number] = payload["transaction"]

    assert {n: (s["status"], s["resultCode"], s["declineCode"]) for n, s in sales.items()} == OUTCOMES
    for number, sale in sales.items():
        row = await assert_charged_once(app, sale)
        assert sale["externalId"] == row.id
        if sale["status"] == "PAID":
            assert sale["invoice"] is not None, number
            # Each card was typed in for its charge, which the sale's events record.
            assert event_kinds(sale) == ["charge_started", "card_added", "paid", "invoice_issued"]
        else:
            assert sale["invoice"] is None, number  # declined and failed sales have no invoice
            assert event_kinds(sale) == ["charge_started", "card_added", sale["status"].lower()]
            assert sale["events"][2]["note"] == sale["declineCode"]
    assert sales["4000000000009995"]["resultMessage"] == (
        "The card has insufficient funds; try again later or use another card."
    )
    assert sales["4000000000009979"]["resultMessage"] == "The card was reported stolen; do not retry it."


# --- result codes from gateways that fail ---------------------------------------------------------


async def test_a_sandbox_that_times_out_before_acting_leaves_the_sale_pending(
    app: Starlette, api: Api, world: World
) -> None:
    admin, rep = world.a.caller("admin"), world.a.caller("rep")
    # Added with its fault through the API, a faulty sandbox cannot even keep a card.
    broken = await add_gateway(api, admin, "sandbox", fault="timeout_before")
    refused = await run(api, TOKENIZE, rep, customerId=world.a.customer_id, card=card(VISA), gatewayId=broken)
    assert problems(refused) == [(["input", "card", "number"], "GATEWAY_ERROR")]
    gateway_id, method_id = await flaky_card(api, app, world, "timeout_before")

    sale = await charged(api, rep, world.a.customer_id, paymentMethodId=method_id, gatewayId=gateway_id)

    assert (sale["status"], sale["resultCode"], sale["declineCode"]) == ("PENDING", "CONNECTION_ERROR", None)
    assert sale["gateway"]["id"] == gateway_id
    assert sale["invoice"] is None
    assert event_kinds(sale) == ["charge_started", "outcome_unknown"]
    assert await sandbox_charges(app, sale["id"]) == []


async def test_a_sandbox_whose_answer_is_lost_leaves_the_sale_pending_with_the_charge_made(
    app: Starlette, api: Api, world: World
) -> None:
    gateway_id, method_id = await flaky_card(api, app, world, "timeout_after")

    sale = await charged(api, world.a.caller("rep"), world.a.customer_id, paymentMethodId=method_id)

    assert (sale["status"], sale["resultCode"]) == ("PENDING", "CONNECTION_ERROR")
    assert sale["gateway"]["id"] == gateway_id  # the card's gateway, without naming it
    row = await assert_charged_once(app, sale)
    assert row.status == "succeeded"
    assert sale["invoice"] is None


async def test_a_sandbox_answering_5xx_fails_the_sale(app: Starlette, api: Api, world: World) -> None:
    _gateway_id, method_id = await flaky_card(api, app, world, "server_error")

    sale = await charged(api, world.a.caller("rep"), world.a.customer_id, paymentMethodId=method_id)

    assert (sale["status"], sale["resultCode"], sale["declineCode"]) == (
        "FAILED",
        "REMOTE_GATEWAY_ERROR",
        None,
    )
    assert sale["invoice"] is None
    assert await sandbox_charges(app, sale["id"]) == []


async def test_a_card_kept_by_one_gateway_cannot_be_charged_through_another(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    other = await add_gateway(api, world.a.caller("admin"), "sandbox")
    method = await put_on_file(api, rep, world.a.customer_id, VISA)

    payload = await charge(api, rep, world.a.customer_id, paymentMethodId=method["id"], gatewayId=other)

    assert problems(payload) == [(["input", "gatewayId"], "INVALID")]
    assert payload["transaction"] is None


# Stripe behind httpx.MockTransport: shapes from Stripe's API reference, trimmed to what is read.
STRIPE_PM = {
    "id": "pm_1Q0PsIJvEtkwdCNYMSaVuRz6",
    "object": "payment_method",
    "type": "card",
    "customer": None,
    "card": {
        "brand": "visa",
        "last4": "4242",
        "exp_month": 12,
        "exp_year": YEAR,
        "fingerprint": "mToisGZ01V71BCos",
    },
}
STRIPE_CUSTOMER = {"id": "cus_NffrFeUfNV2Hib", "object": "customer", "metadata": {}}
STRIPE_INTENT = {
    "id": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
    "object": "payment_intent",
    "amount": 4900,
    "currency": "usd",
    "status": "succeeded",
    "created": 1680800504,
    "last_payment_error": None,
}


def stripe_error(status: int, **error: Any) -> httpx.Response:
    return httpx.Response(status, json={"error": error}, headers={"request-id": "req_test"})


class FakeStripe:
    """Answers tokenization with a card, each PaymentIntent with the next scripted answer, a search with ``found``."""

    def __init__(self) -> None:
        self.intents: list[Callable[[], httpx.Response]] = []
        self.intent_requests: list[httpx.Request] = []
        self.found: list[dict[str, Any]] = []
        self.searches: list[httpx.Request] = []
        # Refunds: each is answered by the next scripted answer, or else succeeds; their keys are kept.
        self.refund_answers: list[Callable[[], httpx.Response]] = []
        self.refund_keys: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        assert request.headers["authorization"] == f"Bearer {STRIPE_KEY}"
        if path == "/v1/payment_methods":
            return httpx.Response(200, json=STRIPE_PM)
        if path == "/v1/customers":
            return httpx.Response(200, json=STRIPE_CUSTOMER)
        if path == f"/v1/payment_methods/{STRIPE_PM['id']}/attach":
            return httpx.Response(200, json={**STRIPE_PM, "customer": STRIPE_CUSTOMER["id"]})
        if path == "/v1/payment_intents":
            self.intent_requests.append(request)
            return self.intents.pop(0)()
        if path == "/v1/refunds":
            self.refund_keys.append(request.headers["idempotency-key"])
            if self.refund_answers:
                return self.refund_answers.pop(0)()
            refund = {"id": f"re_{len(self.refund_keys)}", "object": "refund", "status": "succeeded"}
            return httpx.Response(200, json=refund)
        if path == "/v1/payment_intents/search":
            self.searches.append(request)
            result = {"object": "search_result", "data": self.found, "has_more": False, "next_page": None}
            return httpx.Response(200, json=result)
        return stripe_error(404, type="invalid_request_error", message=f"Unrecognized request URL {path}")


@asynccontextmanager
async def stripe_faked(app: Starlette) -> AsyncIterator[FakeStripe]:
    """Remote gateways talk to a FakeStripe while inside: the shared client's transport is swapped."""
    fake = FakeStripe()
    registry = resources(app).gateways
    original = registry.http
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    registry.http = client
    try:
        yield fake
    finally:
        registry.http = original  # the app closes its own client at shutdown; this one is ours
        await client.aclose()


@pytest.fixture
async def fake_stripe(app: Starlette) -> AsyncIterator[FakeStripe]:
    async with stripe_faked(app) as fake:
        yield fake


def no_answer() -> httpx.Response:
    raise httpx.ReadTimeout("timed out")


async def test_stripe_outcomes_map_to_result_codes(api: Api, world: World, fake_stripe: FakeStripe) -> None:
    rep = world.a.caller("rep")
    gateway_id = await add_gateway(api, world.a.caller("admin"), "stripe", secretKey=STRIPE_KEY)
    method = await put_on_file(api, rep, world.a.customer_id, VISA, gatewayId=gateway_id)
    declined_intent = {
        **STRIPE_INTENT,
        "id": "pi_3MtwBwLkdIwHu7ix0Declined",
        "status": "requires_payment_method",
    }
    fake_stripe.intents = [
        lambda: httpx.Response(200, json=STRIPE_INTENT),
        lambda: stripe_error(
            401, type="invalid_request_error", message="Invalid API Key provided: sk_test_****Xv2"
        ),
        lambda: stripe_error(500, type="api_error", message="Something went wrong on Stripe's end."),
        lambda: stripe_error(
            402,
            type="card_error",
            code="card_declined",
            decline_code="insufficient_funds",
            message="Your card has insufficient funds.",
            payment_intent=declined_intent,
        ),
        no_answer,
    ]

    sales = [await charged(api, rep, world.a.customer_id, paymentMethodId=method["id"]) for _ in range(5)]

    assert [(s["status"], s["resultCode"], s["declineCode"], s["externalId"]) for s in sales] == [
        ("PAID", "GOOD", None, STRIPE_INTENT["id"]),
        ("FAILED", "GATEWAY_CREDENTIALS_ERROR", None, None),
        ("FAILED", "REMOTE_GATEWAY_ERROR", None, None),
        ("DECLINED", "BAD_DATA", "insufficient_funds", declined_intent["id"]),
        ("PENDING", "CONNECTION_ERROR", None, None),
    ]
    assert [s["resultMessage"] for s in sales[1:4]] == [
        "Check the Stripe secret key in the gateway settings.",
        "Stripe failed; try again later.",
        "The card has insufficient funds; try again later or use another card.",
    ]
    assert STRIPE_KEY not in json.dumps(sales)
    assert [s["invoice"] is not None for s in sales] == [True, False, False, False, False]
    # Every PaymentIntent carries the sale's own key and its amount in Stripe's units.
    sent = [dict(parse_qsl(r.content.decode())) for r in fake_stripe.intent_requests]
    assert [r.headers["idempotency-key"] for r in fake_stripe.intent_requests] == [
        "paydesk:charge:" + s["id"] for s in sales
    ]
    assert {(form["amount"], form["currency"], form["off_session"]) for form in sent} == {
        ("4900", "usd", "true")
    }
    assert [form["metadata[paydesk_reference]"] for form in sent] == [s["id"] for s in sales]


# --- logging a sale made elsewhere ----------------------------------------------------------------


async def test_log_a_sale_made_elsewhere(app: Starlette, api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    when = "2024-03-15T10:30:00+00:00"

    sale = await logged(api, rep, world.a.customer_id, transactionDate=when)
    today = await logged(api, rep, world.a.customer_id)

    assert (sale["status"], sale["origin"], sale["resultCode"], sale["externalId"]) == (
        "PAID",
        "LOGGED",
        None,
        None,
    )
    assert (sale["gateway"], sale["paymentMethod"]) == (None, None)
    assert sale["transactionDate"] == when
    assert sale["total"]["minorUnits"] == 4900
    assert sale["invoice"]["number"] == "INV-000001"
    assert event_kinds(sale) == ["logged", "invoice_issued"]
    assert sale["events"][0]["note"] == "Paid elsewhere."
    assert abs(datetime.fromisoformat(today["transactionDate"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert await sandbox_charges(app) == []


async def test_log_transaction_refusals(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    customer = world.a.customer_id
    paid_here = await logged(api, rep, customer)
    theirs = await logged(api, world.b.caller("rep"), world.b.customer_id)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    monthly = {"description": "Support", "unitPrice": "10", "kind": "SUBSCRIPTION", "unit": "MONTH"}
    plan = {
        "description": "Course",
        "unitPrice": "10",
        "kind": "PAYMENT_PLAN",
        "unit": "MONTH",
        "paymentCount": 3,
    }

    cases: dict[str, tuple[dict[str, Any], list[Any]]] = {
        "future date": ({"transactionDate": future}, [(["input", "transactionDate"], "INVALID")]),
        "date without a zone": (
            {"transactionDate": "2024-03-15T10:30:00"},
            [(["input", "transactionDate"], "INVALID")],
        ),
        "subscription line": (
            {"lines": [*ONE_LINE, monthly]},
            [(["input", "lines", "1", "kind"], "INVALID")],
        ),
        "payment plan line": ({"lines": [plan]}, [(["input", "lines", "0", "kind"], "INVALID")]),
        "replaces a paid sale": (
            {"replacesTransactionId": paid_here["id"]},
            [(["input", "replacesTransactionId"], "INVALID_STATE")],
        ),
        "replaces another account's sale": (
            {"replacesTransactionId": theirs["id"]},
            [(["input", "replacesTransactionId"], "NOT_FOUND")],
        ),
    }
    found = {}
    for name, (input, _) in cases.items():
        payload = await log(api, rep, customer, **input)
        assert payload["transaction"] is None, name
        found[name] = problems(payload)

    assert found == {name: expected for name, (_, expected) in cases.items()}
    listed = await api.gql("{ transactions { totalCount } }", rep)
    assert listed == {"transactions": {"totalCount": 1}}


async def test_a_logged_sale_can_replace_a_voided_one(app: Starlette, api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    first = await logged(api, rep, world.a.customer_id)
    async with resources(app).sessions() as db:  # voiding arrives with the transaction actions
        await db.exec(update(Transaction).where(col(Transaction.id) == first["id"]).values(status="VOIDED"))
        await db.commit()

    again = await logged(api, rep, world.a.customer_id, replacesTransactionId=first["id"])

    assert again["replacesTransaction"] == {"id": first["id"]}
    assert again["status"] == "PAID"


async def test_log_transaction_refuses_an_offer_with_recurring_lines(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    offer = await save_offer(
        api, rep, [{"description": "Support", "unitPrice": "10", "kind": "SUBSCRIPTION", "unit": "WEEK"}]
    )

    payload = await log(api, rep, world.a.customer_id, lines=None, offerId=offer)

    assert problems(payload) == [(["input", "offerId"], "INVALID")]


# --- offers with recurring lines ------------------------------------------------------------------


async def save_offer(api: Api, caller: Caller, lines: list[dict[str, Any]], currency: str = "USD") -> str:
    payload = await run(api, SAVE_OFFER, caller, name="Bundle", currency=currency, lines=lines)
    assert payload["userErrors"] == [], payload
    return str(payload["offer"]["id"])


def one_month_after(day: date) -> date:
    year, month = (day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def subscriptions_of(app: Starlette, customer_id: str) -> list[Subscription]:
    async with resources(app).sessions() as db:
        query = (
            select(Subscription)
            .where(Subscription.customer_id == customer_id)
            .order_by(col(Subscription.kind).desc())
        )
        return list(await db.exec(query))


async def test_an_offer_with_single_subscription_and_payment_plan_lines(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    # Far east of UTC, so "today" for the account is often not today in UTC.
    zone = "Pacific/Kiritimati"
    async with resources(app).sessions() as db:
        await db.exec(update(Account).where(col(Account.id) == world.a.account_id).values(timezone=zone))
        await db.commit()
    widget = await create_product(api, world.a.caller("admin"), "Widget", "20.00")
    offer = await save_offer(
        api,
        rep,
        [
            {"productId": widget, "quantity": 2},
            {
                "description": "Support",
                "quantity": 2,
                "unitPrice": "7.50",
                "kind": "SUBSCRIPTION",
                "unit": "MONTH",
            },
            {
                "description": "Course",
                "quantity": 2,
                "unitPrice": "100.00",
                "kind": "PAYMENT_PLAN",
                "unit": "WEEK",
                "paymentCount": 4,
                "firstPayment": "150.00",
            },
        ],
    )
    await put_on_file(api, rep, customer, VISA)

    sale = await charged(api, rep, customer, lines=None, offerId=offer)
    declined = await charged(api, rep, customer, lines=None, offerId=offer, card=card(DECLINE))

    today = datetime.now(ZoneInfo(zone)).date()
    assert sale["status"] == "PAID"
    # 2 x 20.00, then the subscription's first period (2 x 7.50), then the plan's first payment: the
    # whole first installment whatever the quantity.
    assert sale["subtotal"] == {"amount": "205.00", "currency": "USD", "minorUnits": 20500}
    assert sale["total"]["minorUnits"] == 20500
    assert [
        (
            line["description"],
            line["kind"],
            line["unit"],
            line["paymentCount"],
            minor(line["unitPrice"]),
            minor(line["total"]),
        )
        for line in sale["lines"]
    ] == [
        ("Widget", "SINGLE", None, None, 2000, 4000),
        ("Support", "SUBSCRIPTION", "MONTH", None, 750, 1500),
        ("Course", "PAYMENT_PLAN", "WEEK", 4, 10000, 15000),
    ]
    assert sale["lines"][0]["product"] == {"id": widget}
    await assert_charged_once(app, sale)
    assert declined["status"] == "DECLINED"
    opened = await subscriptions_of(app, customer)
    assert [
        (s.kind, s.status, s.description, s.quantity, s.unit_price, s.unit, s.payment_count, s.periods_billed)
        for s in opened
    ] == [
        ("SUBSCRIPTION", "ACTIVE", "Support", 2, 750, "MONTH", None, 1),
        ("PAYMENT_PLAN", "ACTIVE", "Course", 2, 10000, "WEEK", 4, 1),
    ]
    assert [s.next_charge_date for s in opened] == [one_month_after(today), today + timedelta(weeks=1)]
    assert {(s.anchor_date, s.origin_transaction_id, s.payment_method_id, s.currency) for s in opened} == {
        (today, sale["id"], sale["paymentMethod"]["id"], "USD")
    }


# --- currencies -----------------------------------------------------------------------------------


async def test_zero_and_three_decimal_currencies_are_charged_exactly(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)

    yen = await charged(
        api, rep, customer, currency="JPY", lines=[{"description": "Tea", "quantity": 3, "unitPrice": "1500"}]
    )
    dinar = await charged(
        api,
        rep,
        customer,
        currency="KWD",
        lines=[{"description": "Dates", "quantity": 2, "unitPrice": "12.345"}],
    )
    half_yen = await charge(
        api, rep, customer, currency="JPY", lines=[{"description": "Tea", "unitPrice": "1.5"}]
    )
    too_fine = await charge(
        api, rep, customer, currency="KWD", lines=[{"description": "Tea", "unitPrice": 1.2345}]
    )

    assert (yen["status"], yen["total"]) == (
        "PAID",
        {"amount": "4500", "currency": "JPY", "minorUnits": 4500},
    )
    assert yen["lines"][0]["unitPrice"] == {"amount": "1500", "currency": "JPY", "minorUnits": 1500}
    assert (dinar["status"], dinar["total"]) == (
        "PAID",
        {"amount": "24.690", "currency": "KWD", "minorUnits": 24690},
    )
    assert dinar["lines"][0]["unitPrice"] == {"amount": "12.345", "currency": "KWD", "minorUnits": 12345}
    assert [
        (row.amount, row.currency)
        for row in (await assert_charged_once(app, yen), await assert_charged_once(app, dinar))
    ] == [
        (4500, "JPY"),
        (24690, "KWD"),
    ]
    assert problems(half_yen) == [(["input", "lines", "0", "unitPrice"], "INVALID")]
    assert problems(too_fine) == [(["input", "lines", "0", "unitPrice"], "INVALID")]
    assert len(await sandbox_charges(app)) == 2


async def test_which_currency_a_sale_is_in(app: Starlette, api: Api, world: World) -> None:
    admin, rep, customer = world.a.caller("admin"), world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    euro = await create_product(api, admin, "Croissant", "2.40", "EUR")
    dollar = await create_product(api, admin, "Bagel", "3.00", "USD")

    from_product = await charged(api, rep, customer, lines=[{"productId": euro, "quantity": 5}])
    priced = await charged(
        api,
        rep,
        customer,
        currency="USD",
        lines=[{"productId": euro, "unitPrice": "2.60"}, {"productId": dollar}],
    )
    unpriced = await charge(api, rep, customer, currency="USD", lines=[{"productId": euro}])
    test_code = await charge(api, rep, customer, currency="XTS")
    refused = await charge(
        api, rep, customer, currency="XAF", lines=[{"description": "Cacao", "unitPrice": "500"}]
    )
    free_text = await charged(api, rep, customer)

    assert from_product["total"] == {"amount": "12.00", "currency": "EUR", "minorUnits": 1200}
    assert priced["total"] == {"amount": "5.60", "currency": "USD", "minorUnits": 560}
    assert problems(unpriced) == [(["input", "lines", "0", "unitPrice"], "INVALID")]
    # XTS is ISO 4217's testing code, not money at all; XAF is money the sandbox does not take.
    assert problems(test_code) == [(["input", "currency"], "INVALID")]
    assert problems(refused) == [(["input", "currency"], "CURRENCY_NOT_SUPPORTED")]
    assert free_text["total"]["currency"] == "USD"  # the account's default
    assert {row.currency for row in await sandbox_charges(app)} == {"EUR", "USD"}
    assert len(await sandbox_charges(app)) == 3


async def test_products_in_two_currencies_need_a_currency(api: Api, world: World) -> None:
    admin, rep, customer = world.a.caller("admin"), world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    euro = await create_product(api, admin, "Croissant", "2.40", "EUR")
    dollar = await create_product(api, admin, "Bagel", "3.00", "USD")

    mixed = await charge(api, rep, customer, lines=[{"productId": euro}, {"productId": dollar}])

    assert problems(mixed) == [(["input", "currency"], "INVALID")]


async def test_charge_refusals(api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    someone_else = await new_customer(api, rep, "Other")
    their_card = await put_on_file(api, rep, someone_else, MASTERCARD)
    removed = await put_on_file(api, rep, customer, AMEX, makeDefault=False)
    await run(
        api,
        "mutation($i: RemovePaymentMethodInput!) { removePaymentMethod(input: $i) { userErrors { code } } }",
        rep,
        paymentMethodId=removed["id"],
    )
    offer = await save_offer(api, rep, ONE_LINE)

    cases: dict[str, tuple[dict[str, Any], list[Any]]] = {
        "another customer's card": (
            {"paymentMethodId": their_card["id"]},
            [(["input", "paymentMethodId"], "NOT_FOUND")],
        ),
        "a removed card": (
            {"paymentMethodId": removed["id"]},
            [(["input", "paymentMethodId"], "INVALID_STATE")],
        ),
        "another account's customer": (
            {"customerId": world.b.customer_id},
            [(["input", "customerId"], "NOT_FOUND")],
        ),
        "an offer and lines": ({"offerId": offer}, [(["input", "lines"], "INVALID")]),
        "neither": ({"lines": None}, [(["input", "lines"], "INVALID")]),
        "no lines": ({"lines": []}, [(["input", "lines"], "REQUIRED")]),
        "a discount in another currency": (
            {"discount": {"amount": "1", "currency": "EUR"}},
            [(["input", "discount", "currency"], "INVALID")],
        ),
        "a bad line": (
            {"lines": [{"description": "", "unitPrice": "-1", "quantity": 0}]},
            [
                (["input", "lines", "0", "description"], "REQUIRED"),
                (["input", "lines", "0", "quantity"], "INVALID"),
                (["input", "lines", "0", "unitPrice"], "INVALID"),
            ],
        ),
        "an expired new card": (
            {"card": {**card(VISA), "expYear": datetime.now(UTC).year - 1}},
            [(["input", "card", "expYear"], "CARD_EXPIRED")],
        ),
    }
    found = {}
    for name, (input, _) in cases.items():
        payload = await charge(api, rep, customer, **input)
        assert payload["transaction"] is None, name
        found[name] = problems(payload)

    assert found == {name: expected for name, (_, expected) in cases.items()}
    assert (await api.gql("{ transactions { totalCount } }", rep))["transactions"]["totalCount"] == 0


async def test_no_card_to_charge(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    customer = await new_customer(api, rep)

    payload = await charge(api, rep, customer)

    assert problems(payload) == [(["input", "paymentMethodId"], "NO_PAYMENT_METHOD")]
    assert payload["transaction"] is None


# --- discounts and coupons ------------------------------------------------------------------------

THREE_LINES = [
    {"description": "A", "unitPrice": "10.00"},
    {"description": "B", "unitPrice": "20.00"},
    {"description": "C", "unitPrice": "33.33"},
]


async def test_a_one_off_discount_and_a_percent_coupon_are_spread_over_the_lines(
    api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    coupon = await create_coupon(api, world.a.caller("admin"), code="TENOFF", percentOff="10")

    sale = await charged(
        api,
        rep,
        customer,
        lines=THREE_LINES,
        discount={"amount": "5.00", "currency": "USD"},
        couponCode="tenoff",
    )

    # 10% of 63.33 is 6.333, half-up 6.33; with the 5.00: 11.33 off, shared by largest remainder.
    assert (minor(sale["subtotal"]), minor(sale["discount"]), minor(sale["total"])) == (6333, 1133, 5200)
    assert [minor(line["discount"]) for line in sale["lines"]] == [179, 358, 596]
    assert [minor(line["total"]) for line in sale["lines"]] == [821, 1642, 2737]
    assert await times_redeemed(api, rep, coupon) == 1
    used = await api.gql(
        "query($id: ID!) { customer(id: $id) { couponsUsed { coupon { code } amount { minorUnits currency } transaction { id } } } }",
        rep,
        id=customer,
    )
    assert used["customer"]["couponsUsed"] == [
        {
            "coupon": {"code": "TENOFF"},
            "amount": {"minorUnits": 633, "currency": "USD"},
            "transaction": {"id": sale["id"]},
        }
    ]


async def test_discount_refusals(api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)

    too_large = await charge(api, rep, customer, discount={"amount": "49.01", "currency": "USD"})
    whole = await charged(api, rep, customer, discount={"amount": "49.00", "currency": "USD"})
    unknown = await charge(api, rep, customer, couponCode="NOSUCH")

    assert problems(too_large) == [(["input", "discount", "amount"], "INVALID")]
    assert problems(unknown) == [(["input", "couponCode"], "COUPON_INVALID")]
    # Nothing left to charge: paid without troubling the gateway.
    assert (whole["status"], minor(whole["total"]), whole["externalId"]) == ("PAID", 0, None)


async def test_a_declined_charge_gives_its_coupon_back(app: Starlette, api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    coupon = await create_coupon(api, world.a.caller("admin"), code="ONCE", percentOff="50", maxRedemptions=1)

    declined = await charged(api, rep, customer, couponCode="ONCE", card=card(DECLINE))
    after_decline = await times_redeemed(api, rep, coupon)
    paid = await charged(api, rep, customer, couponCode="ONCE", card=card(VISA))

    assert (declined["status"], minor(declined["discount"])) == ("DECLINED", 2450)
    assert after_decline == 0
    assert (paid["status"], minor(paid["total"])) == ("PAID", 2450)
    assert await times_redeemed(api, rep, coupon) == 1
    used = await api.gql(
        "query($id: ID!) { customer(id: $id) { couponsUsed { transaction { id } } } }", rep, id=customer
    )
    assert used["customer"]["couponsUsed"] == [{"transaction": {"id": paid["id"]}}]
    assert (await assert_charged_once(app, paid)).amount == 2450


# --- invoices -------------------------------------------------------------------------------------

INVOICES = """
query($id: ID!) {
  customer(id: $id) { invoices(first: 10) { totalCount edges { node { number transaction { id } total { minorUnits } } } } }
}"""


async def test_paid_sales_get_invoices_numbered_per_account(
    api: Api, http: httpx.AsyncClient, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)

    first = await charged(api, rep, customer)
    declined = await charged(api, rep, customer, card=card(DECLINE))
    second = await logged(api, rep, customer)
    third = await charged(api, rep, customer)
    other_account = await logged(api, world.b.caller("rep"), world.b.customer_id)

    assert declined["invoice"] is None
    assert [s["invoice"]["number"] for s in (first, second, third)] == [
        "INV-000001",
        "INV-000002",
        "INV-000003",
    ]
    assert other_account["invoice"]["number"] == "INV-000001"
    listed = (await api.gql(INVOICES, world.a.caller("viewer"), id=customer))["customer"]["invoices"]
    assert listed["totalCount"] == 3
    assert [(e["node"]["number"], e["node"]["transaction"]["id"]) for e in listed["edges"]] == [
        ("INV-000003", third["id"]),
        ("INV-000002", second["id"]),
        ("INV-000001", first["id"]),
    ]
    page = await http.get(urlsplit(first["invoice"]["url"]).path)
    assert page.status_code == 200
    assert "INV-000001" in page.text


# --- reading sales --------------------------------------------------------------------------------

CUSTOMER_SALES = """
query($id: ID!, $first: Int!, $after: String, $status: TransactionStatus) {
  customer(id: $id) {
    transactions(first: $first, after: $after, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id status } }
    }
  }
}"""
FEED = """
query($first: Int!, $after: String, $since: DateTime) {
  transactions(first: $first, after: $after, updatedSince: $since) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
  }
}"""
ONE = f"query($id: ID!) {{ transaction(id: $id) {{ {TRANSACTION} }} }}"


def flat(pages: list[list[str]]) -> list[str]:
    return [item for page in pages for item in page]


async def pages(
    api: Api, caller: Caller, query: str, key: Callable[[dict[str, Any]], dict[str, Any]], **variables: Any
) -> list[list[str]]:
    """Every page of a connection, two at a time: the ids on each."""
    found, after = [], None
    while True:
        connection = key(await api.gql(query, caller, first=2, after=after, **variables))
        found.append([edge["node"]["id"] for edge in connection["edges"]])
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]


async def test_reading_a_customers_sales_and_the_feed(app: Starlette, api: Api, world: World) -> None:
    rep, viewer, customer = world.a.caller("rep"), world.a.caller("viewer"), world.a.customer_id
    other_customer = await new_customer(api, rep)
    await put_on_file(api, rep, customer, VISA)
    since = datetime.now(UTC) - timedelta(seconds=1)
    made = [
        await charged(api, rep, customer),
        await charged(api, rep, customer, card=card(DECLINE)),
        await logged(api, rep, other_customer),
        await charged(api, rep, customer),
        await charged(api, rep, customer, card=card("4000000000009995")),
    ]
    theirs = await logged(api, world.b.caller("rep"), world.b.customer_id)
    mine = [s["id"] for s in made if s["customer"]["id"] == customer]

    def of_customer(data: dict[str, Any]) -> dict[str, Any]:
        return dict(data["customer"]["transactions"])

    def feed(data: dict[str, Any]) -> dict[str, Any]:
        return dict(data["transactions"])

    assert await pages(api, viewer, CUSTOMER_SALES, of_customer, id=customer) == [
        [mine[3], mine[2]],
        [mine[1], mine[0]],
    ]
    declined = of_customer(await api.gql(CUSTOMER_SALES, viewer, id=customer, first=10, status="DECLINED"))
    assert (declined["totalCount"], [e["node"] for e in declined["edges"]]) == (
        2,
        [{"id": mine[3], "status": "DECLINED"}, {"id": mine[1], "status": "DECLINED"}],
    )
    newest_first = [s["id"] for s in reversed(made)]
    assert flat(await pages(api, viewer, FEED, feed)) == newest_first
    # The sync feed: oldest change first. The first sale changes last.
    async with resources(app).sessions() as db:
        later = datetime.now(UTC) + timedelta(seconds=1)
        await db.exec(
            update(Transaction).where(col(Transaction.id) == made[0]["id"]).values(updated_at=later)
        )
        await db.commit()
    changed = await pages(api, viewer, FEED, feed, since=since.isoformat())
    assert flat(changed) == [s["id"] for s in made[1:]] + [made[0]["id"]]
    latest = feed(await api.gql(FEED, viewer, first=10, since=later.isoformat()))
    assert (latest["totalCount"], [e["node"]["id"] for e in latest["edges"]]) == (1, [made[0]["id"]])
    # One sale by id, and nothing of another account.
    one = (await api.gql(ONE, viewer, id=made[1]["id"]))["transaction"]
    assert balanced(one) == made[1]
    assert event_kinds(one) == ["charge_started", "card_added", "declined"]
    assert await api.gql(ONE, viewer, id=theirs["id"]) == {"transaction": None}
    assert theirs["id"] not in flat(await pages(api, viewer, FEED, feed))


# --- roles ----------------------------------------------------------------------------------------


async def test_viewers_may_not_charge_or_log_and_reps_and_api_keys_may(api: Api, world: World) -> None:
    customer = world.a.customer_id
    await put_on_file(api, world.a.caller("rep"), customer, VISA)
    viewer = world.a.caller("viewer")

    denied = [await charge(api, viewer, customer), await log(api, viewer, customer)]

    assert [problems(p) for p in denied] == [[(None, "FORBIDDEN")], [(None, "FORBIDDEN")]]
    assert [p["transaction"] for p in denied] == [None, None]
    assert (await api.gql("{ transactions { totalCount } }", viewer))["transactions"]["totalCount"] == 0
    for name in ("rep", "admin", "owner", "apikey"):
        assert (await charged(api, world.a.caller(name), customer))["status"] == "PAID", name
        assert (await logged(api, world.a.caller(name), customer))["status"] == "PAID", name
