"""salePreview prices a sale exactly as chargeNow then charges it, and writes nothing.

Each test previews an order, charges the same order, and compares the
preview with the sale chargeNow made: the same code path prices both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import CouponRedemption, Transaction, TransactionLine
from tests.api.test_sales import (
    CHARGE,
    SAVE_OFFER,
    VISA,
    create_coupon,
    create_product,
    put_on_file,
    run,
    times_redeemed,
)
from tests.helpers import Api, Caller, World, resources, without_throttle

MONEY = "amount currency minorUnits"
PREVIEW = f"""
query($i: SalePreviewInput!) {{
  salePreview(input: $i) {{
    preview {{
      currency couponCode
      subtotal {{ {MONEY} }} discount {{ {MONEY} }} couponDiscount {{ {MONEY} }} total {{ {MONEY} formatted }}
      lines {{
        description quantity kind unit paymentCount firstPayment {{ {MONEY} }}
        unitPrice {{ {MONEY} }} subtotal {{ {MONEY} }} discount {{ {MONEY} }} total {{ {MONEY} }}
      }}
    }}
    userErrors {{ field code message }}
  }}
}}"""

MIXED = [
    {"description": "Setup", "quantity": 2, "unitPrice": "19.99"},
    {"description": "Support", "kind": "SUBSCRIPTION", "unit": "MONTH", "quantity": 3, "unitPrice": "9.95"},
    {
        "description": "Hardware",
        "kind": "PAYMENT_PLAN",
        "unit": "MONTH",
        "paymentCount": 6,
        "unitPrice": "50.00",
        "firstPayment": "120.00",
    },
]


async def preview(api: Api, caller: Caller, **input: Any) -> dict[str, Any]:
    return dict((await api.gql(PREVIEW, caller, i=input))["salePreview"])


async def charge(api: Api, caller: Caller, **input: Any) -> dict[str, Any]:
    return await run(api, CHARGE, caller, **input)


def sale_view(sale: dict[str, Any]) -> dict[str, Any]:
    """What a preview and the sale chargeNow made must agree on."""

    def amount(money: dict[str, Any]) -> tuple[str, str, int]:
        return (money["amount"], money["currency"], int(money["minorUnits"]))

    return {
        "currency": sale["total"]["currency"],
        "subtotal": amount(sale["subtotal"]),
        "discount": amount(sale["discount"]),
        "total": amount(sale["total"]),
        "lines": [
            (
                line["description"],
                line["quantity"],
                line["kind"],
                line["unit"],
                line["paymentCount"],
                amount(line["unitPrice"]),
                int(line["discount"]["minorUnits"]),
                amount(line["total"]),
            )
            for line in sale["lines"]
        ],
    }


async def counts(app: Starlette) -> list[int]:
    """Sales, sale lines and coupon redemptions stored, to show a preview writes nothing."""
    found = []
    async with resources(app).sessions() as db:
        for model in (Transaction, TransactionLine, CouponRedemption):
            found.append(int((await db.exec(select(func.count()).select_from(model))).one()))
    return found


async def agrees(app: Starlette, api: Api, world: World, **order: Any) -> dict[str, Any]:
    """Preview ``order`` as a VIEWER, then charge it as a REP; both must price it alike."""
    rep, customer = world.a.caller("rep"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    before = await counts(app)
    previewed = await preview(api, world.a.caller("viewer"), customerId=customer, **order)
    assert previewed["userErrors"] == [], previewed
    assert await counts(app) == before
    charged = await charge(api, rep, customerId=customer, **order)
    assert charged["userErrors"] == [], charged
    sale = charged["transaction"]
    assert sale["status"] == "PAID"
    assert sale_view(previewed["preview"]) == sale_view(sale)
    return dict(previewed["preview"])


async def test_preview_of_mixed_lines_with_a_percent_coupon_and_a_discount_equals_the_charge(
    app: Starlette, api: Api, world: World
) -> None:
    await create_coupon(api, world.a.caller("admin"), code="TWELVE5", percentOff="12.5")

    found = await agrees(
        app,
        api,
        world,
        lines=MIXED,
        couponCode="twelve5",
        discount={"amount": "5.00", "currency": "USD"},
    )

    # Due now: 39.98 + 29.85 + 120.00 = 189.83; 5.00 off, then 12.5% of 189.83 = 23.73 (half-up).
    assert found["subtotal"]["minorUnits"] == 18983
    assert found["couponDiscount"]["minorUnits"] == 2373
    assert found["discount"]["minorUnits"] == 2873
    assert found["total"] == {
        "amount": "161.10",
        "currency": "USD",
        "minorUnits": 16110,
        "formatted": "$161.10",
    }
    assert found["couponCode"] == "TWELVE5"
    assert [line["subtotal"]["minorUnits"] for line in found["lines"]] == [3998, 2985, 12000]
    assert sum(line["discount"]["minorUnits"] for line in found["lines"]) == 2873
    assert found["lines"][2]["firstPayment"] == {"amount": "120.00", "currency": "USD", "minorUnits": 12000}
    assert found["lines"][0]["firstPayment"] is None


async def test_preview_of_a_saved_offer_equals_the_charge(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    product = await create_product(api, admin, "Widget", "12.34")
    offer = await run(
        api,
        SAVE_OFFER,
        world.a.caller("rep"),
        name="Bundle",
        currency="USD",
        lines=[{"productId": product, "quantity": 3}, *MIXED[1:]],
    )
    assert offer["userErrors"] == []

    found = await agrees(app, api, world, offerId=offer["offer"]["id"])

    assert found["lines"][0]["description"] == "Widget"
    assert found["total"]["minorUnits"] == 3 * 1234 + 2985 + 12000
    assert found["couponCode"] is None


async def test_preview_in_yen_equals_the_charge(app: Starlette, api: Api, world: World) -> None:
    found = await agrees(
        app,
        api,
        world,
        currency="jpy",
        lines=[{"description": "Tea", "quantity": 3, "unitPrice": "1500"}],
        discount={"amount": "333", "currency": "JPY"},
    )

    assert found["currency"] == "JPY"
    assert found["total"]["amount"] == "4167"
    assert found["total"]["minorUnits"] == 4167


async def test_bad_lines_and_coupons_give_the_errors_chargeNow_gives(api: Api, world: World) -> None:
    rep, viewer, customer = world.a.caller("rep"), world.a.caller("viewer"), world.a.customer_id
    await put_on_file(api, rep, customer, VISA)
    bad_orders: list[dict[str, Any]] = [
        {"lines": [MIXED[0], {"description": "Oops", "unitPrice": "1.999"}]},
        {"lines": [{"description": "Plan", "kind": "PAYMENT_PLAN", "unitPrice": "5.00"}]},
        {"lines": MIXED, "couponCode": "NOSUCH"},
        {"lines": MIXED, "discount": {"amount": "1.00", "currency": "EUR"}},
        {"lines": MIXED, "currency": "XYZ"},
        {"lines": []},
    ]
    for order in bad_orders:
        previewed = await preview(api, viewer, customerId=customer, **order)
        charged = await charge(api, rep, customerId=customer, **order)
        assert previewed["preview"] is None
        assert previewed["userErrors"] == charged["userErrors"] != [], order
    first = await preview(api, viewer, customerId=customer, **bad_orders[0])
    assert [(e["field"], e["code"]) for e in first["userErrors"]] == [
        (["input", "lines", "1", "unitPrice"], "INVALID")
    ]
    coupon = await preview(api, viewer, customerId=customer, **bad_orders[2])
    assert [(e["field"], e["code"]) for e in coupon["userErrors"]] == [
        (["input", "couponCode"], "COUPON_INVALID")
    ]


async def test_previews_never_use_up_a_capped_coupon(app: Starlette, api: Api, world: World) -> None:
    rep, viewer, customer = world.a.caller("rep"), world.a.caller("viewer"), world.a.customer_id
    coupon = await create_coupon(api, world.a.caller("admin"), code="ONCE", percentOff="50", maxRedemptions=1)
    await put_on_file(api, rep, customer, VISA)
    order = {"customerId": customer, "lines": MIXED[:1], "couponCode": "ONCE"}

    for _ in range(3):
        previewed = await preview(api, viewer, **order)
        assert previewed["preview"]["discount"]["minorUnits"] == 1999
    assert await times_redeemed(api, rep, coupon) == 0

    charged = await charge(api, rep, **order)
    assert charged["userErrors"] == []
    assert charged["transaction"]["discount"]["minorUnits"] == 1999
    assert await times_redeemed(api, rep, coupon) == 1
    used_up = await preview(api, viewer, **order)
    again = await charge(api, rep, **order)
    assert used_up["userErrors"] == again["userErrors"]
    assert [(e["field"], e["code"]) for e in used_up["userErrors"]] == [
        (["input", "couponCode"], "COUPON_INVALID")
    ]


async def test_another_accounts_customer_is_not_found_like_a_missing_one(api: Api, world: World) -> None:
    viewer = world.a.caller("viewer")
    other = await api.post(
        {"query": PREVIEW, "variables": {"i": {"customerId": world.b.customer_id, "lines": MIXED}}}, viewer
    )
    missing = await api.post(
        {"query": PREVIEW, "variables": {"i": {"customerId": "cus_0000000000000000000000", "lines": MIXED}}},
        viewer,
    )

    assert without_throttle(other.json()) == without_throttle(missing.json())
    assert other.json()["data"]["salePreview"] == {
        "preview": None,
        "userErrors": [
            {"field": ["input", "customerId"], "code": "NOT_FOUND", "message": "No customer with this id."}
        ],
    }
    anonymous = await api.post({"query": PREVIEW, "variables": {"i": {"customerId": world.a.customer_id}}})
    assert anonymous.status_code == 401
