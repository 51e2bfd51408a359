"""What the records say: lists by the sale's own date, how a sale paid outside was paid, a refund's reason code.

A sale logged today but dated last week belongs below this week's sales in
any list people read (``orderBy: TRANSACTION_DATE``), while the feed
partners sync from keeps its createdAt order and its cursors; each order's
cursors work only with that order. Logged sales and sales marked paid keep
how they were paid (``paidWith``), a reference and a note; refunds keep a
``reasonCode`` beside their free-text reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.models import Transaction
from tests.actions.common import MARK_PAID, REFUND, SALE, act, amount_of, declined_charge, paid_log
from tests.api.test_sales import logged, problems, run
from tests.billing.test_lifecycle import plan, simulate
from tests.helpers import Api, World, resources

CUSTOMER_SALES = """
query($id: ID!, $first: Int, $after: String, $order: TransactionOrder) {
  customer(id: $id) {
    transactions(first: $first, after: $after, orderBy: $order) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount
    }
  }
}"""
ACCOUNT_SALES = """
query($first: Int, $after: String, $order: TransactionOrder, $since: DateTime) {
  transactions(first: $first, after: $after, orderBy: $order, updatedSince: $since) {
    edges { node { id } } pageInfo { hasNextPage endCursor }
  }
}"""
OUTSIDE = f"{SALE} paidWith reference note resultCode"
LOG = f"""
mutation($i: LogTransactionInput!) {{
  logTransaction(input: $i) {{ transaction {{ {OUTSIDE} }} userErrors {{ field code message }} }}
}}"""
READ = f"query($id: ID!) {{ transaction(id: $id) {{ {OUTSIDE} refunds {{ id reason reasonCode }} }} }}"
SUBSCRIPTION_SALES = "query($id: ID!) { subscription(id: $id) { transactions { id transactionDate } } }"


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


async def sales_dated(api: Api, world: World, *ages: int) -> list[str]:
    """Logged sales made in this order, dated that many days ago; their ids."""
    rep = world.a.caller("rep")
    made = []
    for age in ages:
        sale = await logged(
            api, rep, world.a.customer_id, lines=amount_of("10.00"), transactionDate=days_ago(age)
        )
        made.append(str(sale["id"]))
    return made


async def walk(api: Api, world: World, query: str, order: str | None, **extra: Any) -> list[str]:
    """Every sale of a list, one per page, following the cursors."""
    seen: list[str] = []
    after = None
    while True:
        data = await api.gql(query, world.a.caller("viewer"), first=1, after=after, order=order, **extra)
        connection = data["customer"]["transactions"] if "customer" in data else data["transactions"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        after = connection["pageInfo"]["endCursor"]


# --- sorting by the sale's date -------------------------------------------------------------------


async def test_a_customers_sales_by_transaction_date_put_a_backdated_sale_below_newer_ones(
    api: Api, world: World
) -> None:
    # Logged in this order: yesterday's, then one dated a week ago, then today's.
    yesterday, week_ago, today = await sales_dated(api, world, 1, 7, 0)

    by_date = await walk(api, world, CUSTOMER_SALES, "TRANSACTION_DATE", id=world.a.customer_id)
    by_creation = await walk(api, world, CUSTOMER_SALES, None, id=world.a.customer_id)
    explicit = await walk(api, world, CUSTOMER_SALES, "CREATED_AT", id=world.a.customer_id)

    assert by_date == [today, yesterday, week_ago]
    assert by_creation == explicit == [today, week_ago, yesterday]


async def test_the_account_feed_sorts_by_transaction_date_and_the_sync_feed_is_unchanged(
    api: Api, world: World
) -> None:
    yesterday, week_ago, today = await sales_dated(api, world, 1, 7, 0)

    by_date = await walk(api, world, ACCOUNT_SALES, "TRANSACTION_DATE")
    by_creation = await walk(api, world, ACCOUNT_SALES, None)
    synced = await walk(api, world, ACCOUNT_SALES, None, since=days_ago(30))

    assert [s for s in by_date if s in (yesterday, week_ago, today)] == [today, yesterday, week_ago]
    assert [s for s in by_creation if s in (yesterday, week_ago, today)] == [today, week_ago, yesterday]
    assert [s for s in synced if s in (yesterday, week_ago, today)] == [yesterday, week_ago, today]


async def test_a_cursor_works_only_with_the_order_it_came_from(api: Api, world: World) -> None:
    await sales_dated(api, world, 1, 2)
    viewer = world.a.caller("viewer")
    pages = {}
    for order in ("CREATED_AT", "TRANSACTION_DATE"):
        data = await api.gql(CUSTOMER_SALES, viewer, id=world.a.customer_id, first=1, order=order)
        pages[order] = data["customer"]["transactions"]["pageInfo"]["endCursor"]

    for order, cursor in (
        ("TRANSACTION_DATE", pages["CREATED_AT"]),
        ("CREATED_AT", pages["TRANSACTION_DATE"]),
    ):
        variables = {"id": world.a.customer_id, "first": 1, "after": cursor, "order": order}
        body = (await api.post({"query": CUSTOMER_SALES, "variables": variables}, viewer)).json()
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "another order" in error["message"]
    variables = {"order": "TRANSACTION_DATE", "since": days_ago(3)}
    refused = (await api.post({"query": ACCOUNT_SALES, "variables": variables}, viewer)).json()
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_subscriptions_sales_are_listed_by_the_sales_date(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    sub = await sim.open(plan("Kayak", "25.00", 3), date(2027, 1, 31))
    assert await sim.run_days(date(2027, 2, 27), date(2027, 2, 28)) == {date(2027, 2, 28): 1}
    # The opening sale's record is made last (as an import would), yet it was the first sale.
    async with resources(app).sessions() as db:
        rows = list(
            await db.exec(select(Transaction).where(col(Transaction.customer_id) == world.a.customer_id))
        )
        opening = min(rows, key=lambda row: row.transaction_date)
        opening.created_at = max(row.created_at for row in rows) + timedelta(seconds=1)
        db.add(opening)
        await db.commit()

    listed = (await api.gql(SUBSCRIPTION_SALES, world.a.caller("viewer"), id=sub))["subscription"]

    sales = listed["transactions"]
    assert sales[0]["id"] == opening.id
    assert [s["transactionDate"] for s in sales] == sorted(s["transactionDate"] for s in sales)


# --- how a sale paid outside was paid -------------------------------------------------------------


async def test_a_logged_sale_keeps_how_it_was_paid_its_reference_and_note(api: Api, world: World) -> None:
    payload = await run(
        api,
        LOG,
        world.a.caller("rep"),
        customerId=world.a.customer_id,
        lines=amount_of("80.00"),
        paidWith="CHEQUE",
        reference=" 001234 ",
        note="Left at the front desk",
    )

    assert payload["userErrors"] == []
    sale = payload["transaction"]
    assert (sale["origin"], sale["paidWith"], sale["reference"], sale["note"]) == (
        "LOGGED",
        "CHEQUE",
        "001234",
        "Left at the front desk",
    )
    assert sale["resultCode"] is None
    (logged_event,) = [e for e in sale["events"] if e["kind"] == "logged"]
    assert logged_event["note"] == "Paid elsewhere by cheque (reference 001234). Left at the front desk"
    again = (await api.gql(READ, world.a.caller("viewer"), id=sale["id"]))["transaction"]
    assert again["paidWith"] == "CHEQUE"


async def test_a_logged_sale_without_the_new_fields_is_as_before(api: Api, world: World) -> None:
    sale = await paid_log(api, world.a.caller("rep"), world.a.customer_id)
    read = (await api.gql(READ, world.a.caller("viewer"), id=sale["id"]))["transaction"]
    assert (read["paidWith"], read["reference"], read["note"]) == (None, None, None)
    assert [e["note"] for e in read["events"] if e["kind"] == "logged"] == ["Paid elsewhere."]


async def test_too_long_a_reference_or_note_is_invalid_at_its_field_and_logs_nothing(
    api: Api, world: World
) -> None:
    payload = await run(
        api,
        LOG,
        world.a.caller("rep"),
        customerId=world.a.customer_id,
        lines=amount_of("80.00"),
        reference="r" * 256,
        note="n" * 501,
    )

    assert payload["transaction"] is None
    assert sorted(problems(payload)) == [(["input", "note"], "INVALID"), (["input", "reference"], "INVALID")]
    listed = await api.gql("{ transactions { totalCount } }", world.a.caller("viewer"))
    assert listed["transactions"]["totalCount"] == 0


async def test_marking_a_declined_sale_paid_keeps_how_it_was_paid(api: Api, world: World) -> None:
    declined = await declined_charge(api, world.a.caller("admin"), world.a.customer_id)

    payload = await act(
        api,
        MARK_PAID,
        world.a.caller("admin"),
        transactionId=declined["id"],
        paidWith="BANK_TRANSFER",
        reference="TRF-88",
        note="Paid by transfer after the decline",
    )

    assert payload["userErrors"] == []
    sale = (await api.gql(READ, world.a.caller("viewer"), id=declined["id"]))["transaction"]
    assert (sale["status"], sale["paidWith"], sale["reference"], sale["note"]) == (
        "PAID",
        "BANK_TRANSFER",
        "TRF-88",
        "Paid by transfer after the decline",
    )
    assert sale["markedPaidAt"] is not None
    (marked,) = [e["note"] for e in sale["events"] if e["kind"] == "marked_paid"]
    assert marked.endswith("by bank transfer (reference TRF-88). Paid by transfer after the decline")


async def test_a_refund_keeps_its_reason_code_beside_its_reason(api: Api, world: World) -> None:
    sale = await paid_log(api, world.a.caller("rep"), world.a.customer_id)
    admin = world.a.caller("admin")

    coded = await act(api, REFUND, admin, transactionId=sale["id"], amount="10.00", reasonCode="DUPLICATE")
    both = await act(
        api, REFUND, admin, transactionId=sale["id"], amount="5.00", reasonCode="OTHER", reason="Goodwill"
    )
    plain = await act(api, REFUND, admin, transactionId=sale["id"], amount="1.00")

    assert coded["userErrors"] == both["userErrors"] == plain["userErrors"] == []
    refunds = (await api.gql(READ, world.a.caller("viewer"), id=sale["id"]))["transaction"]["refunds"]
    assert [(r["reasonCode"], r["reason"]) for r in refunds] == [
        ("DUPLICATE", None),
        ("OTHER", "Goodwill"),
        (None, None),
    ]
