"""Coupons over the API: createCoupon, its errors and roles, node(id:) and Customer.couponsUsed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from paydesk import ids
from paydesk.clock import utcnow
from paydesk.coupons import service as coupons
from paydesk.graphql.node_queries import RESOLVERS
from paydesk.graphql.schema import schema
from paydesk.models import Transaction
from tests.helpers import Api, Caller, World, resources

_MUTATIONS = schema._schema.mutation_type.fields if schema._schema.mutation_type else {}
_CUSTOMER = schema._schema.type_map["Customer"]

pytestmark = pytest.mark.skipif(
    "createCoupon" not in _MUTATIONS, reason="createCoupon is not wired into the schema yet"
)

CREATE_COUPON = """
mutation($i: CreateCouponInput!) {
  createCoupon(input: $i) {
    coupon {
      id code percentOff expiresAt maxRedemptions timesRedeemed
      amountOff { amount currency minorUnits }
      customer { id }
    }
    userErrors { field code message }
  }
}"""


async def create(api: Api, caller: Caller, **fields: Any) -> dict[str, Any]:
    data = await api.gql(CREATE_COUPON, caller, i=fields)
    return dict(data["createCoupon"])


def errors(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def test_admins_create_percent_and_amount_coupons(api: Api, world: World) -> None:
    expires = (utcnow() + timedelta(days=7)).replace(microsecond=0)

    percent = await create(
        api,
        world.a.caller("admin"),
        code="Spring-25",
        percentOff="12.50",
        expiresAt=expires.isoformat(),
        maxRedemptions=100,
        customerId=world.a.customer_id,
    )
    amount = await create(
        api, world.a.caller("apikey"), code="five_off", amountOff={"amount": 5, "currency": "usd"}
    )
    owners = await create(
        api, world.a.caller("owner"), code="KWD", amountOff={"amount": "1.250", "currency": "KWD"}
    )

    assert percent["userErrors"] == []
    coupon = percent["coupon"]
    assert coupon["id"].startswith("cpn_")
    assert {k: v for k, v in coupon.items() if k != "id"} == {
        "code": "Spring-25",
        "percentOff": "12.5",
        "expiresAt": expires.isoformat(),
        "maxRedemptions": 100,
        "timesRedeemed": 0,
        "amountOff": None,
        "customer": {"id": world.a.customer_id},
    }
    assert amount["userErrors"] == []
    assert {k: v for k, v in amount["coupon"].items() if k != "id"} == {
        "code": "five_off",
        "percentOff": None,
        "expiresAt": None,
        "maxRedemptions": None,
        "timesRedeemed": 0,
        "amountOff": {"amount": "5.00", "currency": "USD", "minorUnits": 500},
        "customer": None,
    }
    assert owners["coupon"]["amountOff"] == {"amount": "1.250", "currency": "KWD", "minorUnits": 1250}


async def test_create_coupon_input_errors(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    await create(api, admin, code="TAKEN", percentOff="10")
    past = (utcnow() - timedelta(hours=1)).isoformat()
    cases: dict[str, tuple[dict[str, Any], list[tuple[list[str], str]]]] = {
        "short code": ({"code": "ab", "percentOff": "10"}, [(["input", "code"], "INVALID")]),
        "spaces in code": ({"code": "TEN OFF", "percentOff": "10"}, [(["input", "code"], "INVALID")]),
        "taken ignoring case": ({"code": "taken", "percentOff": "10"}, [(["input", "code"], "INVALID")]),
        "neither": ({"code": "NONE"}, [(["input", "percentOff"], "INVALID")]),
        "both": (
            {"code": "BOTH", "percentOff": "10", "amountOff": {"amount": "1", "currency": "USD"}},
            [(["input", "percentOff"], "INVALID")],
        ),
        "over 100 percent": ({"code": "BIG", "percentOff": "100.5"}, [(["input", "percentOff"], "INVALID")]),
        "percent with 3 decimals": (
            {"code": "FINE", "percentOff": 12.345},
            [(["input", "percentOff"], "INVALID")],
        ),
        "NaN percent": ({"code": "NAN", "percentOff": "NaN"}, [(["input", "percentOff"], "INVALID")]),
        "zero amount": (
            {"code": "ZERO", "amountOff": {"amount": "0", "currency": "USD"}},
            [(["input", "amountOff", "amount"], "INVALID")],
        ),
        "cents too fine": (
            {"code": "CENTS", "amountOff": {"amount": "0.001", "currency": "USD"}},
            [(["input", "amountOff", "amount"], "INVALID")],
        ),
        "not a currency": (
            {"code": "CUR", "amountOff": {"amount": "1", "currency": "ABC"}},
            [(["input", "amountOff", "currency"], "INVALID")],
        ),
        "unknown customer": (
            {"code": "WHO", "percentOff": "10", "customerId": "cus_" + "0" * 22},
            [(["input", "customerId"], "NOT_FOUND")],
        ),
        "another account's customer": (
            {"code": "THEIRS", "percentOff": "10", "customerId": world.b.customer_id},
            [(["input", "customerId"], "NOT_FOUND")],
        ),
        "expired": (
            {"code": "OLD", "percentOff": "10", "expiresAt": past},
            [(["input", "expiresAt"], "INVALID")],
        ),
        "no redemptions": (
            {"code": "NEVER", "percentOff": "10", "maxRedemptions": 0},
            [(["input", "maxRedemptions"], "INVALID")],
        ),
    }

    found = {name: errors(await create(api, admin, **fields)) for name, (fields, _) in cases.items()}

    assert found == {name: expected for name, (_, expected) in cases.items()}
    created = await create(api, admin, code="BOTH", percentOff="10")
    assert created["userErrors"] == [], "a refused coupon leaves nothing behind"


@pytest.mark.parametrize(
    ("role", "allowed"), [("viewer", False), ("rep", False), ("admin", True), ("owner", True)]
)
async def test_only_admins_and_owners_create_coupons(
    api: Api, world: World, role: str, allowed: bool
) -> None:
    payload = await create(api, world.a.caller(role), code=f"ROLE-{role}", percentOff="5")

    if allowed:
        assert (payload["coupon"]["code"], payload["userErrors"]) == (f"ROLE-{role}", [])
    else:
        assert payload["coupon"] is None
        assert errors(payload) == [(None, "FORBIDDEN")]


async def test_codes_are_per_account(api: Api, world: World) -> None:
    mine = await create(api, world.a.caller("admin"), code="WELCOME", percentOff="10")
    theirs = await create(api, world.b.caller("admin"), code="welcome", percentOff="20")

    assert (mine["userErrors"], theirs["userErrors"]) == ([], [])


@pytest.mark.skipif(ids.COUPON not in RESOLVERS, reason="node(id:) does not resolve coupons yet")
async def test_node_finds_own_coupons_only(api: Api, world: World) -> None:
    made = await create(api, world.a.caller("admin"), code="NODE", percentOff="10")
    query = "query($id: ID!) { node(id: $id) { id ... on Coupon { code } } }"

    own = await api.gql(query, world.a.caller("viewer"), id=made["coupon"]["id"])
    other = await api.gql(query, world.b.caller("admin"), id=made["coupon"]["id"])

    assert own["node"] == {"id": made["coupon"]["id"], "code": "NODE"}
    assert other["node"] is None


@pytest.mark.skipif("couponsUsed" not in _CUSTOMER.fields, reason="Customer.couponsUsed is not wired yet")
async def test_customers_list_the_coupons_they_used(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    percent = (await create(api, admin, code="TEN", percentOff="10"))["coupon"]
    amount = (await create(api, admin, code="FIVE", amountOff={"amount": "5", "currency": "USD"}))["coupon"]
    res = resources(app)
    sale_ids = [ids.new_id(ids.TRANSACTION) for _ in range(2)]
    async with res.sessions() as db:
        for sale_id in sale_ids:
            db.add(
                Transaction(
                    id=sale_id,
                    account_id=world.a.account_id,
                    customer_id=world.a.customer_id,
                    status="PAID",
                    origin="LOGGED",
                    currency="USD",
                    subtotal=2000,
                    discount=200,
                    total=1800,
                )
            )
        await db.commit()
    for coupon, sale_id, off in ((percent, sale_ids[0], 200), (amount, sale_ids[1], 500)):
        async with res.sessions() as db:
            await coupons.redeem(
                db,
                coupon["id"],
                transaction_id=sale_id,
                customer_id=world.a.customer_id,
                amount=off,
                currency="USD",
            )
            await db.commit()
    query = """
    query($id: ID!) { customer(id: $id) {
      couponsUsed { coupon { code timesRedeemed } transaction { id } amount { amount currency } }
    } }"""

    data = await api.gql(query, world.a.caller("viewer"), id=world.a.customer_id)
    theirs = await api.gql(query, world.b.caller("admin"), id=world.b.customer_id)

    assert data["customer"]["couponsUsed"] == [
        {
            "coupon": {"code": "FIVE", "timesRedeemed": 1},
            "transaction": {"id": sale_ids[1]},
            "amount": {"amount": "5.00", "currency": "USD"},
        },
        {
            "coupon": {"code": "TEN", "timesRedeemed": 1},
            "transaction": {"id": sale_ids[0]},
            "amount": {"amount": "2.00", "currency": "USD"},
        },
    ]
    assert theirs["customer"]["couponsUsed"] == []
