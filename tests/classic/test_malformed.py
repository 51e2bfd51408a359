"""Malformed classic requests: result code 2 naming the key, HTTP 200 as the classic API answered, never
a 500, and nothing charged or written. Also what is not malformed: numbers as strings or JSON numbers,
opaque ids for numbers, unknown keys."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette

from tests.api.test_sales import sandbox_charges
from tests.classic.client import YEAR, Classic, Numbers, documented, row_counts, simple_sale
from tests.helpers import Api, World

Body = dict[str, Any]


def changed(body: Body, change: Callable[[Body], object]) -> Body:
    """A deep copy of ``body`` after ``change`` mutated it."""
    copied = copy.deepcopy(body)
    change(copied)
    return copied


def data_cases(numbers: Numbers) -> list[tuple[str, Any, str]]:
    """(what is wrong, the data field as sent, the expected message): one for each kind of malformed."""
    sale = simple_sale(numbers)
    plan = documented(numbers, expire_year=YEAR)
    return [
        ("data not JSON", "{'contact_id': 1", "data: is not valid JSON."),
        ("data NaN", '{"contact_id": NaN}', "data: is not valid JSON."),
        ("data a list", [sale], "data: must be a JSON object."),
        ("data a string", '"sale"', "data: must be a JSON object."),
        ("deep nesting", "[" * 30_000 + "]" * 30_000, "data: is not valid JSON."),
        ("no data", None, "contact_id: is required."),
        ("no contact", changed(sale, lambda b: b.pop("contact_id")), "contact_id: is required."),
        ("no products", changed(sale, lambda b: b.pop("products")), "products: is required."),
        ("empty products", {**sale, "products": []}, "products: give at least one product."),
        ("products not a list", {**sale, "products": "1"}, "products: must be a list."),
        ("product not an object", {**sale, "products": [1]}, "products[0]: must be a JSON object."),
        (
            "product without id",
            changed(sale, lambda b: b["products"][0].pop("id")),
            "products[0].id: is required.",
        ),
        (
            "no card and no card on file",
            changed(sale, lambda b: b.pop("card_details")),
            'card_details: give card_details, or use_card_on_file "yes" to charge the card on file.',
        ),
        (
            "card and card on file",
            {**sale, "use_card_on_file": "yes"},
            "use_card_on_file: give either card_details or use_card_on_file, not both.",
        ),
        (
            "card without number",
            changed(sale, lambda b: b["card_details"].pop("card_number")),
            "card_details.card_number: is required.",
        ),
        (
            "contact a boolean",
            {**sale, "contact_id": True},
            "contact_id: must be a number (such as 49) or an id.",
        ),
        (
            "contact a word",
            {**sale, "contact_id": "Patrick"},
            "contact_id: must be a number (such as 49) or an id.",
        ),
        (
            "quantity a word",
            changed(sale, lambda b: b["products"][0].update(quantity="one")),
            "products[0].quantity: must be a whole number of at most 18 digits.",
        ),
        (
            "quantity a fraction",
            changed(sale, lambda b: b["products"][0].update(quantity=1.5)),
            "products[0].quantity: must be a whole number of at most 18 digits.",
        ),
        (
            "price an object",
            changed(sale, lambda b: b["products"][0].update(price={"amount": 1})),
            "products[0].price: must be a decimal amount such as 49.00.",
        ),
        (
            "price infinite",
            changed(sale, lambda b: b["products"][0].update(price="Infinity")),
            "products[0].price: must be a decimal amount such as 49.00.",
        ),
        (
            "price with three decimals",
            changed(sale, lambda b: b["products"][0].update(price="49.001")),
            "products[0].price: Unit price: USD amounts have at most 2 decimal places.",
        ),
        (
            "negative price",
            changed(sale, lambda b: b["products"][0].update(price="-1.00")),
            "products[0].price: Unit price cannot be negative.",
        ),
        (
            "huge price",
            changed(sale, lambda b: b["products"][0].update(price="1e30")),
            "products[0].price: Unit price: amount is too large.",
        ),
        (
            "negative quantity",
            changed(sale, lambda b: b["products"][0].update(quantity="-2")),
            "products[0].quantity: Quantity is 1 to 10000.",
        ),
        (
            "huge quantity",
            changed(sale, lambda b: b["products"][0].update(quantity=10**30)),
            "products[0].quantity: must be a whole number of at most 18 digits.",
        ),
        (
            "quantity over the maximum",
            changed(sale, lambda b: b["products"][0].update(quantity="10001")),
            "products[0].quantity: Quantity is 1 to 10000.",
        ),
        (
            "unknown type",
            changed(sale, lambda b: b["products"][0].update(type="rental")),
            "products[0].type: must be one of single, subscription, payment_plan.",
        ),
        (
            "unknown unit",
            changed(plan, lambda b: b["products"][1].update(unit="fortnight")),
            "products[1].unit: must be one of day, week, month, quarter, year.",
        ),
        (
            "subscription without unit",
            changed(plan, lambda b: b["products"][1].pop("unit")),
            "products[1].unit: Say how often it recurs.",
        ),
        (
            "plan without payment count",
            changed(plan, lambda b: b["products"][2].pop("payment_count")),
            "products[2].payment_count: Say how many payments the plan has.",
        ),
        (
            "use_card_on_file neither yes nor no",
            changed(sale, lambda b: b.pop("card_details")) | {"use_card_on_file": "maybe"},
            'use_card_on_file: must be "yes" or "no" (or true or false).',
        ),
        (
            "expiry month a word",
            changed(sale, lambda b: b["card_details"].update(card_expire_month="May")),
            "card_details.card_expire_month: must be a whole number of at most 18 digits.",
        ),
        (
            "card number an object",
            changed(sale, lambda b: b["card_details"].update(card_number={"n": 1})),
            "card_details.card_number: must be a string.",
        ),
        (
            "card failing Luhn",
            changed(sale, lambda b: b["card_details"].update(card_number="4242424242424241")),
            "card_details.card_number: This card number is not valid.",
        ),
        (
            "card expired",
            changed(sale, lambda b: b["card_details"].update(card_expire_year=2017)),
            "card_details.card_expire_year: card expired; the expiry date is in the past.",
        ),
        (
            "card month 13",
            changed(sale, lambda b: b["card_details"].update(card_expire_month=13)),
            "card_details.card_expire_month: The expiry month must be 1 to 12.",
        ),
        (
            "contact email not an email",
            changed(sale, lambda b: b["card_details"].update(contact_email="not-an-email")),
            "card_details.contact_email: This is not a valid email address.",
        ),
        (
            "address without city",
            changed(
                sale, lambda b: b["card_details"].update(contact_address="1 Main St", contact_country="US")
            ),
            "card_details.contact_city: City is required.",
        ),
        (
            "unknown contact",
            {**sale, "contact_id": 4242},
            "contact_id: no contact of this account has number 4242.",
        ),
        (
            "unknown product",
            changed(sale, lambda b: b["products"][0].update(id="77")),
            "products[0].id: no product of this account has number 77.",
        ),
        (
            "unknown gateway",
            {**sale, "gateway_id": 1720},
            "gateway_id: no gateway of this account has number 1720.",
        ),
        (
            "unknown invoice",
            {**sale, "invoice_id": 12},
            "invoice_id: no invoice of this account has number 12.",
        ),
        (
            "unknown product id",
            changed(sale, lambda b: b["products"][0].update(id="prod_0000000000000000000000")),
            "products[0].id: No active product with this id.",
        ),
        ("unknown gateway id", {**sale, "gateway_id": "gw_nothing"}, "gateway_id: No gateway with this id."),
    ]


async def test_each_kind_of_malformed_sale_is_code_2_naming_its_key_and_writes_nothing(
    app: Starlette, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    before = await row_counts(app)

    answers = {}
    for name, data, _ in data_cases(numbers):
        response = await classic.post(key, "sale", data)
        answers[name] = (response.status_code, response.json())

    assert answers == {
        name: (200, {"result_code": 2, "message": message}) for name, _, message in data_cases(numbers)
    }
    assert await row_counts(app) == before
    assert await sandbox_charges(app) == []


async def test_a_missing_or_unknown_request_type_is_code_2(world: World, classic: Classic) -> None:
    key = world.a.caller("apikey")

    missing = await classic.post(key)
    blank = await classic.post(key, "  ")
    unknown = await classic.post(key, "processManual")

    assert [(r.status_code, r.json()) for r in (missing, blank)] == [
        (
            200,
            {"result_code": 2, "message": "reqType: is required: one of sale, list_gateways, list_invoices."},
        )
    ] * 2
    assert (unknown.status_code, unknown.json()) == (
        200,
        {
            "result_code": 2,
            "message": "reqType: is not a known request type; use one of sale, list_gateways, list_invoices.",
        },
    )


async def test_numbers_as_strings_or_json_numbers_opaque_ids_and_unknown_keys_all_sell(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    ids = await api.gql(
        "query($id: ID!) { products { id } gateways { id } invoiceTemplates { id } customer(id: $id) { id } }",
        world.a.caller("viewer"),
        id=world.a.customer_id,
    )
    as_numbers = simple_sale(numbers)
    as_numbers["products"][0].update(quantity=2, price=49)
    as_numbers["card_details"].update(card_expire_month=12, card_number=4242424242424242, card_code=123)
    as_strings = simple_sale(numbers)
    as_strings["contact_id"] = str(numbers.contact)
    as_strings["products"][0].update(id=str(numbers.product), quantity=" 2 ", price="49")
    as_strings["card_details"].update(card_expire_month="12", card_expire_year=str(YEAR))
    as_ids = simple_sale(numbers) | {
        "contact_id": ids["customer"]["id"],
        "gateway_id": ids["gateways"][0]["id"],
        "invoice_id": ids["invoiceTemplates"][0]["id"],
        "return_id": 7,
        "favourite_colour": {"nested": ["ignored"]},
    }
    as_ids["products"][0].update(id=ids["products"][0]["id"], colour="blue")

    at_its_own_price = simple_sale(numbers)
    del at_its_own_price["products"][0]["price"]

    answers = [
        await classic.call(key, "sale", as_numbers),
        await classic.call(key, "sale", as_strings, return_id="1"),
        await classic.call(key, "sale", as_ids),
        await classic.call(key, "sale", at_its_own_price),
    ]

    assert [(a["result_code"], a["contact_id"], a["invoice_id"]) for a in answers] == [
        (1, numbers.contact, numbers.invoice)
    ] * 4
    # 2 x 49.00 twice, 49.00, and the product's own 20.00.
    assert [charge.amount for charge in await sandbox_charges(app)] == [9800, 9800, 4900, 2000]
