"""retryInstallment: staff charge a declined order's installment now, through the runner's own path.

The retry claims the order as a worker would and bills it with the runner's
code, so a retry and the runner racing for the same installment charge it
once (checked against the sandbox's own books on both databases). A retry
that declines is one more dunning attempt; one that pays ends the dunning.
Customer.pastDue flags the customer while an order waits on a retry.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.applications import Starlette

from paydesk.billing.runner import Runner
from tests.api.test_sales import put_on_file
from tests.billing.test_dunning import (
    MASTERCARD,
    UPDATE_SUBSCRIPTION,
    Days,
    charge_count,
    done,
    dunning_of,
    installments,
    mutate,
    open_order,
    problems,
    services,
    view,
)
from tests.helpers import Api, Tenant, World
from tests.web.test_pay_page import slow_sandbox

RETRY = """
mutation($i: RetryInstallmentInput!) {
  retryInstallment(input: $i) {
    subscription { id status dunning { attempts } nextAttemptAt }
    transaction { id status declineCode }
    userErrors { field code message }
  }
}"""
PAST_DUE = "query($id: ID!) { customer(id: $id) { pastDue } }"
SALE_EVENTS = "query($id: ID!) { transaction(id: $id) { events { kind actor { id } actorApiKey } } }"


async def declined_once(app: Starlette, api: Api, shop: Tenant) -> tuple[Any, Days]:
    """An order whose first installment declined on day 0 (retry planned for day 1)."""
    order = await open_order(api, shop)
    days = Days(app, order)
    assert (await days.run(0)).declined == 1
    return order, days


async def test_a_retry_after_the_card_was_changed_pays_and_ends_the_dunning(
    app: Starlette, api: Api, world: World
) -> None:
    shop = world.a
    order, days = await declined_once(app, api, shop)
    rep = shop.caller("rep")
    assert (await api.gql(PAST_DUE, rep, id=shop.customer_id))["customer"]["pastDue"] is True
    good = await put_on_file(api, rep, shop.customer_id, MASTERCARD, makeDefault=False)
    await done(api, UPDATE_SUBSCRIPTION, rep, subscriptionId=order.id, paymentMethodId=good["id"])
    days.at(0)

    retried = await mutate(api, RETRY, rep, subscriptionId=order.id, idempotencyKey="retry-1")
    again = await mutate(api, RETRY, rep, subscriptionId=order.id, idempotencyKey="retry-1")

    assert retried["userErrors"] == []
    assert retried["transaction"]["status"] == "PAID"
    assert (retried["subscription"]["status"], retried["subscription"]["dunning"]) == ("ACTIVE", None)
    assert again["transaction"]["id"] == retried["transaction"]["id"]
    assert await charge_count(app) == 3  # the opening sale, the decline, the retry: nothing twice
    sub = await view(api, shop, order.id)
    assert [s["status"] for s in installments(sub)] == ["DECLINED", "PAID"]
    assert (await api.gql(PAST_DUE, rep, id=shop.customer_id))["customer"]["pastDue"] is False
    assert (await days.run(1)).claimed == 0  # the retry planned for day 1 has nothing left to do
    events = (await api.gql(SALE_EVENTS, rep, id=retried["transaction"]["id"]))["transaction"]["events"]
    assert {e["actorApiKey"] for e in events} == {None}


async def test_a_retry_that_declines_is_one_more_dunning_attempt(
    app: Starlette, api: Api, world: World
) -> None:
    shop = world.a
    order, days = await declined_once(app, api, shop)
    days.at(0)

    retried = await mutate(api, RETRY, shop.caller("rep"), subscriptionId=order.id)

    assert retried["userErrors"] == []
    assert (retried["transaction"]["status"], retried["transaction"]["declineCode"]) == (
        "DECLINED",
        "generic_decline",
    )
    attempts = dunning_of(await view(api, shop, order.id))
    assert attempts is not None
    assert attempts[0] == 2
    assert await charge_count(app) == 3


async def test_only_an_order_waiting_on_a_retry_can_be_retried_and_only_by_staff_of_its_account(
    app: Starlette, api: Api, world: World
) -> None:
    shop = world.a
    order = await open_order(api, shop)
    healthy = await mutate(api, RETRY, shop.caller("rep"), subscriptionId=order.id)
    assert problems(healthy) == [(["input", "subscriptionId"], "INVALID_STATE")]

    await Days(app, order).run(0)
    viewer = await mutate(api, RETRY, shop.caller("viewer"), subscriptionId=order.id)
    other = await mutate(api, RETRY, world.b.caller("admin"), subscriptionId=order.id)

    assert [e["code"] for e in viewer["userErrors"]] == ["FORBIDDEN"]
    assert problems(other) == [(["input", "subscriptionId"], "NOT_FOUND")]
    assert await charge_count(app) == 2  # the opening sale and day 0's decline only


async def test_a_retry_racing_the_runner_charges_the_installment_once(
    app: Starlette, api: Api, world: World
) -> None:
    shop = world.a
    order, days = await declined_once(app, api, shop)
    await slow_sandbox(app, api, world, latency_ms=200)
    rep = shop.caller("rep")
    outcomes = []
    for day in (1, 3, 5):
        now = days.at(day)
        before = await charge_count(app)
        runner = Runner(services(app), clock=lambda now=now: now)
        passed, retried = await asyncio.gather(
            runner.run_once(), mutate(api, RETRY, rep, subscriptionId=order.id)
        )
        outcomes.append((passed.declined, [e["code"] for e in retried["userErrors"]]))
        # Whoever claimed the order charged it; the other found it leased or charged.
        assert await charge_count(app) == before + 1, (day, passed, retried)
    sub = await view(api, shop, order.id)
    assert len(installments(sub)) == 4
    assert all(declined + (0 if codes else 1) == 1 for declined, codes in outcomes), outcomes
