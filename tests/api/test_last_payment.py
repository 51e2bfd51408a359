"""Customer.lastPayment: the newest paid sale by transaction date, loaded for a whole page at once."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from tests.api.test_sales import DECLINE, card, charged, logged, new_customer
from tests.helpers import Api, World, sql_statements

LAST_PAYMENT = "query($id: ID!) { customer(id: $id) { lastPayment { id status total { amount } } } }"
PAGE = """
query($first: Int) {
  customers(first: $first) { edges { node { id lastPayment { id transactionDate } } } }
}"""
REFUND = """
mutation($i: RefundTransactionInput!) { refundTransaction(input: $i) { userErrors { field code } } }"""


def sale_queries(app: Starlette) -> Any:
    """The SQL statements that read the sale table while the block runs."""
    return sql_statements(app, "FROM sale")


async def test_last_payment_is_the_newest_paid_sale_by_transaction_date(api: Api, world: World) -> None:
    rep, admin, customer = world.a.caller("rep"), world.a.caller("admin"), world.a.customer_id
    assert (await api.gql(LAST_PAYMENT, rep, id=customer))["customer"]["lastPayment"] is None

    older = await logged(api, rep, customer, transactionDate="2024-03-15T10:30:00Z")
    newest_by_date = await logged(api, rep, customer, transactionDate="2025-01-02T09:00:00Z")
    # Made later, but dated earlier: the transaction date decides.
    await logged(api, rep, customer, transactionDate="2024-06-01T00:00:00Z")
    assert older["status"] == "PAID"
    found = (await api.gql(LAST_PAYMENT, rep, id=customer))["customer"]["lastPayment"]
    assert found == {"id": newest_by_date["id"], "status": "PAID", "total": {"amount": "49.00"}}

    # A declined charge (dated now) is not a payment; a refunded one still is.
    declined = await charged(api, rep, customer, card=card(DECLINE))
    assert declined["status"] == "DECLINED"
    paid = await charged(api, rep, customer, card=card("4242424242424242"))
    refund = await api.gql(REFUND, admin, i={"transactionId": paid["id"]})
    assert refund["refundTransaction"]["userErrors"] == []
    found = (await api.gql(LAST_PAYMENT, world.a.caller("viewer"), id=customer))["customer"]["lastPayment"]
    assert found == {"id": paid["id"], "status": "REFUNDED", "total": {"amount": "49.00"}}
    # Another account's sales never show.
    other = (await api.gql(LAST_PAYMENT, world.b.caller("owner"), id=world.b.customer_id))["customer"]
    assert other["lastPayment"] is None


async def test_a_page_of_customers_loads_last_payments_in_one_query(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    customers = [await new_customer(api, rep, f"Buyer{n}") for n in range(4)]
    expected: dict[str, str | None] = {world.a.customer_id: None}
    for n, customer in enumerate(customers):
        if n == 2:
            expected[customer] = None
            continue
        sale = await logged(api, rep, customer, transactionDate=f"2024-0{n + 1}-10T12:00:00Z")
        await logged(api, rep, customer, transactionDate=f"2023-0{n + 1}-10T12:00:00Z")
        expected[customer] = sale["id"]

    with sale_queries(app) as one_row:
        await api.gql(PAGE, rep, first=1)
    with sale_queries(app) as whole_page:
        data = await api.gql(PAGE, rep, first=10)

    found = {e["node"]["id"]: e["node"]["lastPayment"] for e in data["customers"]["edges"]}
    assert {cid: sale["id"] if sale else None for cid, sale in found.items()} == expected
    assert len(whole_page) == len(one_row) == 1
