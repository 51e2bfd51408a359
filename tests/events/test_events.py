"""The account's events (``events(first, after, type)``, ``node(id:)``): produced by the action that
causes them, in the same transaction, with the object in the API's own field names as it was then.

Every role and API keys read them; another account's event behaves as one that does not exist.
Events older than 30 days are pruned by the jobs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, func, select
from starlette.applications import Starlette

from paydesk.billing.runner import Runner
from paydesk.events import feed
from paydesk.models import Event, PaymentRequest
from paydesk.payment_requests.service import expire_due
from paydesk.transactions.service import Services
from tests.actions.common import (
    GEAR_CLUB,
    MARK_PAID,
    REFUND,
    RESEND,
    VOID,
    WRITE_OFF,
    act,
    declined_charge,
    failed_charge,
    paid_charge,
    paid_log,
)
from tests.api.test_sales import card, charged, put_on_file, run
from tests.helpers import Api, Caller, World, deliver_outbox, resources
from tests.web.pages import Payer, new_link
from tests.web.test_pay_page import Browser, amount_request

EVENT_FIELDS = "id type createdAt data actor { type id }"
EVENTS = f"""
query($first: Int, $after: String, $type: String) {{
  events(first: $first, after: $after, type: $type) {{
    edges {{ cursor node {{ {EVENT_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
    totalCount
  }}
}}"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Event {{ {EVENT_FIELDS} }} }} }}"
CREATE_CUSTOMER = """
mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"""
UPDATE_CUSTOMER = """
mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } userErrors { code } } }"""
UPDATE_CARD = """
mutation($i: UpdatePaymentMethodInput!) {
  updatePaymentMethod(input: $i) { paymentMethod { id } userErrors { code } }
}"""
REMOVE_CARD = """
mutation($i: RemovePaymentMethodInput!) {
  removePaymentMethod(input: $i) { paymentMethod { id } userErrors { code } }
}"""
PAUSE = """
mutation($i: PauseSubscriptionInput!) { pauseSubscription(input: $i) { subscription { id } userErrors { code } } }"""
RESUME = """
mutation($i: ResumeSubscriptionInput!) {
  resumeSubscription(input: $i) { subscription { id } userErrors { code } }
}"""
CANCEL = """
mutation($i: CancelSubscriptionInput!) {
  cancelSubscription(input: $i) { subscription { id } userErrors { code } }
}"""
UPDATE_SUBSCRIPTION = """
mutation($i: UpdateSubscriptionInput!) {
  updateSubscription(input: $i) { subscription { id } userErrors { code } }
}"""
SUBSCRIPTIONS = "query($id: ID!) { customer(id: $id) { subscriptions { id status } } }"


async def events(api: Api, caller: Caller, **variables: Any) -> list[dict[str, Any]]:
    found = (await api.gql(EVENTS, caller, **variables))["events"]
    return [edge["node"] for edge in found["edges"]]


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def run_billing(app: Starlette, at: datetime) -> None:
    await Runner(services(app), clock=lambda: at).run_once()


async def subscribe(api: Api, caller: Caller, customer_id: str, number: str = "4242424242424242") -> str:
    """A paid sale with a monthly subscription line on a card typed in; the new order's id."""
    before = {
        o["id"] for o in (await api.gql(SUBSCRIPTIONS, caller, id=customer_id))["customer"]["subscriptions"]
    }
    sale = await charged(api, caller, customer_id, lines=[GEAR_CLUB], card=card(number))
    assert sale["status"] == "PAID", sale
    after = (await api.gql(SUBSCRIPTIONS, caller, id=customer_id))["customer"]["subscriptions"]
    (order,) = [o for o in after if o["id"] not in before]
    return str(order["id"])


# --- reading ---------------------------------------------------------------------------------------


async def test_the_feed_is_newest_first_pages_filters_by_type_and_reads_with_every_role(
    api: Api, world: World
) -> None:
    admin = world.a.caller("admin")
    for name in ("Ada", "Grace", "Kenji"):
        made = await run(api, CREATE_CUSTOMER, admin, firstName=name)
        assert made["userErrors"] == []
    await paid_log(api, admin, world.a.customer_id, "5.00")

    newest = await events(api, admin, first=2)
    rest = (await api.gql(EVENTS, admin, first=10, after=None))["events"]
    customers = await events(api, world.a.caller("viewer"), type="customer.created")

    assert [e["type"] for e in newest] == ["transaction.paid", "customer.created"]
    assert rest["totalCount"] >= 4
    assert [e["data"]["firstName"] for e in customers][:3] == ["Kenji", "Grace", "Ada"]
    page_one = (await api.gql(EVENTS, admin, first=1, type="customer.created"))["events"]
    page_two = (
        await api.gql(
            EVENTS, admin, first=1, type="customer.created", after=page_one["pageInfo"]["endCursor"]
        )
    )["events"]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["data"]["firstName"] for e in page_one["edges"] + page_two["edges"]] == [
        "Kenji",
        "Grace",
    ]
    for role in ("owner", "admin", "rep", "viewer", "apikey"):
        assert len(await events(api, world.a.caller(role), first=100)) == len(
            await events(api, admin, first=100)
        ), role


async def test_an_event_is_a_node_of_its_own_account_only(api: Api, world: World) -> None:
    made = await run(api, CREATE_CUSTOMER, world.a.caller("rep"), firstName="Ada", email="ada@example.org")
    (event,) = [
        e
        for e in await events(api, world.a.caller("viewer"), type="customer.created")
        if e["data"]["id"] == made["customer"]["id"]
    ]

    found = (await api.gql(NODE, world.a.caller("apikey"), id=event["id"]))["node"]
    elsewhere = (await api.gql(NODE, world.b.caller("admin"), id=event["id"]))["node"]
    made_up = (await api.gql(NODE, world.b.caller("admin"), id="evt_" + "x" * 22))["node"]

    assert event["id"].startswith("evt_")
    assert found == event
    assert elsewhere is None
    assert made_up is None
    assert event["id"] not in {e["id"] for e in await events(api, world.b.caller("admin"), first=100)}
    rep_id = (await api.gql("{ viewer { user { id } } }", world.a.caller("rep")))["viewer"]["user"]["id"]
    assert event["actor"] == {"type": "USER", "id": rep_id}
    assert event["data"]["id"] == made["customer"]["id"]
    assert event["data"]["email"] == "ada@example.org"


async def test_events_older_than_thirty_days_are_pruned(app: Starlette, api: Api, world: World) -> None:
    await paid_log(api, world.a.caller("admin"), world.a.customer_id)
    res = resources(app)
    now = datetime.now(UTC)
    async with res.sessions() as db:
        await db.exec(update(Event).values(created_at=now - timedelta(days=31)))
        await db.commit()
    await run(api, CREATE_CUSTOMER, world.a.caller("admin"), firstName="Fresh")

    pruned = await feed.prune(res.sessions, now)

    assert pruned >= 2  # the sale's and the set-up's, of both accounts
    left = await events(api, world.a.caller("admin"))
    assert [(e["type"], e["data"]["firstName"]) for e in left] == [("customer.created", "Fresh")]


# --- what produces them ---------------------------------------------------------------------------


async def test_customers_and_cards(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    made = await run(api, CREATE_CUSTOMER, rep, firstName="Ada")
    customer = made["customer"]["id"]
    await run(api, UPDATE_CUSTOMER, rep, customerId=customer, email="ada@example.org")
    first = await put_on_file(api, rep, customer, "4242424242424242")
    await put_on_file(api, rep, customer, "5555555555554444")
    await run(api, UPDATE_CARD, rep, paymentMethodId=first["id"], nameOnCard="A. Lovelace")
    await run(api, REMOVE_CARD, rep, paymentMethodId=first["id"])

    feed_types = [e["type"] for e in reversed(await events(api, rep, first=100))]

    mine = [e["type"] for e in reversed(await events(api, rep, first=100)) if e["data"]["id"] == customer]
    assert mine == ["customer.created", "customer.updated"]
    assert feed_types.count("payment_method.added") == 2
    assert "payment_method.removed" in feed_types
    updated = await events(api, rep, type="customer.updated")
    assert updated[0]["data"]["email"] == "ada@example.org"
    (removed,) = await events(api, rep, type="payment_method.removed")
    assert removed["data"]["id"] == first["id"]
    assert removed["data"]["status"] == "REMOVED"
    assert removed["data"]["last4"] == "4242"
    assert "number" not in removed["data"]
    named = [
        e for e in await events(api, rep, type="payment_method.updated") if e["data"]["id"] == first["id"]
    ]
    assert named[-1]["data"]["nameOnCard"] == "A. Lovelace"


async def test_every_sale_outcome_and_action_is_an_event(app: Starlette, api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    paid = await paid_charge(api, admin, customer, "40.00")
    declined = await declined_charge(api, admin, customer)
    failed = await failed_charge(api, admin, customer)
    logged = await paid_log(api, admin, customer, "20.00")
    assert (await act(api, REFUND, admin, transactionId=paid["id"], amount="15.00"))["userErrors"] == []
    assert (await act(api, VOID, admin, transactionId=logged["id"]))["userErrors"] == []
    assert (await act(api, WRITE_OFF, admin, transactionId=failed["id"]))["userErrors"] == []
    assert (await act(api, MARK_PAID, admin, transactionId=declined["id"]))["userErrors"] == []
    assert (await act(api, RESEND, admin, transactionId=paid["id"]))["userErrors"] == []
    await deliver_outbox(app)

    def of(found: list[dict[str, Any]]) -> list[str]:
        return [e["data"]["id"] for e in found]

    assert of(await events(api, admin, type="transaction.paid")) == [declined["id"], logged["id"], paid["id"]]
    assert of(await events(api, admin, type="transaction.declined")) == [declined["id"]]
    assert of(await events(api, admin, type="transaction.failed")) == [failed["id"]]
    assert of(await events(api, admin, type="transaction.voided")) == [logged["id"]]
    assert of(await events(api, admin, type="transaction.written_off")) == [failed["id"]]
    (refunded,) = await events(api, admin, type="transaction.refunded")
    assert refunded["data"]["id"] == paid["id"]
    assert refunded["data"]["status"] == "PARTIALLY_REFUNDED"
    assert refunded["data"]["amountRefunded"] == {"amount": "15.00", "currency": "USD", "minorUnits": 1500}
    assert refunded["data"]["refund"]["amount"]["minorUnits"] == 1500
    (sent,) = await events(api, admin, type="invoice.sent")
    assert sent["data"]["transactionId"] == paid["id"]
    assert sent["data"]["sentTo"] == "c@alpha.test"
    (marked,) = [
        e for e in await events(api, admin, type="transaction.paid") if e["data"]["id"] == declined["id"]
    ]
    assert marked["data"]["origin"] == "CHARGED"
    assert marked["data"]["markedPaidAt"] is not None
    (was_logged,) = [
        e for e in await events(api, admin, type="transaction.paid") if e["data"]["id"] == logged["id"]
    ]
    assert was_logged["data"]["origin"] == "LOGGED"
    assert was_logged["data"]["status"] == "PAID"  # as it was then, not VOIDED as it is now


async def test_a_subscription_from_sale_to_cancellation(app: Starlette, api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    order = await subscribe(api, admin, customer)
    other = await put_on_file(api, admin, customer, "5555555555554444", makeDefault=False)
    assert (await run(api, PAUSE, admin, subscriptionId=order))["userErrors"] == []
    assert (await run(api, RESUME, admin, subscriptionId=order))["userErrors"] == []
    assert (await run(api, UPDATE_SUBSCRIPTION, admin, subscriptionId=order, paymentMethodId=other["id"]))[
        "userErrors"
    ] == []
    await run_billing(app, datetime.now(UTC) + timedelta(days=33))
    assert (await run(api, CANCEL, admin, subscriptionId=order))["userErrors"] == []

    seen = [e for e in reversed(await events(api, admin, first=100)) if e["type"].startswith("subscription.")]

    assert [e["type"] for e in seen] == [
        "subscription.created",
        "subscription.paused",
        "subscription.resumed",
        "subscription.updated",
        "subscription.renewed",
        "subscription.cancelled",
    ]
    assert {e["data"]["id"] for e in seen} == {order}
    assert seen[0]["data"]["status"] == "ACTIVE"
    assert seen[0]["data"]["unitPrice"] == {"amount": "9.99", "currency": "USD", "minorUnits": 999}
    assert seen[1]["data"]["status"] == "PAUSED"
    assert seen[3]["data"]["paymentMethodId"] == other["id"]
    assert seen[4]["actor"] == {"type": "SYSTEM", "id": None}
    assert seen[5]["data"]["status"] == "CANCELLED"
    renewal = [e for e in await events(api, admin, type="transaction.paid") if e["actor"]["type"] == "SYSTEM"]
    assert len(renewal) == 1


async def test_a_hard_decline_makes_the_order_past_due_and_a_plan_completes(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    order = await subscribe(api, admin, customer)
    expired = await put_on_file(api, admin, customer, "4000000000000069", makeDefault=False)
    await run(api, UPDATE_SUBSCRIPTION, admin, subscriptionId=order, paymentMethodId=expired["id"])
    plan = await charged(
        api,
        admin,
        customer,
        lines=[
            {
                "description": "Two payments",
                "unitPrice": "10.00",
                "kind": "PAYMENT_PLAN",
                "unit": "MONTH",
                "paymentCount": 2,
            }
        ],
        card=card("4242424242424242"),
    )
    assert plan["status"] == "PAID"

    await run_billing(app, datetime.now(UTC) + timedelta(days=33))

    (past_due,) = await events(api, admin, type="subscription.past_due")
    assert past_due["data"]["id"] == order
    assert past_due["data"]["status"] == "PAST_DUE"
    (completed,) = await events(api, admin, type="subscription.completed")
    assert completed["data"]["status"] == "COMPLETED"
    assert completed["data"]["paymentsRemaining"] == 0
    declined = await events(api, admin, type="transaction.declined")
    assert [e["data"]["declineCode"] for e in declined if e["data"]["subscriptionId"] == order] == [
        "expired_card"
    ]


async def test_payment_requests_and_card_links(
    app: Starlette, api: Api, world: World, http: httpx.AsyncClient
) -> None:
    admin = world.a.caller("admin")
    request_id, path = await amount_request(api, world, "30.00")
    stale_id, _ = await amount_request(api, world, "12.00")
    done = await Browser(http, path).pay()
    assert done.status_code == 200, done.text
    async with resources(app).sessions() as db:
        await db.exec(
            update(PaymentRequest)
            .where(col(PaymentRequest.id) == stale_id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await db.commit()
    assert await expire_due(services(app)) == 1
    link = await new_link(api, world)
    sent = await Payer(http).send_card(link.path)
    assert sent.status_code == 200, sent.text

    created = await events(api, admin, type="payment_request.created")
    (paid,) = await events(api, admin, type="payment_request.paid")
    (expired,) = await events(api, admin, type="payment_request.expired")
    (completed,) = await events(api, admin, type="card_link.completed")

    assert {e["data"]["id"] for e in created} == {request_id, stale_id}
    assert (paid["data"]["id"], paid["data"]["status"], paid["actor"]["type"]) == (
        request_id,
        "PAID",
        "PAYER",
    )
    assert paid["data"]["amount"] == {"amount": "30.00", "currency": "USD", "minorUnits": 3000}
    assert (expired["data"]["id"], expired["data"]["status"], expired["actor"]["type"]) == (
        stale_id,
        "EXPIRED",
        "SYSTEM",
    )
    assert (completed["data"]["id"], completed["data"]["status"], completed["actor"]) == (
        link.id,
        "USED",
        {"type": "PAYER", "id": None},
    )
    assert "url" not in completed["data"]
    assert "url" not in paid["data"]
    (by_payer,) = [
        e for e in await events(api, admin, type="transaction.paid") if e["actor"]["type"] == "PAYER"
    ]
    assert by_payer["data"]["total"]["minorUnits"] == 3000
    async with resources(app).sessions() as db:
        assert (await db.exec(select(func.count()).select_from(Event))).one() >= 6
