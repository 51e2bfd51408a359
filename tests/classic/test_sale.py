"""reqType=sale: the documented body, charged as chargeNow charges, answered in classic fields and codes.

The body is posted as the classic documentation gives it, with only its ids
changed to the test account's numbers. Every result code 1 to 7 comes from
a real path: the sandbox's test cards and faults, Stripe behind
httpx.MockTransport, and an internal failure injected into the service.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from paydesk.classic import sale as classic_sale
from paydesk.models import Account
from paydesk.transactions.service import RECONCILE_AFTER, Services, reconcile
from tests.api.test_sales import (
    STRIPE_KEY,
    FakeStripe,
    add_gateway,
    assert_charged_once,
    one_month_after,
    put_on_file,
    sandbox_charges,
    set_sandbox_fault,
    stripe_error,
    stripe_faked,
)
from tests.classic.client import (
    YEAR,
    Classic,
    Numbers,
    documented,
    row_counts,
    simple_sale,
)
from tests.helpers import Api, World, resources

SALE = """
query($id: ID!) {
  transaction(id: $id) {
    id status resultCode externalId total { amount currency }
    customer { id }
    paymentMethod { last4 isDefault status billingAddress { line1 } }
    lines { kind unit paymentCount quantity unitPrice { amount } product { id } }
    invoice { number }
  }
}"""
CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    firstName lastName email
    addresses { line1 city state postalCode country }
    subscriptions { kind unit paymentsRemaining nextChargeDate status unitPrice { amount } }
    paymentMethods(includeRemoved: true) { last4 status isDefault }
  }
}"""
GATEWAY_NUMBER = "query($id: ID!) { node(id: $id) { ... on Gateway { number } } }"


async def today_of(app: Starlette, account_id: str) -> Any:
    async with resources(app).sessions() as db:
        account = await db.get(Account, account_id)
        assert account is not None
    return datetime.now(ZoneInfo(account.timezone)).date()


async def gateway_number(api: Api, world: World, gateway_id: str) -> int:
    return int((await api.gql(GATEWAY_NUMBER, world.a.caller("viewer"), id=gateway_id))["node"]["number"])


# --- the documented body ---------------------------------------------------------------------------


async def test_the_documented_body_with_its_2017_expiry_is_card_expired_and_charges_nothing(
    app: Starlette, world: World, classic: Classic, numbers: Numbers
) -> None:
    before = await row_counts(app)

    answer = await classic.call(world.a.caller("apikey"), "sale", documented(numbers))

    assert answer == {
        "result_code": 2,
        "message": "card_details.card_expire_year: card expired; the expiry date is in the past.",
    }
    assert await row_counts(app) == before
    assert await sandbox_charges(app) == []


async def test_the_documented_body_with_a_valid_expiry_sells_and_opens_its_subscription_and_plan(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    viewer = world.a.caller("viewer")

    answer = await classic.call(world.a.caller("apikey"), "sale", documented(numbers, expire_year=YEAR))

    assert answer["result_code"] == 1
    assert answer["message"] == "Approved."
    assert answer["transaction_id"].startswith("txn_")
    assert answer["contact_id"] == numbers.contact
    assert answer["invoice_id"] == numbers.invoice
    assert answer["invoice_number"].startswith("INV-")
    sale = (await api.gql(SALE, viewer, id=answer["transaction_id"]))["transaction"]
    charge = await assert_charged_once(
        app, {"id": sale["id"], "total": {"minorUnits": 18400, "currency": "USD"}}
    )
    assert answer["external_txn"] == charge.id == sale["externalId"]
    assert (sale["status"], sale["resultCode"], sale["total"]) == (
        "PAID",
        "GOOD",
        {"amount": "184.00", "currency": "USD"},
    )
    assert sale["invoice"] == {"number": answer["invoice_number"]}
    assert [
        (line["kind"], line["unit"], line["paymentCount"], line["quantity"], line["unitPrice"]["amount"])
        for line in sale["lines"]
    ] == [
        ("SINGLE", None, None, 1, "49.00"),
        ("SUBSCRIPTION", "WEEK", None, 1, "35.00"),
        ("PAYMENT_PLAN", "MONTH", 4, 1, "100.00"),
    ]
    assert {line["product"]["id"] for line in sale["lines"]} == {
        (await api.gql("{ products { id } }", viewer))["products"][0]["id"]
    }
    # The new card is kept (the sale was paid), billing to the address the contact fields gave.
    assert sale["paymentMethod"] == {
        "last4": "1111",
        "isDefault": True,
        "status": "ACTIVE",
        "billingAddress": {"line1": "123 Test St"},
    }
    customer = (await api.gql(CUSTOMER, viewer, id=world.a.customer_id))["customer"]
    today = await today_of(app, world.a.account_id)
    assert sorted(
        (
            s["kind"],
            s["unit"],
            s["paymentsRemaining"],
            s["nextChargeDate"],
            s["status"],
            s["unitPrice"]["amount"],
        )
        for s in customer["subscriptions"]
    ) == [
        ("PAYMENT_PLAN", "MONTH", 3, one_month_after(today).isoformat(), "ACTIVE", "100.00"),
        ("SUBSCRIPTION", "WEEK", None, (today + timedelta(weeks=1)).isoformat(), "ACTIVE", "35.00"),
    ]
    # What staff entered stays; the empty address is filled from the contact fields.
    assert (customer["firstName"], customer["lastName"], customer["email"]) == (
        "Cus",
        "alpha",
        "c@alpha.test",
    )
    assert customer["addresses"] == [
        {
            "line1": "123 Test St",
            "city": "Santa Barbara",
            "state": "CA",
            "postalCode": "93105",
            "country": "US",
        }
    ]


async def test_the_documented_body_with_the_card_on_file(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    await put_on_file(api, world.a.caller("rep"), world.a.customer_id, "5555555555554444")
    body = documented(numbers)
    del body["card_details"]
    body["use_card_on_file"] = "yes"

    answer = await classic.call(world.a.caller("apikey"), "sale", body)
    again = await classic.call(world.a.caller("apikey"), "sale", {**body, "use_card_on_file": True})

    assert (answer["result_code"], again["result_code"]) == (1, 1)
    sale = (await api.gql(SALE, world.a.caller("viewer"), id=answer["transaction_id"]))["transaction"]
    assert sale["paymentMethod"]["last4"] == "4444"
    assert len(sale["lines"]) == 3
    subscriptions = (await api.gql(CUSTOMER, world.a.caller("viewer"), id=world.a.customer_id))["customer"][
        "subscriptions"
    ]
    assert sorted(s["kind"] for s in subscriptions) == ["PAYMENT_PLAN"] * 2 + ["SUBSCRIPTION"] * 2
    assert len(await sandbox_charges(app)) == 2


async def test_no_card_on_file_is_code_2_and_no_charge(
    app: Starlette, world: World, classic: Classic, numbers: Numbers
) -> None:
    body = {**simple_sale(numbers), "use_card_on_file": "yes"}
    del body["card_details"]
    before = await row_counts(app)

    answer = await classic.call(world.a.caller("apikey"), "sale", body)

    assert answer == {
        "result_code": 2,
        "message": "use_card_on_file: The customer has no usable default card; give one.",
    }
    assert await row_counts(app) == before


async def test_contact_fields_fill_only_empty_fields(
    api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    made = await api.gql(
        'mutation { createCustomer(input: {email: "only@mail.test"}) { customer { id number } } }',
        world.a.caller("rep"),
    )
    customer = made["createCustomer"]["customer"]
    body = simple_sale(Numbers(customer["number"], numbers.product, numbers.gateway, numbers.invoice))
    body["card_details"].update(
        contact_firstname="Patrick", contact_lastname="Willis", contact_email="pw52@test.com"
    )

    answer = await classic.call(world.a.caller("apikey"), "sale", body)

    assert answer["result_code"] == 1
    assert answer["contact_id"] == customer["number"]
    filled = (await api.gql(CUSTOMER, world.a.caller("viewer"), id=customer["id"]))["customer"]
    assert (filled["firstName"], filled["lastName"], filled["email"], filled["addresses"]) == (
        "Patrick",
        "Willis",
        "only@mail.test",
        [],
    )


# --- result codes 1 to 7 ---------------------------------------------------------------------------


async def test_every_sandbox_outcome_has_its_result_code(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    cards = {
        "4242424242424242": (1, "Approved."),
        "4000000000009995": (2, "The card has insufficient funds; try again later or use another card."),
        "4000000000000127": (3, "The sandbox account cannot take this charge; check the gateway account."),
        "4000000000000119": (5, "The sandbox failed."),
        "4000000000000135": (6, "The sandbox refused the gateway's credentials; check the gateway settings."),
    }

    answers = {number: await classic.call(key, "sale", simple_sale(numbers, number)) for number in cards}

    assert {n: (a["result_code"], a["message"]) for n, a in answers.items()} == cards
    for answer in answers.values():
        charge = (await sandbox_charges(app, answer["transaction_id"]))[0]
        assert answer["external_txn"] == charge.id
    assert answers["4242424242424242"]["invoice_number"].startswith("INV-")
    assert {answers[n]["invoice_number"] for n in cards if n != "4242424242424242"} == {None}
    # A declined or failed sale keeps no new card.
    cards_on_file = (await api.gql(CUSTOMER, world.a.caller("viewer"), id=world.a.customer_id))["customer"]
    assert sorted((m["last4"], m["status"]) for m in cards_on_file["paymentMethods"]) == sorted(
        [("4242", "ACTIVE")] + [(n[-4:], "REMOVED") for n in list(cards)[1:]]
    )


async def test_a_gateway_that_does_not_answer_is_code_7_with_the_pending_sale(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    gateway_id = await add_gateway(api, world.a.caller("admin"), "sandbox")
    await put_on_file(
        api, world.a.caller("rep"), world.a.customer_id, "4242424242424242", gatewayId=gateway_id
    )
    await set_sandbox_fault(app, gateway_id, "timeout_after")
    body = {**simple_sale(numbers), "use_card_on_file": "yes"}
    del body["card_details"]

    answer = await classic.call(world.a.caller("apikey"), "sale", body)

    assert answer["result_code"] == 7
    assert answer["message"] == (
        "The gateway has not answered; the sale stays pending until its outcome is known."
    )
    sale = (await api.gql(SALE, world.a.caller("viewer"), id=answer["transaction_id"]))["transaction"]
    assert (sale["status"], sale["resultCode"]) == ("PENDING", "CONNECTION_ERROR")
    assert answer["invoice_number"] is None
    assert len(await sandbox_charges(app, answer["transaction_id"])) == 1
    # It settles later like any charge: reconciliation asks the gateway what became of it.
    res = resources(app)
    services = Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)
    later = datetime.now(UTC) + RECONCILE_AFTER + timedelta(minutes=1)
    assert await reconcile(services, now=later) == [(answer["transaction_id"], "PAID")]


async def test_a_gateway_that_cannot_keep_the_new_card_is_code_5_and_charges_nothing(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    broken = await add_gateway(api, world.a.caller("admin"), "sandbox", fault="server_error")
    body = simple_sale(numbers) | {"gateway_id": await gateway_number(api, world, broken)}

    answer = await classic.call(world.a.caller("apikey"), "sale", body)

    assert answer == {
        "result_code": 5,
        "message": "card_details.card_number: The sandbox answered 503 Service Unavailable.",
    }
    assert await sandbox_charges(app) == []


async def test_an_internal_failure_is_code_4_with_a_request_id_and_no_detail(
    app: Starlette, world: World, classic: Classic, numbers: Numbers, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(classic_sale, "charge_now", broken)
    before = await row_counts(app)

    response = await classic.post(world.a.caller("apikey"), "sale", simple_sale(numbers))

    body = response.json()
    assert response.status_code == 500
    assert body == {
        "result_code": 4,
        "message": "Internal error; quote the request_id when you ask about it.",
        "request_id": response.headers["x-request-id"],
    }
    assert "secret" not in response.text
    assert await row_counts(app) == before


async def test_stripe_outcomes_have_their_result_codes(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    async with stripe_faked(app) as fake_stripe:
        answers = await sell_through_stripe(api, world, classic, numbers, fake_stripe)

    assert [(a["result_code"], a["external_txn"]) for a in answers] == [
        (1, "pi_3MtwBwLkdIwHu7ix28a3tqPa"),
        (2, "pi_declined"),
        (6, None),
        (5, None),
    ]
    assert answers[1]["message"] == "The card has insufficient funds; try again later or use another card."
    assert answers[2]["message"] == "Check the Stripe secret key in the gateway settings."
    assert STRIPE_KEY not in str(answers)


async def sell_through_stripe(
    api: Api, world: World, classic: Classic, numbers: Numbers, fake_stripe: FakeStripe
) -> list[dict[str, Any]]:
    """Four sales through a Stripe gateway whose PaymentIntents succeed, decline, refuse the key, fail."""
    gateway_id = await add_gateway(api, world.a.caller("admin"), "stripe", secretKey=STRIPE_KEY)
    body = simple_sale(numbers)
    body["gateway_id"] = await gateway_number(api, world, gateway_id)
    intent = {"id": "pi_3MtwBwLkdIwHu7ix28a3tqPa", "object": "payment_intent", "status": "succeeded"}
    fake_stripe.intents = [
        lambda: httpx.Response(200, json={**intent, "amount": 4900, "currency": "usd"}),
        lambda: stripe_error(
            402,
            type="card_error",
            code="card_declined",
            decline_code="insufficient_funds",
            message="Your card has insufficient funds.",
            payment_intent={**intent, "id": "pi_declined", "status": "requires_payment_method"},
        ),
        lambda: stripe_error(401, type="invalid_request_error", message="Invalid API Key provided"),
        lambda: stripe_error(500, type="api_error", message="Something went wrong on Stripe's end."),
    ]

    return [await classic.call(world.a.caller("apikey"), "sale", body) for _ in range(4)]


# --- idempotency -----------------------------------------------------------------------------------


async def test_a_retry_with_the_same_key_charges_once(
    app: Starlette, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    body = simple_sale(numbers, idempotency_key="order-1001")

    first = await classic.call(key, "sale", body)
    retry = await classic.call(key, "sale", body)
    by_header = await classic.call(
        key, "sale", simple_sale(numbers), headers={"Idempotency-Key": "order-1002"}
    )
    header_retry = await classic.call(
        key, "sale", simple_sale(numbers), headers={"Idempotency-Key": "order-1002"}
    )
    reused = await classic.call(key, "sale", {**copy.deepcopy(body), "products": body["products"] * 2})

    assert first["result_code"] == 1
    assert retry == first
    assert header_retry == by_header
    assert by_header["transaction_id"] != first["transaction_id"]
    assert reused == {
        "result_code": 2,
        "message": "idempotency_key: This idempotency key was used with other input.",
    }
    assert len(await sandbox_charges(app)) == 2


async def test_another_accounts_numbers_are_unknown(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    other = world.b.caller("apikey")
    b_product = await api.gql(
        'mutation { createProduct(input: {name: "B", price: {amount: "1.00", currency: "USD"}}) '
        "{ product { number } } }",
        world.b.caller("admin"),
    )
    b_number = b_product["createProduct"]["product"]["number"]
    unknown = 999
    before = await row_counts(app)

    # Account b has a customer 1 and product 1 of its own, but a's gateway and template numbers are
    # tried from b's side: b answers for its own objects only.
    foreign_contact = await classic.call(
        world.a.caller("apikey"), "sale", simple_sale(Numbers(unknown, numbers.product, 1, 1))
    )
    missing_product = await classic.call(
        other, "sale", simple_sale(Numbers(1, b_number + 5, numbers.gateway, numbers.invoice))
    )
    foreign_gateway = await classic.call(
        other, "sale", {**simple_sale(Numbers(1, b_number, 1, 1)), "gateway_id": numbers.gateway + 7}
    )
    foreign_id = await classic.call(
        other, "sale", simple_sale(Numbers(1, b_number, 1, 1)) | {"contact_id": world.a.customer_id}
    )

    assert foreign_contact == {
        "result_code": 2,
        "message": f"contact_id: no contact of this account has number {unknown}.",
    }
    assert missing_product == {
        "result_code": 2,
        "message": f"products[0].id: no product of this account has number {b_number + 5}.",
    }
    assert foreign_gateway == {
        "result_code": 2,
        "message": f"gateway_id: no gateway of this account has number {numbers.gateway + 7}.",
    }
    assert foreign_id == {"result_code": 2, "message": "contact_id: No customer with this id."}
    assert await row_counts(app) == before
