"""Products and saved offers over the API."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Caller, World

CREATE_PRODUCT = """
mutation($i: CreateProductInput!) {
  createProduct(input: $i) {
    product { id name sku description archived price { amount currency minorUnits formatted } }
    userErrors { field code message }
  }
}"""
SAVE_OFFER = """
mutation($i: SaveOfferInput!) {
  saveOffer(input: $i) {
    offer {
      id name currency archived
      lines {
        product { id name } description quantity kind unit paymentCount
        unitPrice { amount } total { amount } firstPayment { amount }
      }
    }
    userErrors { field code message }
  }
}"""


async def product(
    api: Api, caller: Caller, name: str, amount: str, currency: str = "USD", **extra: Any
) -> dict[str, Any]:
    data = await api.gql(
        CREATE_PRODUCT, caller, i={"name": name, "price": {"amount": amount, "currency": currency}, **extra}
    )
    assert data["createProduct"]["userErrors"] == []
    return dict(data["createProduct"]["product"])


def errors(data: dict[str, Any], name: str) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in data[name]["userErrors"]]


async def test_products_keep_exact_money_in_any_currency(api: Api, world: World) -> None:
    admin = world.a.caller("admin")

    usd = await product(api, admin, "Tent", "249.99", sku="TENT-2", description="Two-person tent")
    jpy = await product(api, admin, "Lantern", "3500", "JPY")
    kwd = await product(api, admin, "Stove", "12.345", "kwd")

    assert usd["price"] == {
        "amount": "249.99",
        "currency": "USD",
        "minorUnits": 24999,
        "formatted": "$249.99",
    }
    assert (usd["sku"], usd["description"], usd["archived"]) == ("TENT-2", "Two-person tent", False)
    assert jpy["price"] == {"amount": "3500", "currency": "JPY", "minorUnits": 3500, "formatted": "¥3,500"}
    assert kwd["price"]["minorUnits"] == 12345
    assert kwd["price"]["currency"] == "KWD"
    listed = await api.gql("{ products { name } }", world.a.caller("viewer"))
    assert listed["products"] == [{"name": "Lantern"}, {"name": "Stove"}, {"name": "Tent"}]


async def test_product_input_errors(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    await product(api, admin, "Tent", "10", sku="T-1")

    cases = {
        "too many decimals": (
            {"name": "A", "price": {"amount": "1.001", "currency": "USD"}},
            [(["input", "price", "amount"], "INVALID")],
        ),
        "yen with decimals": (
            {"name": "A", "price": {"amount": "1.5", "currency": "JPY"}},
            [(["input", "price", "amount"], "INVALID")],
        ),
        "not a currency": (
            {"name": "A", "price": {"amount": "1", "currency": "ABC"}},
            [(["input", "price", "currency"], "INVALID")],
        ),
        "gold": (
            {"name": "A", "price": {"amount": "1", "currency": "XAU"}},
            [(["input", "price", "currency"], "INVALID")],
        ),
        "negative": (
            {"name": "A", "price": {"amount": "-1", "currency": "USD"}},
            [(["input", "price", "amount"], "INVALID")],
        ),
        "NaN": (
            {"name": "A", "price": {"amount": "NaN", "currency": "USD"}},
            [(["input", "price", "amount"], "INVALID")],
        ),
        "no name": (
            {"name": " ", "price": {"amount": "1", "currency": "USD"}},
            [(["input", "name"], "REQUIRED")],
        ),
        "taken SKU": (
            {"name": "B", "price": {"amount": "1", "currency": "USD"}, "sku": "T-1"},
            [(["input", "sku"], "INVALID")],
        ),
    }
    found = {}
    for name, (variables, _) in cases.items():
        found[name] = errors(await api.gql(CREATE_PRODUCT, admin, i=variables), "createProduct")

    assert found == {name: expected for name, (_, expected) in cases.items()}


async def test_only_admins_manage_products_and_archived_ones_leave_the_list(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    admin = world.a.caller("admin")
    denied = await api.gql(CREATE_PRODUCT, rep, i={"name": "X", "price": {"amount": "1", "currency": "USD"}})
    tent = await product(api, admin, "Tent", "10.00")

    updated = await api.gql(
        "mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { name price { amount } sku } userErrors { code } } }",
        admin,
        i={"productId": tent["id"], "price": {"amount": "12.50", "currency": "USD"}, "sku": "T-9"},
    )
    archived = await api.gql(
        "mutation($i: ArchiveProductInput!) { archiveProduct(input: $i) { product { archived } userErrors { code } } }",
        admin,
        i={"productId": tent["id"]},
    )

    assert errors(denied, "createProduct") == [(None, "FORBIDDEN")]
    assert updated["updateProduct"] == {
        "product": {"name": "Tent", "price": {"amount": "12.50"}, "sku": "T-9"},
        "userErrors": [],
    }
    assert archived["archiveProduct"] == {"product": {"archived": True}, "userErrors": []}
    assert (await api.gql("{ products { name } }", rep))["products"] == []
    assert (await api.gql("{ products(includeArchived: true) { name } }", rep))["products"] == [
        {"name": "Tent"}
    ]
    node = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Product { name archived } } }", rep, id=tent["id"]
    )
    assert node["node"] == {"name": "Tent", "archived": True}
    other = await api.gql("query($id: ID!) { node(id: $id) { id } }", world.b.caller("owner"), id=tent["id"])
    assert other["node"] is None


async def test_an_offer_with_single_subscription_and_payment_plan_lines(api: Api, world: World) -> None:
    tent = await product(api, world.a.caller("admin"), "Tent", "249.99")
    rep = world.a.caller("rep")

    data = await api.gql(
        SAVE_OFFER,
        rep,
        i={
            "name": "Base camp bundle",
            "currency": "USD",
            "lines": [
                {"productId": tent["id"], "quantity": 2},
                {"description": "Gear club", "unitPrice": "9.99", "kind": "SUBSCRIPTION", "unit": "MONTH"},
                {
                    "description": "Canoe",
                    "unitPrice": 150,
                    "kind": "PAYMENT_PLAN",
                    "unit": "MONTH",
                    "paymentCount": 6,
                    "firstPayment": "100.00",
                },
            ],
        },
    )

    offer = data["saveOffer"]["offer"]
    assert data["saveOffer"]["userErrors"] == []
    assert offer["id"].startswith("ofr_")
    assert (offer["name"], offer["currency"], offer["archived"]) == ("Base camp bundle", "USD", False)
    assert offer["lines"] == [
        {
            "product": {"id": tent["id"], "name": "Tent"},
            "description": "Tent",
            "quantity": 2,
            "kind": "SINGLE",
            "unit": None,
            "paymentCount": None,
            "unitPrice": {"amount": "249.99"},
            "total": {"amount": "499.98"},
            "firstPayment": None,
        },
        {
            "product": None,
            "description": "Gear club",
            "quantity": 1,
            "kind": "SUBSCRIPTION",
            "unit": "MONTH",
            "paymentCount": None,
            "unitPrice": {"amount": "9.99"},
            "total": {"amount": "9.99"},
            "firstPayment": None,
        },
        {
            "product": None,
            "description": "Canoe",
            "quantity": 1,
            "kind": "PAYMENT_PLAN",
            "unit": "MONTH",
            "paymentCount": 6,
            "unitPrice": {"amount": "150.00"},
            "total": {"amount": "150.00"},
            "firstPayment": {"amount": "100.00"},
        },
    ]


async def test_offers_in_yen_and_dinar_and_line_errors_with_their_paths(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    rep = world.a.caller("rep")
    usd_tent = await product(api, admin, "Tent", "249.99")
    archived = await product(api, admin, "Old tent", "99.00")
    await api.gql(
        "mutation($i: ArchiveProductInput!) { archiveProduct(input: $i) { userErrors { code } } }",
        admin,
        i={"productId": archived["id"]},
    )
    foreign = await product(api, world.b.caller("admin"), "Their tent", "10.00")

    yen = await api.gql(
        SAVE_OFFER,
        rep,
        i={"name": "Yen", "currency": "JPY", "lines": [{"productId": usd_tent["id"], "unitPrice": "37000"}]},
    )
    dinar = await api.gql(
        SAVE_OFFER,
        rep,
        i={
            "name": "Dinar",
            "currency": "KWD",
            "lines": [{"description": "Stove", "unitPrice": "12.345", "quantity": 3}],
        },
    )
    bad = await api.gql(
        SAVE_OFFER,
        rep,
        i={
            "name": "Bad",
            "currency": "JPY",
            "lines": [
                {"description": "Fine", "unitPrice": "100"},
                {"productId": usd_tent["id"]},
                {"description": "Decimals", "unitPrice": "1.5"},
                {"description": "Once", "unitPrice": "1", "unit": "MONTH"},
                {"description": "Club", "unitPrice": "1", "kind": "SUBSCRIPTION"},
                {
                    "description": "Plan",
                    "unitPrice": "1",
                    "kind": "PAYMENT_PLAN",
                    "unit": "WEEK",
                    "paymentCount": 1,
                },
                {"productId": archived["id"]},
                {"productId": foreign["id"]},
                {"unitPrice": "5"},
                {"description": "None", "unitPrice": "1", "quantity": 0},
            ],
        },
    )

    assert yen["saveOffer"]["offer"]["lines"][0]["unitPrice"] == {"amount": "37000"}
    assert dinar["saveOffer"]["offer"]["lines"][0]["total"] == {"amount": "37.035"}
    assert bad["saveOffer"]["offer"] is None
    assert errors(bad, "saveOffer") == [
        (["input", "lines", "1", "unitPrice"], "INVALID"),
        (["input", "lines", "2", "unitPrice"], "INVALID"),
        (["input", "lines", "3", "unit"], "INVALID"),
        (["input", "lines", "4", "unit"], "REQUIRED"),
        (["input", "lines", "5", "paymentCount"], "INVALID"),
        (["input", "lines", "6", "productId"], "NOT_FOUND"),
        (["input", "lines", "7", "productId"], "NOT_FOUND"),
        (["input", "lines", "8", "description"], "REQUIRED"),
        (["input", "lines", "9", "quantity"], "INVALID"),
    ]
    empty = await api.gql(SAVE_OFFER, rep, i={"name": "Empty", "currency": "USD", "lines": []})
    assert errors(empty, "saveOffer") == [(["input", "lines"], "REQUIRED")]
    unknown = await api.gql(
        SAVE_OFFER, rep, i={"name": "X", "currency": "ZZZ", "lines": [{"description": "a", "unitPrice": "1"}]}
    )
    assert errors(unknown, "saveOffer") == [(["input", "currency"], "INVALID")]


async def test_archived_offers_leave_the_pickers_but_resolve_by_id(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    saved = await api.gql(
        SAVE_OFFER,
        rep,
        i={"name": "Promo", "currency": "USD", "lines": [{"description": "Bag", "unitPrice": "5"}]},
    )
    offer_id = saved["saveOffer"]["offer"]["id"]
    viewer_try = await api.gql(
        SAVE_OFFER,
        world.a.caller("viewer"),
        i={"name": "V", "currency": "USD", "lines": [{"description": "a", "unitPrice": "1"}]},
    )

    archived = await api.gql(
        "mutation($i: ArchiveOfferInput!) { archiveOffer(input: $i) { offer { archived } userErrors { code } } }",
        rep,
        i={"offerId": offer_id},
    )

    assert errors(viewer_try, "saveOffer") == [(None, "FORBIDDEN")]
    assert archived["archiveOffer"] == {"offer": {"archived": True}, "userErrors": []}
    assert (await api.gql("{ offers { id } }", rep))["offers"] == []
    assert (await api.gql("{ offers(includeArchived: true) { id } }", rep))["offers"] == [{"id": offer_id}]
    node = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Offer { name lines { description } } } }", rep, id=offer_id
    )
    assert node["node"] == {"name": "Promo", "lines": [{"description": "Bag"}]}
    assert (await api.gql("query($id: ID!) { node(id: $id) { id } }", world.b.caller("rep"), id=offer_id))[
        "node"
    ] is None
    other = await api.gql(
        "mutation($i: ArchiveOfferInput!) { archiveOffer(input: $i) { userErrors { field code } } }",
        world.b.caller("rep"),
        i={"offerId": offer_id},
    )
    assert other["archiveOffer"]["userErrors"] == [{"field": ["input", "offerId"], "code": "NOT_FOUND"}]
