"""Free trials: chargeNow's trialDays (0 to 730) opens the sale's subscriptions and payment plans with
their first charge that many days later, charging only its one-off lines now; the order shows
trialEndsOn, the billing runner charges it on that day, and a typed card is kept on file for it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.applications import Starlette

from paydesk.billing.runner import Runner
from tests.actions.common import GEAR_CLUB
from tests.api.test_sales import VISA, card, charge, charged, sandbox_charges
from tests.helpers import Api, World
from tests.outbox.test_reminders import services

ORDERS = """
query($id: ID!) { customer(id: $id) {
  paymentMethods { id last4 }
  subscriptions { id kind status nextChargeDate trialEndsOn paymentsRemaining paymentMethod { last4 } }
} }"""
PREVIEW = """
query($i: SalePreviewInput!) { salePreview(input: $i) { preview { total { amount } } userErrors { field code } } }"""
PLAN = {
    "description": "Kayak",
    "unitPrice": "100.00",
    "kind": "PAYMENT_PLAN",
    "unit": "MONTH",
    "paymentCount": 4,
}
SINGLE = {"description": "Setup", "unitPrice": "49.00"}


async def orders_of(api: Api, world: World) -> dict[str, Any]:
    return dict((await api.gql(ORDERS, world.a.caller("viewer"), id=world.a.customer_id))["customer"])


async def test_a_trial_charges_the_one_off_lines_now_and_starts_the_orders_later(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")

    sale = await charged(
        api, rep, world.a.customer_id, lines=[SINGLE, GEAR_CLUB, PLAN], card=card(VISA), trialDays=14
    )

    assert sale["status"] == "PAID"
    assert sale["total"]["amount"] == "49.00"
    assert [(line["kind"], line["total"]["amount"]) for line in sale["lines"]] == [
        ("SINGLE", "49.00"),
        ("SUBSCRIPTION", "0.00"),
        ("PAYMENT_PLAN", "0.00"),
    ]
    assert [c.amount for c in await sandbox_charges(app, sale["id"])] == [4900]
    today = datetime.fromisoformat(sale["transactionDate"]).astimezone(UTC).date()
    found = await orders_of(api, world)
    by_kind = {s["kind"]: s for s in found["subscriptions"]}
    for sub in by_kind.values():
        assert sub["status"] == "ACTIVE"
        assert sub["trialEndsOn"] == (today + timedelta(days=14)).isoformat()
        assert sub["nextChargeDate"] == sub["trialEndsOn"]
        assert sub["paymentMethod"]["last4"] == "4242"
    # All four payments of the plan are still to come.
    assert by_kind["PAYMENT_PLAN"]["paymentsRemaining"] == 4


async def test_a_trial_of_only_recurring_lines_charges_nothing_and_keeps_the_card_for_later(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")

    sale = await charged(api, rep, world.a.customer_id, lines=[GEAR_CLUB], card=card(VISA), trialDays=7)

    assert (sale["status"], sale["total"]["amount"]) == ("PAID", "0.00")
    assert await sandbox_charges(app, sale["id"]) == []
    found = await orders_of(api, world)
    assert [m["last4"] for m in found["paymentMethods"]] == ["4242"]
    (sub,) = found["subscriptions"]
    trial_end = date.fromisoformat(sub["trialEndsOn"])

    # The billing runner charges the first period on the trial's last day, not before.
    before = await Runner(services(app), clock=lambda: _noon(trial_end - timedelta(days=1))).run_once()
    assert before.claimed == 0
    on_the_day = await Runner(services(app), clock=lambda: _noon(trial_end)).run_once()
    assert (on_the_day.claimed, on_the_day.charged) == (1, 1)
    (after,) = (await orders_of(api, world))["subscriptions"]
    assert after["nextChargeDate"] > sub["nextChargeDate"]
    assert after["trialEndsOn"] == sub["trialEndsOn"]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


async def test_trial_days_out_of_range_or_without_recurring_lines_are_refused(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    cases = [
        ({"lines": [GEAR_CLUB], "trialDays": 731}, ["input", "trialDays"]),
        ({"lines": [GEAR_CLUB], "trialDays": -1}, ["input", "trialDays"]),
        ({"lines": [SINGLE], "trialDays": 7}, ["input", "trialDays"]),
        (
            {"lines": [{**PLAN, "firstPayment": "10.00"}], "trialDays": 7},
            ["input", "lines", "0", "firstPayment"],
        ),
    ]
    for extra, field in cases:
        payload = await charge(api, rep, world.a.customer_id, card=card(VISA), **extra)
        assert payload["transaction"] is None, extra
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "INVALID")], extra
    assert (await orders_of(api, world))["subscriptions"] == []


async def test_the_sale_preview_shows_nothing_due_now_for_trial_lines(api: Api, world: World) -> None:
    preview = (
        await api.gql(
            PREVIEW,
            world.a.caller("viewer"),
            i={"customerId": world.a.customer_id, "lines": [SINGLE, GEAR_CLUB], "trialDays": 30},
        )
    )["salePreview"]

    assert preview["userErrors"] == []
    assert preview["preview"]["total"]["amount"] == "49.00"
