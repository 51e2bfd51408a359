"""POST /1/transaction/processManual: the documented body, charged as chargeNow or logged as
logTransaction, answered as {"code": 0, "data": {...}, "account_id": ...}.

The body is posted as the classic documentation gives it, with only its ids
changed to the test account's numbers and, where a test says so, its 2017
card expiry made valid.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette

from tests.api.test_sales import assert_charged_once, put_on_file, sandbox_charges
from tests.classic.client import YEAR, Numbers, row_counts
from tests.classic.test_sale import today_of
from tests.classic.v1 import V1, manual, priced
from tests.helpers import Api, World

SALE = """
query($id: ID!) {
  transaction(id: $id) {
    id status origin transactionDate resultCode externalId total { amount currency }
    paymentMethod { last4 billingAddress { line1 line2 } }
    lines { kind unit paymentCount quantity unitPrice { amount } }
    invoice { number }
  }
}"""
CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    addresses { line1 line2 city state postalCode country }
    subscriptions { kind unit paymentsRemaining nextChargeDate trialEndsOn unitPrice { amount } }
  }
}"""


async def sale_of(api: Api, world: World, transaction_id: str) -> dict[str, Any]:
    return dict((await api.gql(SALE, world.a.caller("viewer"), id=transaction_id))["transaction"])


async def test_the_documented_body_as_written_is_card_expired_and_charges_nothing(
    app: Starlette, world: World, v1: V1, numbers: Numbers
) -> None:
    before = await row_counts(app)

    response = await v1.post(world.a.caller("apikey"), manual(numbers))

    assert response.status_code == 200
    assert response.json() == {
        "code": 0,
        "data": {
            "result_code": 2,
            "message": "payer.expire_year: card expired; the expiry date is in the past.",
        },
        "account_id": world.a.account_id,
    }
    assert "4111111111111111" not in response.text
    assert await row_counts(app) == before
    assert await sandbox_charges(app) == []


async def test_the_documented_body_charges_and_graphql_shows_the_sale(
    app: Starlette, api: Api, world: World, v1: V1, numbers: Numbers
) -> None:
    response = await v1.post(world.a.caller("apikey"), manual(numbers, expire_year=YEAR))

    answer = response.json()
    assert (response.status_code, answer["code"], answer["account_id"]) == (200, 0, world.a.account_id)
    data = answer["data"]
    sale = await sale_of(api, world, data["transaction_id"])
    charge = await assert_charged_once(
        app, {"id": sale["id"], "total": {"minorUnits": 4900, "currency": "USD"}}
    )
    assert data == {
        "result_code": 1,
        "message": "Approved.",
        "transaction_id": sale["id"],
        "external_txn": charge.id,
        "invoice_id": numbers.invoice,
        "invoice_number": sale["invoice"]["number"],
    }
    assert (sale["status"], sale["origin"], sale["resultCode"], sale["externalId"]) == (
        "PAID",
        "CHARGED",
        "GOOD",
        charge.id,
    )
    assert [(x["kind"], x["unit"], x["quantity"], x["unitPrice"]["amount"]) for x in sale["lines"]] == [
        ("SINGLE", None, 1, "49.00")
    ]
    assert sale["paymentMethod"] == {
        "last4": "1111",
        "billingAddress": {"line1": "123 Test st", "line2": "Unit 123"},
    }
    customer = (await api.gql(CUSTOMER, world.a.caller("viewer"), id=world.a.customer_id))["customer"]
    assert customer["addresses"] == [
        {
            "line1": "123 Test st",
            "line2": "Unit 123",
            "city": "Santa Barbara",
            "state": "CA",
            "postalCode": "93103",
            "country": "US",
        }
    ]


async def test_without_payer_the_default_card_is_charged(
    app: Starlette, api: Api, world: World, v1: V1, numbers: Numbers
) -> None:
    await put_on_file(api, world.a.caller("rep"), world.a.customer_id, "5555555555554444")
    body = manual(numbers)
    del body["payer"]

    data = await v1.process(world.a.caller("apikey"), body)

    assert data["result_code"] == 1
    assert (await sale_of(api, world, data["transaction_id"]))["paymentMethod"]["last4"] == "4444"
    assert len(await sandbox_charges(app)) == 1


async def test_other_than_chargenow_logs_the_sale_dated_trans_date(
    app: Starlette, api: Api, world: World, v1: V1, numbers: Numbers
) -> None:
    body = manual(numbers, chargeNow="requestPayment")  # the payer (expired in 2017) is not read

    data = await v1.process(world.a.caller("apikey"), body)

    sale = await sale_of(api, world, data["transaction_id"])
    assert (data["result_code"], data["external_txn"], data["invoice_id"]) == (1, None, numbers.invoice)
    assert (sale["status"], sale["origin"], sale["total"]) == (
        "PAID",
        "LOGGED",
        {"amount": "49.00", "currency": "USD"},
    )
    when = datetime.fromisoformat(sale["transactionDate"])
    assert when == datetime.fromtimestamp(1431551200, UTC)
    assert await sandbox_charges(app) == []


async def test_a_logged_sale_takes_one_off_lines_only(
    app: Starlette, world: World, v1: V1, numbers: Numbers
) -> None:
    body = priced(manual(numbers, chargeNow="no"), {"price": "10", "payment_count": 0, "unit": "month"})
    before = await row_counts(app)

    data = await v1.process(world.a.caller("apikey"), body)

    assert data == {
        "result_code": 2,
        "message": "offer.products[0]: A sale made elsewhere has no schedule here: log one-off lines only.",
    }
    assert await row_counts(app) == before


async def test_payment_counts_make_plans_and_subscriptions_and_delay_is_the_trial(
    app: Starlette, api: Api, world: World, v1: V1, numbers: Numbers
) -> None:
    body = manual(numbers, expire_year=YEAR, delay=14)
    body["offer"]["products"] = [
        {"id": numbers.product, "price": [{"price": "10.00", "payment_count": 0, "unit": "week"}]},
        {"id": numbers.product, "price": [{"price": "25", "payment_count": 3, "unit": "month"}]},
        # type wins over the payment count, as in payments.php.
        {
            "id": numbers.product,
            "type": "subscription",
            "price": [{"price": "5", "payment_count": 1, "unit": "year"}],
        },
    ]

    data = await v1.process(world.a.caller("apikey"), body)

    assert data["result_code"] == 1, data
    sale = await sale_of(api, world, data["transaction_id"])
    # A trial charges the recurring lines nothing now: their first charge is on the trial's last day.
    assert sale["total"] == {"amount": "0.00", "currency": "USD"}
    assert await sandbox_charges(app) == []
    today = await today_of(app, world.a.account_id)
    trial_end = (today + timedelta(days=14)).isoformat()
    customer = (await api.gql(CUSTOMER, world.a.caller("viewer"), id=world.a.customer_id))["customer"]
    assert sorted(
        (s["kind"], s["unit"], s["paymentsRemaining"], s["nextChargeDate"], s["trialEndsOn"])
        for s in customer["subscriptions"]
    ) == [
        ("PAYMENT_PLAN", "MONTH", 3, trial_end, trial_end),
        ("SUBSCRIPTION", "WEEK", None, trial_end, trial_end),
        ("SUBSCRIPTION", "YEAR", None, trial_end, trial_end),
    ]


async def test_a_retry_with_the_same_idempotency_key_charges_once(
    app: Starlette, world: World, v1: V1, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    body = manual(numbers, expire_year=YEAR)

    first = await v1.process(key, body, headers={"Idempotency-Key": "manual-1"})
    retry = await v1.process(key, body, headers={"Idempotency-Key": "manual-1"})
    reused = await v1.process(key, priced(body, quantity=2), headers={"Idempotency-Key": "manual-1"})

    assert first["result_code"] == 1
    assert retry == first
    assert reused == {
        "result_code": 2,
        "message": "Idempotency-Key: This idempotency key was used with other input.",
    }
    assert len(await sandbox_charges(app)) == 1


async def test_another_accounts_numbers_are_unknown(
    app: Starlette, api: Api, world: World, v1: V1, numbers: Numbers
) -> None:
    other = world.b.caller("apikey")
    b_product = await api.gql(
        'mutation { createProduct(input: {name: "B", price: {amount: "1.00", currency: "USD"}}) '
        "{ product { number } } }",
        world.b.caller("admin"),
    )
    b_number = b_product["createProduct"]["product"]["number"]
    before = await row_counts(app)

    # b's own customer, gateway and template are number 1, as a's are; a product number b never used is
    # unknown, and a's customer's opaque id is no customer of b's.
    answer = await v1.process(other, manual(Numbers(1, b_number + 5, 1, 1), expire_year=YEAR))
    b_numbers = Numbers(world.a.customer_id, b_number, 1, 1)  # type: ignore[arg-type]
    by_id = await v1.process(other, manual(b_numbers, expire_year=YEAR))

    assert answer == {
        "result_code": 2,
        "message": f"offer.products[0].id: no product of this account has number {b_number + 5}.",
    }
    assert by_id == {"result_code": 2, "message": "contact_id: No customer with this id."}
    assert await row_counts(app) == before
