"""Per-account numbers of customers, products, gateways and invoice templates (classic integrations send
them: "contact_id": 49): in sequence per account, an imported contact keeping its own, never reused,
unique under concurrency, found by customers(search:), given to existing rows by the migration."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import delete
from sqlmodel import col
from starlette.applications import Starlette

from paydesk.db import alembic_config
from paydesk.models import Customer, InvoiceTemplate
from tests.api.test_sales import run
from tests.helpers import Api, Caller, World, resources

CREATE = """
mutation($i: CreateCustomerInput!) {
  createCustomer(input: $i) { customer { id number } userErrors { field code message } }
}"""
SEARCH = "query($q: String) { customers(first: 50, search: $q) { edges { node { id number } } } }"
NUMBERS = """
query { gateways { number name } products { number name }
  customers(first: 50) { edges { node { number firstName } } } }"""
PRODUCT = """
mutation($i: CreateProductInput!) { createProduct(input: $i) { product { number } userErrors { code } } }"""
GATEWAY = """
mutation($i: AddGatewayInput!) { addGateway(input: $i) { gateway { number } userErrors { code } } }"""
TEMPLATE = """
mutation($i: CreateInvoiceTemplateInput!) {
  createInvoiceTemplate(input: $i) { invoiceTemplate { number } userErrors { code } }
}"""


async def new_customer(api: Api, caller: Caller, name: str, number: int | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"firstName": name}
    if number is not None:
        fields["number"] = number
    return await run(api, CREATE, caller, **fields)


async def test_customers_are_numbered_in_sequence_per_account(api: Api, world: World) -> None:
    a, b = world.a.caller("rep"), world.b.caller("rep")

    made = [(await new_customer(api, a, f"A{k}"))["customer"]["number"] for k in range(3)]
    other = (await new_customer(api, b, "B"))["customer"]["number"]

    # Each world account has one customer already (number 1).
    assert made == [2, 3, 4]
    assert other == 2


async def test_an_imported_contact_keeps_its_number_and_the_next_ones_follow_it(
    api: Api, world: World
) -> None:
    a = world.a.caller("rep")

    imported = await new_customer(api, a, "Imported", number=49)
    after = await new_customer(api, a, "After")
    older = await new_customer(api, a, "Older import", number=12)
    next_one = await new_customer(api, a, "Next")

    assert imported["customer"]["number"] == 49
    assert after["customer"]["number"] == 50
    assert older["customer"]["number"] == 12
    assert next_one["customer"]["number"] == 51
    # Another account's numbers are its own.
    assert (await new_customer(api, world.b.caller("rep"), "Same", number=49))["customer"]["number"] == 49


async def test_a_taken_number_is_refused_at_its_field_and_nothing_is_made(api: Api, world: World) -> None:
    a = world.a.caller("rep")
    await new_customer(api, a, "First", number=7)

    taken = await new_customer(api, a, "Second", number=7)
    automatic_one = await new_customer(api, a, "Auto", number=1)  # the world's customer has 1
    zero = await new_customer(api, a, "Zero", number=0)
    huge = await new_customer(api, a, "Huge", number=2**31 - 1)

    assert taken["customer"] is None
    assert [(e["field"], e["code"]) for e in taken["userErrors"]] == [(["input", "number"], "NUMBER_TAKEN")]
    assert "7" in taken["userErrors"][0]["message"]
    assert [e["code"] for e in automatic_one["userErrors"]] == ["NUMBER_TAKEN"]
    assert [(e["field"], e["code"]) for e in zero["userErrors"]] == [(["input", "number"], "INVALID")]
    assert huge["customer"]["number"] == 2**31 - 1
    names = [e["node"]["number"] for e in (await api.gql(SEARCH, a, q=None))["customers"]["edges"]]
    assert sorted(names) == [1, 7, 2**31 - 1]


async def test_concurrent_creates_get_distinct_numbers_and_one_import_wins(api: Api, world: World) -> None:
    a = world.a.caller("rep")

    automatic = await asyncio.gather(*(new_customer(api, a, f"C{k}") for k in range(8)))
    imports = await asyncio.gather(*(new_customer(api, a, f"I{k}", number=300) for k in range(4)))

    numbers = [p["customer"]["number"] for p in automatic]
    assert sorted(numbers) == list(range(2, 10))
    won = [p for p in imports if p["customer"] is not None]
    lost = [p for p in imports if p["customer"] is None]
    assert len(won) == 1
    assert {e["code"] for p in lost for e in p["userErrors"]} == {"NUMBER_TAKEN"}
    assert (await new_customer(api, a, "Next"))["customer"]["number"] == 301


async def test_search_finds_a_customer_by_number(api: Api, world: World) -> None:
    a = world.a.caller("viewer")
    made = await new_customer(api, world.a.caller("rep"), "Numbered", number=49)

    for query in ("49", "#49", " 49 "):
        found = [e["node"] for e in (await api.gql(SEARCH, a, q=query))["customers"]["edges"]]
        assert made["customer"] in found, query
    # Another account's 49 is not found from this one.
    other = [
        e["node"] for e in (await api.gql(SEARCH, world.b.caller("viewer"), q="49"))["customers"]["edges"]
    ]
    assert made["customer"] not in other
    assert (await api.gql(SEARCH, a, q="²"))["customers"]["edges"] == []


async def test_products_gateways_and_templates_are_numbered_too(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    price = {"amount": "5.00", "currency": "USD"}

    products = [
        (await run(api, PRODUCT, admin, name=f"P{k}", price=price))["product"]["number"] for k in range(2)
    ]
    gateway = (await run(api, GATEWAY, admin, kind="sandbox", name="Second sandbox"))["gateway"]["number"]
    template = (await run(api, TEMPLATE, admin, name="Mine", body="<p>{{ total }}</p>"))["invoiceTemplate"]

    assert products == [1, 2]
    assert gateway == 2  # the account's own sandbox is 1
    assert template["number"] >= 1
    listed = (await api.gql(NUMBERS, admin))["gateways"]
    assert sorted(g["number"] for g in listed) == [1, 2]


async def test_the_migration_numbers_existing_rows_in_creation_order(
    app: Starlette, api: Api, world: World, database_url: str
) -> None:
    a = world.a.caller("rep")
    for k in range(3):
        await new_customer(api, a, f"Old{k}")
    before = (await api.gql(NUMBERS, a))["customers"]["edges"]

    config = alembic_config(database_url)
    await asyncio.to_thread(command.downgrade, config, "0015")
    await asyncio.to_thread(command.upgrade, config, "head")

    after = (await api.gql(NUMBERS, a))["customers"]["edges"]
    assert after == before
    assert sorted(e["node"]["number"] for e in after) == [1, 2, 3, 4]
    assert (await new_customer(api, a, "New"))["customer"]["number"] == 5
    assert (await new_customer(api, world.b.caller("rep"), "New"))["customer"]["number"] == 2


TEMPLATES = "query { invoiceTemplates { number name isDefault } }"


async def test_every_account_has_a_default_invoice_template_from_its_creation(
    app: Starlette, api: Api, world: World, database_url: str
) -> None:
    """So a classic integration always has an invoice_id to send; older accounts get one by migration."""
    admin = world.a.caller("admin")
    assert (await api.gql(TEMPLATES, admin))["invoiceTemplates"] == [
        {"number": 1, "name": "Standard", "isDefault": True}
    ]

    config = alembic_config(database_url)
    await asyncio.to_thread(command.downgrade, config, "0016")
    async with resources(app).sessions() as db:
        await db.exec(delete(InvoiceTemplate).where(col(InvoiceTemplate.account_id) == world.a.account_id))
        await db.commit()
    assert (await api.gql(TEMPLATES, admin))["invoiceTemplates"] == []
    await asyncio.to_thread(command.upgrade, config, "head")

    # Its number follows the highest the account ever had (1), so the new Standard is 2.
    assert (await api.gql(TEMPLATES, admin))["invoiceTemplates"] == [
        {"number": 2, "name": "Standard", "isDefault": True}
    ]
    assert len((await api.gql(TEMPLATES, world.b.caller("admin")))["invoiceTemplates"]) == 1


async def test_rows_flushed_together_are_numbered_oldest_first(app: Starlette, world: World) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    # Made newest first, with ids that sort the other way too: only creation time decides.
    rows = [
        Customer(
            id=f"cus_{9 - k}",
            account_id=world.a.account_id,
            first_name=f"C{k}",
            created_at=base + timedelta(k),
        )
        for k in reversed(range(5))
    ]
    async with resources(app).sessions() as db:
        db.add_all(rows)
        await db.flush()
        assert [(r.first_name, r.number) for r in sorted(rows, key=lambda r: r.created_at)] == [
            ("C0", 2),
            ("C1", 3),
            ("C2", 4),
            ("C3", 5),
            ("C4", 6),
        ]
        await db.rollback()
