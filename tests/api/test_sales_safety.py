"""Money moves once: idempotency keys on chargeNow and logTransaction, and coupon caps under a race.

DESIGN.md, Money movement: the same key and the same input return the first
result; another input is IDEMPOTENCY_KEY_REUSED; a call that ended in
userErrors releases its key; a duplicate that arrives while the first call
is in flight waits for it. The sandbox's own rows (SandboxCharge) show how
many charges really happened.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.applications import Starlette

from tests.api.test_sales import (
    CHARGE,
    ONE_LINE,
    VISA,
    add_gateway,
    assert_charged_once,
    balanced,
    card,
    charge,
    charged,
    create_coupon,
    log,
    logged,
    minor,
    problems,
    put_on_file,
    sandbox_charges,
    times_redeemed,
)
from tests.helpers import Api, Caller, World

KEY = "order-2024-0001"
COUNT = "{ transactions { totalCount } }"


async def sale_count(api: Api, caller: Caller) -> int:
    return int((await api.gql(COUNT, caller))["transactions"]["totalCount"])


async def test_the_same_key_and_input_return_the_first_sale(app: Starlette, api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)

    first = await charge(api, rep, customer, idempotencyKey=KEY)
    again = await charge(api, rep, customer, idempotencyKey=KEY)
    # Parsed input is compared: 49 is "49.00", an omitted field is null.
    as_number = await charge(
        api,
        rep,
        customer,
        idempotencyKey=KEY,
        lines=[{"description": "Consulting", "unitPrice": 49}],
        couponCode=None,
    )

    assert [p["userErrors"] for p in (first, again, as_number)] == [[], [], []]
    assert first["transaction"]["status"] == "PAID"
    assert again["transaction"] == first["transaction"]
    assert as_number["transaction"] == first["transaction"]
    await assert_charged_once(app, first["transaction"])
    assert len(await sandbox_charges(app)) == 1
    assert await sale_count(api, rep) == 1


async def test_the_same_key_with_other_input_is_refused(api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    first = await charge(api, rep, customer, idempotencyKey=KEY)

    other_amount = await charge(
        api, rep, customer, idempotencyKey=KEY, lines=[{"description": "Consulting", "unitPrice": "49.01"}]
    )
    other_card = await charge(api, rep, customer, idempotencyKey=KEY, card=card(VISA))

    assert first["userErrors"] == []
    for payload in (other_amount, other_card):
        assert problems(payload) == [(["input", "idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
        assert payload["transaction"] is None
    assert await sale_count(api, rep) == 1


async def test_keys_are_scoped_to_the_account_and_the_mutation(
    app: Starlette, api: Api, world: World
) -> None:
    await put_on_file(api, world.a.caller("rep"), world.a.customer_id, VISA)
    await put_on_file(api, world.b.caller("rep"), world.b.customer_id, VISA)

    ours = await charge(api, world.a.caller("rep"), world.a.customer_id, idempotencyKey=KEY)
    theirs = await charge(api, world.b.caller("rep"), world.b.customer_id, idempotencyKey=KEY)
    logged_with_it = await log(api, world.a.caller("rep"), world.a.customer_id, idempotencyKey=KEY)
    logged_again = await log(api, world.a.caller("rep"), world.a.customer_id, idempotencyKey=KEY)

    ids = [p["transaction"]["id"] for p in (ours, theirs, logged_with_it)]
    assert len(set(ids)) == 3
    assert logged_again["transaction"]["id"] == logged_with_it["transaction"]["id"]
    assert logged_with_it["transaction"]["origin"] == "LOGGED"
    assert len(await sandbox_charges(app)) == 2


async def test_a_call_that_ended_in_user_errors_releases_its_key(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    bad_line = [{"description": "Consulting", "unitPrice": "49.001"}]

    refused = await charge(api, rep, customer, idempotencyKey=KEY, lines=bad_line)
    corrected = await charge(api, rep, customer, idempotencyKey=KEY)
    refused_log = await log(api, rep, customer, idempotencyKey=KEY, lines=bad_line)
    corrected_log = await log(api, rep, customer, idempotencyKey=KEY)

    assert problems(refused) == [(["input", "lines", "0", "unitPrice"], "INVALID")]
    assert problems(refused_log) == [(["input", "lines", "0", "unitPrice"], "INVALID")]
    assert (corrected["userErrors"], corrected["transaction"]["status"]) == ([], "PAID")
    assert (corrected_log["userErrors"], corrected_log["transaction"]["status"]) == ([], "PAID")
    await assert_charged_once(app, corrected["transaction"])


async def test_a_declined_sale_is_a_result_the_key_keeps(app: Starlette, api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    declining = card("4000000000000002")

    first = await charge(api, rep, customer, idempotencyKey=KEY, card=declining)
    again = await charge(api, rep, customer, idempotencyKey=KEY, card=declining)

    assert first["transaction"]["status"] == "DECLINED"
    assert again["transaction"]["id"] == first["transaction"]["id"]
    await assert_charged_once(app, first["transaction"])


async def test_an_over_long_key_is_refused(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    too_long = await logged_or_errors(api, rep, world.a.customer_id, "k" * 256)
    longest = await logged_or_errors(api, rep, world.a.customer_id, "k" * 255)

    assert too_long == [(["input", "idempotencyKey"], "INVALID")]
    assert longest == []


async def logged_or_errors(api: Api, caller: Caller, customer_id: str, key: str) -> list[Any]:
    return problems(await log(api, caller, customer_id, idempotencyKey=key))


async def test_twenty_concurrent_charges_with_one_key_charge_once(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    body = {
        "query": CHARGE,
        "variables": {"i": {"customerId": customer, "lines": ONE_LINE, "idempotencyKey": KEY}},
    }

    responses = await asyncio.gather(*(api.post(body, rep) for _ in range(20)))

    assert [r.status_code for r in responses] == [200] * 20
    payloads = [r.json()["data"]["chargeNow"] for r in responses]
    answered = [p["transaction"] for p in payloads if p["transaction"] is not None]
    waited_out = [p for p in payloads if p["transaction"] is None]
    assert answered, payloads
    assert {sale["id"] for sale in answered} == {answered[0]["id"]}
    assert all(problems(p) == [(["input", "idempotencyKey"], "IDEMPOTENCY_KEY_IN_USE")] for p in waited_out)
    for sale in answered:
        balanced(sale)
    await assert_charged_once(app, answered[0])
    assert len(await sandbox_charges(app)) == 1
    assert await sale_count(api, rep) == 1
    settled = await charge(api, rep, customer, idempotencyKey=KEY)
    assert (settled["transaction"]["id"], settled["transaction"]["status"]) == (answered[0]["id"], "PAID")


async def test_duplicates_arriving_while_the_first_is_at_the_gateway_get_its_outcome(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    slow = await add_gateway(api, world.a.caller("admin"), "sandbox", latencyMs=400)
    method = await put_on_file(api, rep, customer, VISA, gatewayId=slow)
    input = {
        "customerId": customer,
        "lines": ONE_LINE,
        "paymentMethodId": method["id"],
        "idempotencyKey": KEY,
    }

    responses = await asyncio.gather(
        *(api.post({"query": CHARGE, "variables": {"i": input}}, rep) for _ in range(20))
    )

    sales = [r.json()["data"]["chargeNow"]["transaction"] for r in responses]
    assert {(s["id"], s["status"]) for s in sales} == {(sales[0]["id"], "PAID")}
    await assert_charged_once(app, sales[0])
    assert len(await sandbox_charges(app)) == 1


async def test_a_coupon_cap_holds_under_twenty_concurrent_charges(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    coupon = await create_coupon(api, world.a.caller("admin"), code="FIVE", percentOff="10", maxRedemptions=5)

    def body(n: int) -> dict[str, Any]:
        # Half with keys of their own, half without: either way each is its own sale.
        key = {"idempotencyKey": f"race-{n}"} if n % 2 else {}
        return {
            "query": CHARGE,
            "variables": {"i": {"customerId": customer, "lines": ONE_LINE, "couponCode": "FIVE", **key}},
        }

    responses = await asyncio.gather(*(api.post(body(n), rep) for n in range(20)))

    assert [r.status_code for r in responses] == [200] * 20
    payloads = [r.json()["data"]["chargeNow"] for r in responses]
    sales = [balanced(p["transaction"]) for p in payloads if p["transaction"] is not None]
    refusals = [problems(p) for p in payloads if p["transaction"] is None]
    assert [(s["status"], minor(s["discount"]), minor(s["total"])) for s in sales] == [
        ("PAID", 490, 4410)
    ] * 5
    assert refusals == [[(["input", "couponCode"], "COUPON_INVALID")]] * 15
    assert await times_redeemed(api, rep, coupon) == 5
    # The refused sales were rolled back whole: they took no invoice number either.
    assert sorted(s["invoice"]["number"] for s in sales) == [f"INV-00000{n}" for n in range(1, 6)]
    used = await api.gql(
        "query($id: ID!) { customer(id: $id) { couponsUsed { transaction { id } } } }", rep, id=customer
    )
    assert sorted(u["transaction"]["id"] for u in used["customer"]["couponsUsed"]) == sorted(
        s["id"] for s in sales
    )
    assert len(await sandbox_charges(app)) == 5
    assert await sale_count(api, rep) == 5
    # Used up: the next checkout is told so at once.
    late = await logged_or_coupon(api, rep, customer)
    assert late == [(["input", "couponCode"], "COUPON_INVALID")]


async def logged_or_coupon(api: Api, caller: Caller, customer_id: str) -> list[Any]:
    return problems(await log(api, caller, customer_id, couponCode="five"))


async def test_concurrent_sales_get_invoice_numbers_without_gaps_or_repeats(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)

    sales = await asyncio.gather(
        *(charged(api, rep, customer) for _ in range(6)),
        *(charged(api, rep, customer, card=card("4000000000000002")) for _ in range(2)),
        *(logged(api, rep, customer) for _ in range(6)),
    )

    paid = [s for s in sales if s["status"] == "PAID"]
    assert len(paid) == 12
    assert sorted(s["invoice"]["number"] for s in paid) == [f"INV-{n:06d}" for n in range(1, 13)]
    assert len(await sandbox_charges(app)) == 8


async def test_a_logged_sale_with_a_key_is_recorded_once(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    sales = await asyncio.gather(
        *(logged(api, rep, world.a.customer_id, idempotencyKey=KEY) for _ in range(5))
    )

    assert {sale["id"] for sale in sales} == {sales[0]["id"]}
    assert await sale_count(api, rep) == 1
