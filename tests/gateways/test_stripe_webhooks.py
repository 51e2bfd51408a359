"""Stripe's events in: ``POST /webhooks/stripe/{gatewayId}`` (issue 17, part 4).

Requests are signed as Stripe signs them (``Stripe-Signature: t=...,v1=...``, HMAC-SHA256 over
``{t}.{body}`` with the endpoint secret given with the gateway). A valid one is applied once;
a wrong secret, a stale timestamp or a missing header is a 400 that changes nothing; a replay
or Stripe's own retry of an event id changes nothing twice; unknown types are 200 and ignored.
The payloads are Stripe's shapes from its API reference, trimmed to what is read.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from paydesk.gateways.stripe.signature import sign
from tests.actions.common import REFUND, act
from tests.api.test_sales import (
    STRIPE_INTENT,
    STRIPE_KEY,
    VISA,
    FakeStripe,
    charged,
    no_answer,
    put_on_file,
    run,
    stripe_faked,
)
from tests.helpers import Api, Caller, World

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
ADD_GATEWAY = """
mutation($i: AddGatewayInput!) {
  addGateway(input: $i) { gateway { id webhookUrl receivesWebhooks } userErrors { field code } }
}"""
SALE = """
query($id: ID!) { transaction(id: $id) {
  id status amountRefunded { minorUnits } refundableAmount { minorUnits }
  refunds { amount { minorUnits } status externalId throughGateway }
  dispute { id amount { minorUnits } reason status openedAt }
  availableActions { action allowed reason }
  events { kind note }
} }"""
EVENTS = "query($t: String) { events(first: 20, type: $t) { edges { node { type data actor { type } } } } }"


@pytest.fixture
async def fake_stripe(app: Starlette) -> AsyncIterator[FakeStripe]:
    async with stripe_faked(app) as fake:
        yield fake


async def stripe_gateway(api: Api, admin: Caller, **credentials: Any) -> dict[str, Any]:
    payload = await run(
        api,
        ADD_GATEWAY,
        admin,
        kind="stripe",
        name="Stripe",
        credentials={"secretKey": STRIPE_KEY, "webhookSecret": SECRET, **credentials},
    )
    assert payload["userErrors"] == [], payload
    return dict(payload["gateway"])


async def stripe_sale(
    api: Api, world: World, fake: FakeStripe, *answers: Any
) -> tuple[str, list[dict[str, Any]]]:
    """A Stripe gateway taking webhooks, and one sale per scripted answer on a card on file there."""
    admin = world.a.caller("admin")
    gateway = await stripe_gateway(api, admin)
    method = await put_on_file(api, admin, world.a.customer_id, VISA, gatewayId=gateway["id"])
    fake.intents = list(answers)
    sales = [await charged(api, admin, world.a.customer_id, paymentMethodId=method["id"]) for _ in answers]
    return str(gateway["id"]), sales


def paid() -> httpx.Response:
    return httpx.Response(200, json=STRIPE_INTENT)


def event(kind: str, obj: dict[str, Any], event_id: str = "evt_1NG8Du2eZvKYlo2CUI79vXWy") -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {"object": obj},
    }


async def post(
    http: httpx.AsyncClient,
    gateway_id: str,
    body: dict[str, Any] | bytes,
    *,
    secret: str = SECRET,
    at: int | None = None,
    header: str | None = None,
) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = (
        header if header is not None else sign(raw, secret, at if at is not None else int(time.time()))
    )
    return await http.post(
        f"/webhooks/stripe/{gateway_id}",
        content=raw,
        headers={"content-type": "application/json", "stripe-signature": signature},
    )


async def read(api: Api, world: World, sale_id: str) -> dict[str, Any]:
    return dict((await api.gql(SALE, world.a.caller("admin"), id=sale_id))["transaction"])


def refunded_charge(amount_refunded: int, *refunds: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
        "object": "charge",
        "amount": 4900,
        "amount_refunded": amount_refunded,
        "currency": "usd",
        "payment_intent": STRIPE_INTENT["id"],
        "refunded": amount_refunded >= 4900,
        "refunds": {"object": "list", "data": list(refunds)},
    }


def stripe_refund(refund_id: str, amount: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": "usd",
        "status": "succeeded",
        **fields,
    }


def dispute(status: str, amount: int = 4900) -> dict[str, Any]:
    return {
        "id": "dp_1MtwBwLkdIwHu7ix0Dispute",
        "object": "dispute",
        "amount": amount,
        "currency": "usd",
        "charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
        "payment_intent": STRIPE_INTENT["id"],
        "reason": "fraudulent",
        "status": status,
    }


# --- signatures -----------------------------------------------------------------------------------


async def test_the_gateway_tells_where_stripe_sends_and_never_its_secret(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    gateway = await stripe_gateway(api, admin)
    plain = await run(
        api, ADD_GATEWAY, admin, kind="stripe", name="No hooks", credentials={"secretKey": STRIPE_KEY}
    )
    wrong = await run(
        api,
        ADD_GATEWAY,
        admin,
        kind="stripe",
        name="Bad",
        credentials={"secretKey": STRIPE_KEY, "webhookSecret": "sk_test_oops"},
    )

    assert gateway["webhookUrl"] == f"http://127.0.0.1:8000/webhooks/stripe/{gateway['id']}"
    assert gateway["receivesWebhooks"] is True
    assert plain["gateway"]["receivesWebhooks"] is False
    assert [(e["field"], e["code"]) for e in wrong["userErrors"]] == [
        (["input", "credentials", "webhookSecret"], "INVALID")
    ]
    assert SECRET not in json.dumps(
        await api.gql("{ gateways { id name webhookUrl receivesWebhooks } }", admin)
    )


async def test_a_valid_event_is_applied_and_a_bad_signature_changes_nothing(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    body = json.dumps(
        event("charge.refunded", refunded_charge(1000, stripe_refund("re_dash1", 1000)))
    ).encode()
    before = await read(api, world, sale["id"])
    now = int(time.time())

    wrong_secret = await post(http, gateway_id, body, secret="whsec_someone_else")
    too_old = await post(http, gateway_id, body, at=now - 301)
    from_the_future = await post(http, gateway_id, body, at=now + 301)
    no_header = await http.post(f"/webhooks/stripe/{gateway_id}", content=body)
    tampered = await post(http, gateway_id, body, header=sign(body.replace(b"1000", b"4900"), SECRET, now))
    unknown_gateway = await post(http, "gw_" + "x" * 22, body)
    assert await read(api, world, sale["id"]) == before

    accepted = await post(http, gateway_id, body)

    assert [r.status_code for r in (wrong_secret, too_old, from_the_future, no_header, tampered)] == [400] * 5
    assert unknown_gateway.status_code == 404
    assert "re_dash1" not in wrong_secret.text
    assert (accepted.status_code, accepted.json()["outcome"]) == (200, "applied")
    after = await read(api, world, sale["id"])
    assert after["status"] == "PARTIALLY_REFUNDED"
    assert after["amountRefunded"] == {"minorUnits": 1000}


async def test_two_v1_signatures_while_a_secret_is_rolled_are_accepted(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    body = json.dumps(event("charge.refunded", refunded_charge(500, stripe_refund("re_roll", 500)))).encode()
    now = int(time.time())
    old = sign(body, "whsec_the_old_one", now).split(",")[1]
    new = sign(body, SECRET, now).split(",")[1]

    answer = await post(http, gateway_id, body, header=f"t={now},{old},{new},v0=ignored")

    assert answer.status_code == 200
    assert (await read(api, world, sale["id"]))["amountRefunded"] == {"minorUnits": 500}


async def test_a_replayed_or_retried_event_and_an_unknown_type_change_nothing_twice(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    refunded = event("charge.refunded", refunded_charge(1000, stripe_refund("re_once", 1000)))

    first = await post(http, gateway_id, refunded)
    again = await post(http, gateway_id, refunded)
    same_refund_new_event = await post(
        http,
        gateway_id,
        event("charge.refunded", refunded_charge(1000, stripe_refund("re_once", 1000)), "evt_2"),
    )
    unknown = await post(http, gateway_id, event("customer.created", {"id": "cus_1"}, "evt_3"))

    assert [r.json()["outcome"] for r in (first, again, same_refund_new_event, unknown)] == [
        "applied",
        "duplicate",
        "applied",
        "ignored",
    ]
    assert unknown.status_code == 200
    after = await read(api, world, sale["id"])
    assert [(r["amount"], r["externalId"], r["status"]) for r in after["refunds"]] == [
        ({"minorUnits": 1000}, "re_once", "SUCCEEDED")
    ]


# --- what each type does --------------------------------------------------------------------------


async def test_a_refund_made_in_stripe_shows_on_the_sale_capped_as_ours_are(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)

    await post(
        http, gateway_id, event("charge.refunded", refunded_charge(3000, stripe_refund("re_a", 3000)), "e1")
    )
    too_much = refunded_charge(9000, stripe_refund("re_a", 3000), stripe_refund("re_b", 6000))
    await post(http, gateway_id, event("charge.refunded", too_much, "e2"))

    after = await read(api, world, sale["id"])
    assert after["status"] == "REFUNDED"
    assert [(r["amount"]["minorUnits"], r["externalId"], r["throughGateway"]) for r in after["refunds"]] == [
        (3000, "re_a", True),
        (1900, "re_b", True),
    ]
    assert after["refundableAmount"] == {"minorUnits": 0}
    seen = (await api.gql(EVENTS, world.a.caller("admin"), t="transaction.refunded"))["events"]["edges"]
    assert [e["node"]["data"]["amountRefunded"]["minorUnits"] for e in seen] == [4900, 3000]
    assert {e["node"]["actor"]["type"] for e in seen} == {"SYSTEM"}


async def test_without_the_refund_list_the_amount_refunded_tells_what_is_missing(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    charge = refunded_charge(2000)
    del charge["refunds"]

    await post(http, gateway_id, event("charge.refunded", charge))

    after = await read(api, world, sale["id"])
    assert [(r["amount"]["minorUnits"], r["externalId"]) for r in after["refunds"]] == [(2000, None)]


async def test_our_own_refund_whose_answer_was_lost_is_settled_not_counted_twice(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    fake_stripe.refund_answers = [no_answer]
    refunding = await act(api, REFUND, world.a.caller("admin"), transactionId=sale["id"], amount="10.00")
    refund = (await read(api, world, sale["id"]))["refunds"]
    assert [r["status"] for r in refund] == ["PENDING"], refunding
    theirs = stripe_refund("re_ours", 1000, metadata={"paydesk_refund": fake_stripe.refund_keys[0]})

    await post(http, gateway_id, event("charge.refunded", refunded_charge(1000, theirs)))

    after = await read(api, world, sale["id"])
    assert [(r["amount"]["minorUnits"], r["status"], r["externalId"]) for r in after["refunds"]] == [
        (1000, "SUCCEEDED", "re_ours")
    ]
    assert after["status"] == "PARTIALLY_REFUNDED"


async def test_an_open_or_lost_dispute_holds_its_amount_from_refunds_and_a_won_one_gives_it_back(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    admin = world.a.caller("admin")

    opened = await post(
        http, gateway_id, event("charge.dispute.created", dispute("needs_response", 3000), "d1")
    )
    during = await read(api, world, sale["id"])
    too_much = await act(api, REFUND, admin, transactionId=sale["id"], amount="20.00")
    await post(http, gateway_id, event("charge.dispute.closed", dispute("won", 3000), "d2"))
    won = await read(api, world, sale["id"])

    assert opened.json()["outcome"] == "applied"
    assert during["dispute"]["id"] == "dp_1MtwBwLkdIwHu7ix0Dispute"
    assert (during["dispute"]["amount"], during["dispute"]["reason"], during["dispute"]["status"]) == (
        {"minorUnits": 3000},
        "fraudulent",
        "needs_response",
    )
    assert during["refundableAmount"] == {"minorUnits": 1900}
    assert [e["code"] for e in too_much["userErrors"]] == ["AMOUNT_EXCEEDS_REFUNDABLE"]
    void = {a["action"]: a for a in during["availableActions"]}["VOID"]
    assert void["allowed"] is False
    assert won["dispute"]["status"] == "won"
    assert won["refundableAmount"] == {"minorUnits": 4900}
    assert [e["kind"] for e in won["events"]][-2:] == ["disputed", "dispute_closed"]
    seen = (await api.gql(EVENTS, admin, t="transaction.disputed"))["events"]["edges"]
    assert [e["node"]["data"]["dispute"]["status"] for e in seen] == ["won", "needs_response"]


async def test_a_lost_dispute_keeps_its_amount_from_being_refunded(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (sale,) = await stripe_sale(api, world, fake_stripe, paid)

    await post(http, gateway_id, event("charge.dispute.created", dispute("needs_response"), "d1"))
    await post(http, gateway_id, event("charge.dispute.closed", dispute("lost"), "d2"))

    lost = await read(api, world, sale["id"])
    refund = {a["action"]: a for a in lost["availableActions"]}["REFUND"]
    assert lost["refundableAmount"] == {"minorUnits": 0}
    assert refund["allowed"] is False
    assert "dispute" in refund["reason"]


async def test_payment_intent_events_settle_a_pending_charge_at_once(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    gateway_id, (waiting, failing) = await stripe_sale(api, world, fake_stripe, no_answer, no_answer)
    assert (waiting["status"], failing["status"]) == ("PENDING", "PENDING")
    succeeded = {**STRIPE_INTENT, "id": "pi_late_success", "metadata": {"paydesk_reference": waiting["id"]}}
    failed = {
        **STRIPE_INTENT,
        "id": "pi_late_failure",
        "status": "requires_payment_method",
        "metadata": {"paydesk_reference": failing["id"]},
        "last_payment_error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
        },
    }

    await post(http, gateway_id, event("payment_intent.succeeded", succeeded, "p1"))
    await post(http, gateway_id, event("payment_intent.payment_failed", failed, "p2"))
    elsewhere = await post(
        http, gateway_id, event("payment_intent.succeeded", {**STRIPE_INTENT, "id": "pi_not_ours"}, "p3")
    )

    now_paid = await read(api, world, waiting["id"])
    now_declined = await read(api, world, failing["id"])
    assert now_paid["status"] == "PAID"
    assert now_declined["status"] == "DECLINED"
    assert "settled_by_stripe" in [e["kind"] for e in now_paid["events"]]
    assert elsewhere.json()["outcome"] == "unmatched"
    paid_events = (await api.gql(EVENTS, world.a.caller("admin"), t="transaction.paid"))["events"]["edges"]
    assert waiting["id"] in [e["node"]["data"]["id"] for e in paid_events]


async def test_another_accounts_gateway_cannot_touch_this_accounts_sales(
    api: Api, world: World, fake_stripe: FakeStripe, http: httpx.AsyncClient
) -> None:
    _, (sale,) = await stripe_sale(api, world, fake_stripe, paid)
    other = await stripe_gateway(api, world.b.caller("admin"))

    answer = await post(http, other["id"], event("charge.dispute.created", dispute("needs_response")))

    assert answer.json()["outcome"] == "unmatched"
    assert (await read(api, world, sale["id"]))["dispute"] is None
