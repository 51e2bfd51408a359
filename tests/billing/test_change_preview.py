"""subscriptionChangePreview tells what updateSubscription(prorate: true) then really does, writing nothing.

The orders run on the simulated clock of test_lifecycle (New York time), so
"today" inside the period is the same for the preview and for the change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.applications import Starlette

from tests.api.test_sales import MONEY
from tests.billing.test_lifecycle import UPDATE, Sim, cents, local, plan, simulate, subscription
from tests.helpers import Api, Caller, World, without_throttle

PREVIEW = f"""
query($i: SubscriptionChangePreviewInput!) {{
  subscriptionChangePreview(input: $i) {{
    preview {{
      currentAmount {{ {MONEY} }} newAmount {{ {MONEY} }} chargeNow {{ {MONEY} formatted }}
      credit {{ {MONEY} }} periodStart periodEnd
    }}
    userErrors {{ field code message }}
  }}
}}"""


async def preview(sim: Sim, caller: Caller, **input: Any) -> dict[str, Any]:
    return dict((await sim.api.gql(PREVIEW, caller, i=input))["subscriptionChangePreview"])


async def test_an_upgrade_preview_is_what_the_prorated_change_then_charges(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    club = await sim.open(subscription("Club", "30.00"), date(2027, 1, 1))
    sim.clock.now = local(date(2027, 1, 10))
    before = await sim.order(club)

    seen = await preview(sim, world.a.caller("viewer"), subscriptionId=club, unitPrice="45.00", quantity=1)

    assert seen["userErrors"] == []
    found = seen["preview"]
    assert (found["currentAmount"]["amount"], found["newAmount"]["amount"]) == ("30.00", "45.00")
    assert (found["periodStart"], found["periodEnd"]) == ("2027-01-01", "2027-02-01")
    assert found["credit"]["minorUnits"] == 0
    assert await sim.order(club) == before  # nothing written, nothing charged
    upgraded = await sim.ok(
        UPDATE, sim.admin, subscriptionId=club, unitPrice="45.00", quantity=1, prorate=True
    )
    _, proration = upgraded["transactions"]
    assert proration["status"] == "PAID"
    assert cents(proration["total"]["amount"]) == found["chargeNow"]["minorUnits"] == 1065
    assert found["chargeNow"]["formatted"] == "$10.65"
    assert upgraded["credit"]["amount"] == found["credit"]["amount"] == "0.00"


async def test_a_downgrade_preview_is_the_credit_the_prorated_change_then_gives(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    sub = await sim.open(subscription("Club", "45.00"), date(2027, 2, 1))
    sim.clock.now = local(date(2027, 2, 15))

    seen = await preview(sim, sim.rep, subscriptionId=sub, unitPrice="20.01")

    found = seen["preview"]
    assert (found["currentAmount"]["amount"], found["newAmount"]["amount"]) == ("45.00", "20.01")
    assert (found["chargeNow"]["minorUnits"], found["credit"]["amount"]) == (0, "12.49")
    assert found["periodEnd"] == "2027-03-01"
    downgraded = await sim.ok(UPDATE, sim.admin, subscriptionId=sub, unitPrice="20.01", prorate=True)
    assert downgraded["credit"]["amount"] == found["credit"]["amount"]
    assert [t["total"]["amount"] for t in downgraded["transactions"]] == ["45.00"]  # nothing charged now


async def test_a_preview_refuses_what_the_change_refuses(app: Starlette, api: Api, world: World) -> None:
    sim = await simulate(app, api, world)
    club = await sim.open(subscription("Club", "30.00"), date(2027, 1, 1))
    kayak = await sim.open(plan("Kayak", "25.00", 6), date(2027, 1, 1))
    sim.clock.now = local(date(2027, 1, 10))
    cases = [
        {"subscriptionId": club, "quantity": 0, "unitPrice": "1.234"},
        {"subscriptionId": kayak, "quantity": 2},
        {"subscriptionId": "sub_0000000000000000000000", "quantity": 2},
    ]
    for case in cases:
        seen = await preview(sim, sim.rep, **case)
        refused = await sim.mutate(UPDATE, sim.admin, **case, prorate=True)
        assert seen["preview"] is None
        assert seen["userErrors"] == refused["userErrors"] != [], case
    first = await preview(sim, sim.rep, **cases[0])
    assert [(e["field"], e["code"]) for e in first["userErrors"]] == [
        (["input", "quantity"], "INVALID"),
        (["input", "unitPrice"], "INVALID"),
    ]
    # The same amount prorates nothing; another account's order answers like a missing one.
    same = await preview(sim, sim.rep, subscriptionId=club, quantity=1, unitPrice="30.00")
    assert (same["preview"]["chargeNow"]["minorUnits"], same["preview"]["credit"]["minorUnits"]) == (0, 0)
    assert same["preview"]["periodEnd"] is None
    other = await api.post(
        {"query": PREVIEW, "variables": {"i": {"subscriptionId": club, "quantity": 2}}},
        world.b.caller("owner"),
    )
    missing = await api.post(
        {"query": PREVIEW, "variables": {"i": {"subscriptionId": cases[2]["subscriptionId"], "quantity": 2}}},
        world.b.caller("owner"),
    )
    assert without_throttle(other.json()) == without_throttle(missing.json())
    assert other.json()["data"]["subscriptionChangePreview"]["userErrors"][0]["code"] == "NOT_FOUND"
