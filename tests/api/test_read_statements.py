"""Guards on the read paths: SQL statements per request do not grow with the page size.

Customer details (the portal's customer page: cards, addresses, comments,
transactions with their lines and refunds, subscriptions, payment requests,
invoices) and the customers list (each customer's default card and last
payment) are answered with a fixed number of statements, whatever ``first``
asks for: every relation goes through a batched loader. Counts, never
timings, so these hold on any machine.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from strawberry.dataloader import DataLoader

from paydesk import ids
from paydesk.graphql.loaders import Loaders
from paydesk.models import Customer, Gateway, PaymentMethod, Refund, Transaction, TransactionLine
from tests.helpers import Api, World, resources, sql_statements

DETAILS = """
query($id: ID!, $first: Int!) { customer(id: $id) {
  id number firstName lastName email phone createdAt
  addresses { id line1 city country }
  comments(first: 20) { totalCount edges { node { id body author { email } } } }
  paymentMethods { id brand last4 status isDefault }
  defaultPaymentMethod { id last4 }
  transactions(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { node {
    id status total { amount currency } lines { description quantity total { amount } }
    refunds { id amount { amount } status } } } }
  subscriptions { id status nextChargeDate }
  paymentRequests(first: 20) { totalCount edges { node { id status } } }
  invoices(first: 20) { totalCount edges { node { id number } } } } }"""
LIST = """
query($first: Int!) { customers(first: $first) { totalCount edges { node {
  id firstName defaultPaymentMethod { id last4 } lastPayment { id status total { amount } } } } } }"""
SIZES = (10, 50, 100)
# The most statements each read may take, authentication included (SQLite's BEGIN counts as one; the
# customer-details query reads 16 relations and counts, the list 5). Constant in the page size.
DETAILS_BOUND = 20
LIST_BOUND = 8


async def _seed(app: Starlette, account_id: str, customers: int, sales: int) -> str:
    """``customers`` customers with a default card and ``sales`` paid sales each (two lines, every
    third sale partly refunded); the first one's id."""
    async with resources(app).sessions() as db:
        gateway = (await db.exec(select(Gateway).where(Gateway.account_id == account_id))).first()
        assert gateway is not None
        first = ""
        for n in range(customers):
            customer = Customer(id=ids.new_id(ids.CUSTOMER), account_id=account_id, first_name=f"C{n}")
            first = first or customer.id
            db.add(customer)
            db.add(
                PaymentMethod(
                    id=ids.new_id(ids.PAYMENT_METHOD),
                    account_id=account_id,
                    customer_id=customer.id,
                    gateway_id=gateway.id,
                    gateway_token=f"tok_{n}",
                    brand="visa",
                    last4="4242",
                    exp_month=12,
                    exp_year=2099,
                    is_default=True,
                )
            )
            await db.flush()  # no ORM relationships order the inserts: parents are flushed first
            for s in range(sales):
                await _sale(db, account_id, customer.id, refunded=s % 3 == 0)
        await db.commit()
    return first


async def _sale(db: Any, account_id: str, customer_id: str, *, refunded: bool) -> None:
    sale = Transaction(
        id=ids.new_id(ids.TRANSACTION), account_id=account_id, customer_id=customer_id,
        status="PARTIALLY_REFUNDED" if refunded else "PAID", origin="LOGGED", currency="USD",
        subtotal=1500, discount=0, total=1500,
    )  # fmt: skip
    db.add(sale)
    await db.flush()
    for position, (description, price) in enumerate((("Widget", 1000), ("Shipping", 500))):
        db.add(
            TransactionLine(
                transaction_id=sale.id,
                position=position,
                description=description,
                quantity=1,
                unit_price=price,
                subtotal=price,
                discount=0,
                total=price,
                kind="SINGLE",
            )
        )
    if refunded:
        db.add(
            Refund(
                id=ids.new_id(ids.REFUND),
                account_id=account_id,
                transaction_id=sale.id,
                amount=500,
                currency="USD",
                status="SUCCEEDED",
                through_gateway=False,
            )
        )


async def _counts(app: Starlette, api: Api, world: World, query: str, **variables: Any) -> dict[int, int]:
    """Statements per request at each page size (after one call that warms the API key's lookup)."""
    caller = world.a.caller("apikey")
    await api.gql(query, caller, **variables, first=SIZES[0])
    counts = {}
    for size in SIZES:
        with sql_statements(app) as seen:
            data = await api.gql(query, caller, **variables, first=size)
        assert data, "the read answered"
        counts[size] = len(seen)
    return counts


async def test_customer_details_statements_do_not_grow_with_the_page(
    app: Starlette, api: Api, world: World
) -> None:
    customer_id = await _seed(app, world.a.account_id, customers=1, sales=max(SIZES))

    counts = await _counts(app, api, world, DETAILS, id=customer_id)

    assert len(set(counts.values())) == 1, counts
    assert counts[SIZES[0]] <= DETAILS_BOUND, counts


async def test_customers_list_statements_do_not_grow_with_the_page(
    app: Starlette, api: Api, world: World
) -> None:
    await _seed(app, world.a.account_id, customers=max(SIZES), sales=1)

    counts = await _counts(app, api, world, LIST)

    assert len(set(counts.values())) == 1, counts
    assert counts[SIZES[0]] <= LIST_BOUND, counts


async def test_a_bypassed_loader_shows_in_the_count(
    app: Starlette, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard above catches a relation resolved row by row: with the lines loader batching one
    sale at a time (as a resolver querying per row would), the count grows with the page."""
    customer_id = await _seed(app, world.a.account_id, customers=1, sales=max(SIZES))
    batched = Loaders.__post_init__

    def one_at_a_time(self: Loaders) -> None:
        batched(self)
        self.transaction_lines = DataLoader(self._transaction_lines, max_batch_size=1)

    monkeypatch.setattr(Loaders, "__post_init__", one_at_a_time)

    counts = await _counts(app, api, world, DETAILS, id=customer_id)

    assert counts[50] - counts[10] == 40, counts
    assert counts[100] - counts[50] == 50, counts
