"""API fields the portal's first-hour fixes read: who acted, which plan payment, pickers, invoices that say it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select
from starlette.applications import Starlette

from paydesk.invoices import service as invoices
from paydesk.models import Invoice
from paydesk.notify.templates import sentence_end
from tests.actions.common import CANOE_PLAN
from tests.api.test_sales import card, charged, put_on_file
from tests.billing.test_lifecycle import plan, simulate
from tests.helpers import Api, World, resources

SALE = """
query($id: ID!) {
  transaction(id: $id) {
    events { kind actor { id } actorApiKey }
    lines { kind paymentNumber paymentCount }
    invoice { id }
  }
}"""
CARD = "query($id: ID!) { node(id: $id) { ... on PaymentMethod { customer { id } } } }"
CHOICES = "{ accountSettingChoices { currencies { value label } timeZones locales { value label } } }"
ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { defaultCurrency timezone locale } userErrors { field code } }
}"""
REFUND = "mutation($i: RefundTransactionInput!) { refundTransaction(input: $i) { userErrors { code } } }"
ORDER_SALES = "query($id: ID!) { subscription(id: $id) { transactions { id lines { kind paymentNumber } } } }"


async def read(api: Api, world: World, sale_id: str) -> dict[str, Any]:
    return dict((await api.gql(SALE, world.a.caller("viewer"), id=sale_id))["transaction"])


async def test_an_event_names_the_api_key_that_acted(api: Api, world: World) -> None:
    apikey = world.a.caller("apikey")
    sale = await charged(
        api,
        apikey,
        world.a.customer_id,
        lines=[{"description": "Map", "unitPrice": "5.00"}],
        card=card("4242424242424242"),
    )
    staff = await charged(
        api,
        world.a.caller("rep"),
        world.a.customer_id,
        lines=[{"description": "Map", "unitPrice": "5.00"}],
        card=card("4242424242424242"),
    )

    by_key = (await read(api, world, sale["id"]))["events"]
    by_rep = (await read(api, world, staff["id"]))["events"]

    (started,) = [e for e in by_key if e["kind"] == "charge_started"]
    assert (started["actorApiKey"], started["actor"]) == (apikey.headers["Api-Appid"], None)
    assert {e["actorApiKey"] for e in by_rep} == {None}


async def test_a_card_says_whose_it_is(api: Api, world: World) -> None:
    method = await put_on_file(api, world.a.caller("rep"), world.a.customer_id, "4242424242424242")
    found = (await api.gql(CARD, world.a.caller("viewer"), id=method["id"]))["node"]
    assert found == {"customer": {"id": world.a.customer_id}}


async def test_the_setting_choices_are_exactly_what_update_account_takes(api: Api, world: World) -> None:
    choices = (await api.gql(CHOICES, world.a.caller("viewer")))["accountSettingChoices"]
    currencies = {c["value"]: c["label"] for c in choices["currencies"]}
    locales = {c["value"]: c["label"] for c in choices["locales"]}

    assert currencies["USD"] == "US Dollar"
    assert "XAU" not in currencies  # no minor unit: no payments in it
    assert {"America/New_York", "Asia/Tokyo", "UTC"} <= set(choices["timeZones"])
    assert locales["en-US"] == "English (United States)"
    changed = (
        await api.gql(
            ACCOUNT,
            world.a.caller("admin"),
            i={"defaultCurrency": "JPY", "timezone": "Asia/Tokyo", "locale": "ja-JP"},
        )
    )["updateAccount"]
    assert changed == {
        "account": {"defaultCurrency": "JPY", "timezone": "Asia/Tokyo", "locale": "ja-JP"},
        "userErrors": [],
    }


async def test_a_plan_line_says_which_payment_it_is_and_so_does_its_invoice(
    app: Starlette, api: Api, world: World
) -> None:
    sale = await charged(
        api, world.a.caller("admin"), world.a.customer_id, lines=[CANOE_PLAN], card=card("4242424242424242")
    )
    refunded = await api.gql(
        REFUND, world.a.caller("admin"), i={"transactionId": sale["id"], "amount": "30.00"}
    )
    assert refunded["refundTransaction"]["userErrors"] == []

    lines = (await read(api, world, sale["id"]))["lines"]
    async with resources(app).sessions() as db:
        invoice = (await db.exec(select(Invoice).where(Invoice.transaction_id == sale["id"]))).one()
        html = await invoices.render_invoice_html(db, invoice)

    assert lines == [{"kind": "PAYMENT_PLAN", "paymentNumber": 1, "paymentCount": 6}]
    assert "Payment 1 of 6, then $150.00 every month" in html
    assert "Status: Partially refunded ($30.00 refunded)" in html


async def test_an_installment_is_the_next_payment_of_its_plan(app: Starlette, api: Api, world: World) -> None:
    sim = await simulate(app, api, world)
    order = await sim.open(plan("Lessons", "40.00", 3), date(2027, 1, 20))
    assert await sim.run_days(date(2027, 2, 20), date(2027, 2, 20)) == {date(2027, 2, 20): 1}

    sales = (await api.gql(ORDER_SALES, world.a.caller("viewer"), id=order))["subscription"]["transactions"]

    assert [s["lines"][0]["paymentNumber"] for s in sales] == [1, 2]


def test_a_name_that_ends_a_sentence_gets_one_full_stop() -> None:
    assert sentence_end("Demo Outdoor Supply Co.") == "Demo Outdoor Supply Co."
    assert sentence_end("Kayak Shack") == "Kayak Shack."
    assert sentence_end("Yes!  ") == "Yes!"
