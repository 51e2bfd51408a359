"""voidPreview says exactly what voidTransaction then does: orders that end, balance forgiven, coupon, commission.

The preview is computed by the void's own code (``void_effects``), writes
nothing, and is checked here against what the void really did. A cancelled
plan no longer shows a balance or payments to come.
"""

from __future__ import annotations

from typing import Any

from tests.actions.common import CANOE_PLAN, GEAR_CLUB, VOID, act
from tests.actions.test_commissions import partner, referred_customer
from tests.api.test_sales import card, charged, create_coupon, times_redeemed
from tests.helpers import Api, World

PREVIEW = """
query($id: ID!) {
  voidPreview(transactionId: $id) {
    transaction { id status }
    allowed reason throughGateway
    amount { amount currency }
    ordersEnding { subscription { id kind status } balanceForgiven { amount } }
    balanceForgiven { amount }
    couponReturned { id code }
    commissionZeroed { amount }
  }
}"""
ORDERS = """
query($id: ID!) {
  customer(id: $id) {
    subscriptions { id kind status nextChargeDate paymentsRemaining balanceRemaining { amount } }
  }
}"""
COMMISSION = "query($id: ID!) { transaction(id: $id) { commission { amount { amount } } } }"


async def preview(api: Api, world: World, role: str, sale_id: str) -> dict[str, Any] | None:
    found = (await api.gql(PREVIEW, world.a.caller(role), id=sale_id))["voidPreview"]
    return dict(found) if found is not None else None


async def plan_and_club_sale(api: Api, world: World) -> tuple[str, str, str]:
    """A referred customer's sale opening a plan and a subscription with a coupon: (customer, sale, coupon)."""
    admin = world.a.caller("admin")
    partner_id = await partner(api, admin, "Outfitters", commissionPercent="10")
    customer = await referred_customer(api, admin, "Grace", partner_id)
    coupon = await create_coupon(api, admin, code="PADDLE5", amountOff={"amount": "5.00", "currency": "USD"})
    sale = await charged(
        api,
        admin,
        customer,
        lines=[CANOE_PLAN, GEAR_CLUB],
        card=card("4242424242424242"),
        couponCode="PADDLE5",
    )
    assert sale["status"] == "PAID", sale
    return customer, str(sale["id"]), coupon


async def test_the_preview_lists_what_the_void_then_does(api: Api, world: World) -> None:
    customer, sale_id, coupon = await plan_and_club_sale(api, world)
    admin = world.a.caller("admin")

    shown = await preview(api, world, "admin", sale_id)
    assert shown is not None
    assert (shown["allowed"], shown["reason"], shown["throughGateway"]) == (True, None, True)
    assert shown["amount"] == {"amount": "104.99", "currency": "USD"}
    ending = {o["subscription"]["kind"]: o for o in shown["ordersEnding"]}
    assert ending["PAYMENT_PLAN"]["balanceForgiven"] == {"amount": "750.00"}
    assert ending["SUBSCRIPTION"]["balanceForgiven"] == {"amount": "0.00"}
    assert shown["balanceForgiven"] == {"amount": "750.00"}
    assert shown["couponReturned"] == {"id": coupon, "code": "PADDLE5"}
    assert shown["commissionZeroed"] == {"amount": "10.50"}
    # Asking changed nothing.
    assert await times_redeemed(api, admin, coupon) == 1
    assert {
        o["status"] for o in (await api.gql(ORDERS, admin, id=customer))["customer"]["subscriptions"]
    } == {"ACTIVE"}

    voided = await act(api, VOID, admin, transactionId=sale_id)

    assert voided["userErrors"] == []
    orders = (await api.gql(ORDERS, admin, id=customer))["customer"]["subscriptions"]
    assert sorted(o["id"] for o in orders) == sorted(o["subscription"]["id"] for o in shown["ordersEnding"])
    assert {o["status"] for o in orders} == {"CANCELLED"}
    (plan,) = [o for o in orders if o["kind"] == "PAYMENT_PLAN"]
    # Cancelled: nothing more will be charged, whatever the schedule said.
    assert (plan["paymentsRemaining"], plan["balanceRemaining"], plan["nextChargeDate"]) == (
        0,
        {"amount": "0.00"},
        None,
    )
    assert await times_redeemed(api, admin, coupon) == 0
    commission = (await api.gql(COMMISSION, admin, id=sale_id))["transaction"]["commission"]
    assert commission["amount"] == {"amount": "0.00"}
    after = await preview(api, world, "admin", sale_id)
    assert after is not None
    assert after["allowed"] is False
    assert after["ordersEnding"] == []


async def test_a_rep_sees_the_preview_but_may_not_void_and_another_account_sees_nothing(
    api: Api, world: World
) -> None:
    _, sale_id, _ = await plan_and_club_sale(api, world)

    rep = await preview(api, world, "rep", sale_id)
    theirs = (await api.gql(PREVIEW, world.b.caller("admin"), id=sale_id))["voidPreview"]
    missing = await preview(api, world, "admin", "txn_0000000000000000000000")

    assert rep is not None
    assert rep["allowed"] is False
    assert rep["reason"] == "Needs the ADMIN role or higher; you have REP."
    assert len(rep["ordersEnding"]) == 2
    assert theirs is None
    assert missing is None
