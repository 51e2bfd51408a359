"""First checks of refunds and voids over the API."""

from __future__ import annotations

from tests.actions.common import REFUND, VOID, act, actions, paid_charge, paid_log, read
from tests.helpers import Api, World


async def test_partial_then_full_refund_of_a_charge(api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    sale = await paid_charge(api, admin, customer)
    first = await act(api, REFUND, admin, transactionId=sale["id"], amount="30.00", reason="damaged")
    assert first["userErrors"] == [], first
    assert first["transaction"]["status"] == "PARTIALLY_REFUNDED"
    assert first["transaction"]["amountRefunded"]["amount"] == "30.00"
    rest = await act(api, REFUND, admin, transactionId=sale["id"])
    assert rest["userErrors"] == [], rest
    done = rest["transaction"]
    assert done["status"] == "REFUNDED"
    assert [r["amount"]["amount"] for r in done["refunds"]] == ["30.00", "70.00"]
    assert all(r["status"] == "SUCCEEDED" and r["externalId"] for r in done["refunds"])
    again = await act(api, REFUND, admin, transactionId=sale["id"], amount="1.00")
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    assert actions(done)["REFUND"][0] is False


async def test_too_large_refund_and_void_of_logged(api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    sale = await paid_log(api, admin, customer)
    big = await act(api, REFUND, admin, transactionId=sale["id"], amount="100.01")
    assert [(e["code"], e["field"]) for e in big["userErrors"]] == [
        ("AMOUNT_EXCEEDS_REFUNDABLE", ["input", "amount"])
    ]
    voided = await act(api, VOID, admin, transactionId=sale["id"])
    assert voided["userErrors"] == [], voided
    assert voided["transaction"]["status"] == "VOIDED"
    charge = await paid_charge(api, admin, customer)
    assert actions(await read(api, admin, charge["id"]))["VOID"] == (True, None)
    v = await act(api, VOID, admin, transactionId=charge["id"])
    assert v["userErrors"] == [], v
    assert v["transaction"]["status"] == "VOIDED"
