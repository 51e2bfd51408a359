"""Reconciliation: PENDING charges whose answer was lost are settled by asking the gateway, never by charging again.

A crash between the gateway's answer and the commit of the outcome is
simulated by making ``settle`` raise once; lost answers come from a sandbox
gateway with a fault (DESIGN.md, Money movement: "no answer ... PENDING
until reconciled"). ``reconcile`` only touches charges older than ten
minutes, so it is called with a clock eleven minutes ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette

from paydesk.clock import utcnow
from paydesk.gateways.sandbox import SandboxGateway
from paydesk.models import Subscription
from paydesk.transactions import service
from paydesk.transactions.service import Services, reconcile
from tests.api.test_sales import (
    CHARGE,
    DECLINE,
    ONE_LINE,
    STRIPE_INTENT,
    STRIPE_KEY,
    TRANSACTION,
    VISA,
    add_gateway,
    assert_charged_once,
    balanced,
    card,
    charge,
    charged,
    create_coupon,
    event_kinds,
    flaky_card,
    no_answer,
    put_on_file,
    sandbox_charges,
    set_sandbox_fault,
    stripe_faked,
    times_redeemed,
)
from tests.helpers import Api, Caller, World, resources

ONE = f"query($id: ID!) {{ transaction(id: $id) {{ {TRANSACTION} }} }}"
CARDS = "query($id: ID!) { customer(id: $id) { paymentMethods(includeRemoved: true) { last4 isDefault status } } }"
LATEST = "{ transactions(first: 1) { edges { node { id } } } }"


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


def later(minutes: int = 11) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


async def sale(api: Api, caller: Caller, transaction_id: str) -> dict[str, Any]:
    found = (await api.gql(ONE, caller, id=transaction_id))["transaction"]
    return balanced(found)


async def latest_sale_id(api: Api, caller: Caller) -> str:
    return str((await api.gql(LATEST, caller))["transactions"]["edges"][0]["node"]["id"])


def crash_once(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the next ``settle`` raise, as a process dying after the gateway answered would; the ids it hit."""
    original: Callable[..., Any] = service.settle
    crashed: list[str] = []

    async def settle(session: Any, services: Services, transaction_id: str, *args: Any, **kwargs: Any) -> Any:
        if not crashed:
            crashed.append(transaction_id)
            raise RuntimeError("the process died before the outcome was committed")
        return await original(session, services, transaction_id, *args, **kwargs)

    monkeypatch.setattr(service, "settle", settle)
    return crashed


async def crashed_charge(api: Api, caller: Caller, **input: Any) -> str:
    """A chargeNow whose process dies after the gateway answered: the PENDING sale's id."""
    response = await api.post({"query": CHARGE, "variables": {"i": {"lines": ONE_LINE, **input}}}, caller)
    body = response.json()
    assert body["data"] is None
    assert [(e["message"], e["path"]) for e in body["errors"]] == [("Internal error", ["chargeNow"])]
    return await latest_sale_id(api, caller)


async def test_a_charge_that_crashed_after_the_gateway_is_settled_without_a_second_charge(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = world.a.caller("rep")
    await put_on_file(api, rep, world.a.customer_id, VISA)
    crashed = crash_once(monkeypatch)

    sale_id = await crashed_charge(api, rep, customerId=world.a.customer_id)
    pending = await sale(api, rep, sale_id)
    too_early = await reconcile(services(app))
    settled = await reconcile(services(app), now=later())
    again = await reconcile(services(app), now=later())

    assert crashed == [sale_id]
    assert (pending["status"], pending["resultCode"], pending["invoice"]) == ("PENDING", None, None)
    assert event_kinds(pending) == ["charge_started"]
    assert too_early == []
    assert settled == [(sale_id, "PAID")]
    assert again == []
    paid = await sale(api, rep, sale_id)
    row = await assert_charged_once(app, paid)
    assert (paid["status"], paid["resultCode"], paid["externalId"]) == ("PAID", "GOOD", row.id)
    assert paid["invoice"]["number"] == "INV-000001"
    assert event_kinds(paid) == ["charge_started", "paid", "invoice_issued", "reconciled"]
    assert len(await sandbox_charges(app)) == 1


async def test_a_crashed_declined_charge_settles_declined_and_gives_back_its_coupon(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = world.a.caller("rep")
    coupon = await create_coupon(api, world.a.caller("admin"), code="HALF", percentOff="50")
    await put_on_file(api, rep, world.a.customer_id, VISA)
    crash_once(monkeypatch)

    sale_id = await crashed_charge(
        api, rep, customerId=world.a.customer_id, couponCode="HALF", card=card(DECLINE)
    )
    reserved = await times_redeemed(api, rep, coupon)
    settled = await reconcile(services(app), now=later())

    declined = await sale(api, rep, sale_id)
    assert reserved == 1
    assert settled == [(sale_id, "DECLINED")]
    assert (declined["status"], declined["declineCode"], declined["invoice"]) == (
        "DECLINED",
        "generic_decline",
        None,
    )
    assert await times_redeemed(api, rep, coupon) == 0
    assert (await assert_charged_once(app, declined)).status == "declined"


async def test_a_new_card_whose_charge_reconciles_declined_is_not_kept(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = world.a.caller("rep")
    crash_once(monkeypatch)

    await crashed_charge(api, rep, customerId=world.a.customer_id, card=card(DECLINE))
    assert [status for _id, status in await reconcile(services(app), now=later())] == ["DECLINED"]

    cards = (await api.gql(CARDS, rep, id=world.a.customer_id))["customer"]["paymentMethods"]
    assert cards == [{"last4": "0002", "isDefault": False, "status": "REMOVED"}]


async def test_a_charge_that_never_reached_the_gateway_reconciles_to_failed(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    coupon = await create_coupon(api, world.a.caller("admin"), code="TEN", percentOff="10")
    gateway_id, method_id = await flaky_card(api, app, world, "timeout_before")
    pending = await charged(api, rep, world.a.customer_id, paymentMethodId=method_id, couponCode="TEN")

    while_down = await reconcile(services(app), now=later())
    await set_sandbox_fault(app, gateway_id, None)  # the gateway answers again: it never saw the charge
    settled = await reconcile(services(app), now=later())

    assert (pending["status"], pending["resultCode"]) == ("PENDING", "CONNECTION_ERROR")
    assert while_down == []
    assert settled == [(pending["id"], "FAILED")]
    failed = await sale(api, rep, pending["id"])
    assert (failed["status"], failed["resultCode"], failed["invoice"]) == (
        "FAILED",
        "REMOTE_GATEWAY_ERROR",
        None,
    )
    assert event_kinds(failed) == ["charge_started", "outcome_unknown", "failed", "reconciled"]
    assert await sandbox_charges(app) == []
    assert await times_redeemed(api, rep, coupon) == 0


async def test_a_pending_charge_younger_than_ten_minutes_is_left_alone(
    app: Starlette, api: Api, world: World
) -> None:
    _gateway_id, method_id = await flaky_card(api, app, world, "timeout_after")
    pending = await charged(api, world.a.caller("rep"), world.a.customer_id, paymentMethodId=method_id)

    now = await reconcile(services(app))
    nine_minutes_on = await reconcile(services(app), now=later(9))

    assert pending["status"] == "PENDING"
    assert (now, nine_minutes_on) == ([], [])
    assert (await sale(api, world.a.caller("rep"), pending["id"]))["status"] == "PENDING"


async def test_a_lost_answer_reconciles_to_paid_without_a_second_charge(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    _gateway_id, method_id = await flaky_card(api, app, world, "timeout_after")
    monthly = {"description": "Support", "unitPrice": "10.00", "kind": "SUBSCRIPTION", "unit": "MONTH"}
    pending = await charged(
        api, rep, world.a.customer_id, paymentMethodId=method_id, lines=[*ONE_LINE, monthly]
    )
    no_orders_yet = await subscriptions(app)

    settled = await reconcile(services(app), now=later())

    paid = await sale(api, rep, pending["id"])
    row = await assert_charged_once(app, paid)
    assert (pending["status"], pending["resultCode"]) == ("PENDING", "CONNECTION_ERROR")
    assert settled == [(pending["id"], "PAID")]
    assert (paid["status"], paid["resultCode"], paid["externalId"]) == ("PAID", "GOOD", row.id)
    assert row.amount == 5900
    assert paid["invoice"]["number"] == "INV-000001"
    assert event_kinds(paid) == ["charge_started", "outcome_unknown", "paid", "invoice_issued", "reconciled"]
    assert no_orders_yet == []
    assert [(s.kind, s.status, s.origin_transaction_id) for s in await subscriptions(app)] == [
        ("SUBSCRIPTION", "ACTIVE", pending["id"])
    ]
    assert len(await sandbox_charges(app)) == 1


async def test_a_lost_stripe_answer_is_looked_up_not_charged_again(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    async with stripe_faked(app) as stripe:
        gateway_id = await add_gateway(api, world.a.caller("admin"), "stripe", secretKey=STRIPE_KEY)
        method = await put_on_file(api, rep, world.a.customer_id, VISA, gatewayId=gateway_id)
        stripe.intents = [no_answer]
        pending = await charged(api, rep, world.a.customer_id, paymentMethodId=method["id"])
        # Stripe did charge it; its search finds the PaymentIntent by our reference.
        stripe.found = [{**STRIPE_INTENT, "metadata": {"paydesk_reference": pending["id"]}}]

        settled = await reconcile(services(app), now=later())

    paid = await sale(api, rep, pending["id"])
    assert (pending["status"], pending["resultCode"]) == ("PENDING", "CONNECTION_ERROR")
    assert settled == [(pending["id"], "PAID")]
    assert (paid["status"], paid["resultCode"], paid["externalId"]) == ("PAID", "GOOD", STRIPE_INTENT["id"])
    assert len(stripe.intent_requests) == 1  # the one charge; reconciling only searched
    (search,) = stripe.searches
    assert search.url.params["query"] == f"metadata['paydesk_reference']:'{pending['id']}'"


async def subscriptions(app: Starlette) -> list[Subscription]:
    async with resources(app).sessions() as db:
        return list(await db.exec(select(Subscription)))


async def test_a_retry_after_reconciliation_answers_at_once(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = world.a.caller("rep")
    await put_on_file(api, rep, world.a.customer_id, VISA)
    crash_once(monkeypatch)
    sale_id = await crashed_charge(api, rep, customerId=world.a.customer_id, idempotencyKey="retry-me")
    await reconcile(services(app), now=later())

    started = time.monotonic()
    retry = await charge(api, rep, world.a.customer_id, idempotencyKey="retry-me")
    waited = time.monotonic() - started

    assert (retry["transaction"]["id"], retry["transaction"]["status"]) == (sale_id, "PAID")
    assert waited < 2.5
    assert len(await sandbox_charges(app)) == 1


async def test_a_charge_a_lagging_gateway_cannot_find_stays_pending_until_its_absence_proves_anything(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As with Stripe, whose search lags: not found only proves the charge never happened after a while.
    monkeypatch.setattr(SandboxGateway, "absence_proves_after", timedelta(hours=2))
    gateway_id, method_id = await flaky_card(api, app, world, "timeout_before")
    pending = await charged(api, world.a.caller("rep"), world.a.customer_id, paymentMethodId=method_id)
    await set_sandbox_fault(app, gateway_id, None)

    too_soon = await reconcile(services(app), now=later(60))
    proven = await reconcile(services(app), now=later(121))

    assert pending["status"] == "PENDING"
    assert too_soon == []
    assert proven == [(pending["id"], "FAILED")]
