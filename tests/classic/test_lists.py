"""reqType=list_gateways and list_invoices: the caller's account's objects, by number and opaque id."""

from __future__ import annotations

from tests.api.test_sales import add_gateway
from tests.classic.client import Classic
from tests.helpers import Api, World

TEMPLATE = """
mutation { createInvoiceTemplate(input: {name: "Wholesale", body: "<p>{{ total }}</p>"}) {
  invoiceTemplate { id number } } }"""


async def test_list_gateways_shows_numbers_ids_currencies_and_the_default(
    api: Api, world: World, classic: Classic
) -> None:
    admin = world.a.caller("admin")
    extra = await add_gateway(api, admin, "sandbox")
    own = (await api.gql("{ gateways { id isDefault } }", admin))["gateways"]
    default = next(g["id"] for g in own if g["isDefault"])

    listed = await classic.call(world.a.caller("apikey"), "list_gateways")
    other = await classic.call(world.b.caller("apikey"), "list_gateways")

    assert listed["result_code"] == 1
    assert [{k: v for k, v in g.items() if k != "currencies"} for g in listed["gateways"]] == [
        {"id": 1, "paydesk_id": default, "name": "Sandbox", "kind": "sandbox", "default": True},
        {"id": 2, "paydesk_id": extra, "name": "Extra sandbox", "kind": "sandbox", "default": False},
    ]
    assert {"USD", "EUR", "JPY", "KWD"} <= set(listed["gateways"][0]["currencies"])
    assert "XAU" not in listed["gateways"][0]["currencies"]
    assert "credentials" not in str(listed)
    assert {g["paydesk_id"] for g in other["gateways"]}.isdisjoint({default, extra})


async def test_list_invoices_shows_the_accounts_templates(api: Api, world: World, classic: Classic) -> None:
    made = (await api.gql(TEMPLATE, world.a.caller("admin")))["createInvoiceTemplate"]["invoiceTemplate"]
    templates = (await api.gql("{ invoiceTemplates { id number name } }", world.a.caller("admin")))[
        "invoiceTemplates"
    ]

    listed = await classic.call(world.a.caller("apikey"), "list_invoices", multipart=True)
    other = await classic.call(world.b.caller("apikey"), "list_invoices")

    assert listed == {
        "result_code": 1,
        "invoices": [{"id": t["number"], "paydesk_id": t["id"], "name": t["name"]} for t in templates],
    }
    assert made["id"] in {t["paydesk_id"] for t in listed["invoices"]}
    assert made["id"] not in {t["paydesk_id"] for t in other["invoices"]}
    assert len(other["invoices"]) == 1
