"""Refunds over the API: what goes back, through which gateway, exactly once, and never more than was paid.

The acceptance test fires twenty concurrent partial refunds at one charge:
every refund that still fits succeeds, the rest get AMOUNT_EXCEEDS_REFUNDABLE,
and the sandbox's own books (SandboxRefund rows) match our Refund rows one
for one, each under the key ``paydesk:refund:{refund id}``. The other tests
cover amounts (omitted, too fine, zero, JPY and KWD), sales refunded outside
the gateway (logged, marked paid), client idempotency keys, gateway faults
and reconciliation (DESIGN.md, "Money movement and outcomes"), Stripe's
refund and void requests, and who may refund (DESIGN.md, "Roles": REPs
within the account's repRefundLimit).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.clock import utcnow
from paydesk.models import Refund, SandboxCharge, SandboxRefund
from paydesk.transactions.refunds import reconcile_refunds
from paydesk.transactions.service import Services
from tests.actions.common import (
    MARK_PAID,
    REFUND,
    VOID,
    act,
    actions,
    amount_of,
    declined_charge,
    paid_charge,
    paid_log,
    read,
)
from tests.api.test_sales import (
    STRIPE_INTENT,
    STRIPE_KEY,
    VISA,
    FakeStripe,
    add_gateway,
    charged,
    problems,
    put_on_file,
    run,
    sandbox_charges,
    set_sandbox_fault,
    stripe_error,
)
from tests.helpers import Api, Caller, World, resources

UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { repRefundLimit { amount currency } } userErrors { field code } }
}"""


# --- helpers --------------------------------------------------------------------------------------


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


def money(amount: str, minor_units: int, currency: str = "USD") -> dict[str, Any]:
    return {"amount": amount, "currency": currency, "minorUnits": minor_units}


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def refund_statuses(sale: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["status"], r["amount"]["amount"]) for r in sale["refunds"]]


async def refunded(api: Api, caller: Caller, transaction_id: str, **input: Any) -> dict[str, Any]:
    """A refund that must go through: the sale after it."""
    payload = await act(api, REFUND, caller, transactionId=transaction_id, **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["transaction"])


async def sandbox_refunds(app: Starlette, transaction_id: str | None = None) -> list[SandboxRefund]:
    """What the sandbox really gave back: for one sale's charge, or everything."""
    query = select(SandboxRefund).order_by(col(SandboxRefund.created_at))
    if transaction_id is not None:
        charge_ids = select(SandboxCharge.id).where(SandboxCharge.reference == transaction_id)
        query = query.where(col(SandboxRefund.charge_id).in_(charge_ids))
    async with resources(app).sessions() as db:
        return list(await db.exec(query))


async def our_refunds(app: Starlette, transaction_id: str) -> list[Refund]:
    query = select(Refund).where(Refund.transaction_id == transaction_id).order_by(col(Refund.created_at))
    async with resources(app).sessions() as db:
        return list(await db.exec(query))


async def assert_books_match(app: Starlette, transaction_id: str) -> list[SandboxRefund]:
    """The sandbox's refunds of the sale are exactly our SUCCEEDED gateway refunds, one for one."""
    ours = [
        r for r in await our_refunds(app, transaction_id) if r.status == "SUCCEEDED" and r.through_gateway
    ]
    theirs = await sandbox_refunds(app, transaction_id)
    (charge,) = await sandbox_charges(app, transaction_id)
    assert {row.charge_id for row in theirs} <= {charge.id}
    assert sorted((r.external_id, r.amount, f"paydesk:refund:{r.id}") for r in ours) == sorted(
        (row.id, row.amount, row.idempotency_key) for row in theirs
    )
    assert all(r.gateway_key == f"paydesk:refund:{r.id}" for r in ours)
    return theirs


async def charge_on(
    api: Api, caller: Caller, customer_id: str, gateway_id: str, total: str
) -> dict[str, Any]:
    """A PAID charge of ``total`` on a Visa kept by ``gateway_id``."""
    method = await put_on_file(api, caller, customer_id, VISA, gatewayId=gateway_id, makeDefault=False)
    sale = await charged(api, caller, customer_id, lines=amount_of(total), paymentMethodId=method["id"])
    assert sale["status"] == "PAID", sale
    return sale


# --- acceptance: concurrent partial refunds -------------------------------------------------------


async def test_twenty_concurrent_refunds_of_seven_on_a_hundred_make_fourteen(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    sale = await paid_charge(api, admin, customer, "100.00")

    payloads = await asyncio.gather(
        *(act(api, REFUND, admin, transactionId=sale["id"], amount="7.00") for _ in range(20))
    )

    succeeded = [p for p in payloads if p["transaction"] is not None]
    refused = [p for p in payloads if p["transaction"] is None]
    assert len(succeeded) == 14, [p["userErrors"] for p in payloads]
    assert all(p["userErrors"] == [] for p in succeeded)
    assert [problems(p) for p in refused] == [[(["input", "amount"], "AMOUNT_EXCEEDS_REFUNDABLE")]] * 6
    assert all("2.00" in p["userErrors"][0]["message"] for p in refused)
    after = await read(api, admin, sale["id"])
    assert after["status"] == "PARTIALLY_REFUNDED"
    assert after["amountRefunded"] == money("98.00", 9800)
    assert after["refundableAmount"] == money("2.00", 200)
    assert refund_statuses(after) == [("SUCCEEDED", "7.00")] * 14
    # The refused ones left nothing behind; each success is a refund of its own.
    assert len(await our_refunds(app, sale["id"])) == 14
    assert len({r["id"] for r in after["refunds"]}) == 14
    assert len({r["externalId"] for r in after["refunds"]}) == 14
    theirs = await assert_books_match(app, sale["id"])
    assert [row.amount for row in theirs] == [700] * 14


# --- amounts --------------------------------------------------------------------------------------


async def test_a_partial_refund_then_the_rest_by_omitting_the_amount(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    sale = await paid_charge(api, admin, customer, "100.00")

    part = await refunded(api, admin, sale["id"], amount="30.00", reason="  damaged in transit ")

    assert (part["status"], part["amountRefunded"], part["refundableAmount"]) == (
        "PARTIALLY_REFUNDED",
        money("30.00", 3000),
        money("70.00", 7000),
    )
    (first,) = part["refunds"]
    assert (first["status"], first["reason"], first["throughGateway"], first["failureMessage"]) == (
        "SUCCEEDED",
        "damaged in transit",
        True,
        None,
    )
    assert actions(part)["REFUND"] == (True, None)
    assert [a["maxAmount"] for a in part["availableActions"] if a["action"] == "REFUND"] == [
        money("70.00", 7000)
    ]
    assert actions(part)["VOID"][0] is False  # part was refunded: refund the rest instead
    assert [e["kind"] for e in part["events"]][-2:] == ["refund_started", "refunded"]

    rest = await refunded(api, admin, sale["id"])

    assert (rest["status"], rest["amountRefunded"], rest["refundableAmount"]) == (
        "REFUNDED",
        money("100.00", 10000),
        money("0.00", 0),
    )
    assert refund_statuses(rest) == [("SUCCEEDED", "30.00"), ("SUCCEEDED", "70.00")]
    assert actions(rest)["REFUND"][0] is False
    theirs = await assert_books_match(app, sale["id"])
    assert [row.amount for row in theirs] == [3000, 7000]
    again = await act(api, REFUND, admin, transactionId=sale["id"], amount="0.01")
    assert codes(again) == ["INVALID_STATE"]


async def test_a_full_refund_in_one_go(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await paid_charge(api, admin, world.a.customer_id, "64.50")

    done = await refunded(api, admin, sale["id"], amount="64.50")

    assert (done["status"], done["amountRefunded"]) == ("REFUNDED", money("64.50", 6450))
    assert refund_statuses(done) == [("SUCCEEDED", "64.50")]
    assert [row.amount for row in await assert_books_match(app, sale["id"])] == [6450]


async def test_amounts_that_are_not_refunds(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await paid_charge(api, admin, world.a.customer_id, "100.00")

    refusals = [
        problems(await act(api, REFUND, admin, transactionId=sale["id"], amount=amount))
        for amount in ("10.001", 10.001, "0", "0.00", "-5.00", -1, "NaN")
    ]

    assert refusals == [[(["input", "amount"], "INVALID")]] * 7
    too_much = await act(api, REFUND, admin, transactionId=sale["id"], amount="100.01")
    assert problems(too_much) == [(["input", "amount"], "AMOUNT_EXCEEDS_REFUNDABLE")]
    after = await read(api, admin, sale["id"])
    assert (after["status"], after["refunds"], after["amountRefunded"]) == ("PAID", [], money("0.00", 0))
    assert await sandbox_refunds(app) == []


async def test_zero_and_three_decimal_currencies_are_refunded_in_their_minor_units(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    yen = await paid_charge(api, admin, customer, "1500", currency="JPY")
    dinar = await paid_charge(api, admin, customer, "24.690", currency="KWD")

    yen_after = await refunded(api, admin, yen["id"], amount="500")
    dinar_after = await refunded(api, admin, dinar["id"], amount="1.234")

    assert yen_after["refunds"][0]["amount"] == money("500", 500, "JPY")
    assert (yen_after["amountRefunded"], yen_after["refundableAmount"]) == (
        money("500", 500, "JPY"),
        money("1000", 1000, "JPY"),
    )
    assert dinar_after["refunds"][0]["amount"] == money("1.234", 1234, "KWD")
    assert (dinar_after["amountRefunded"], dinar_after["refundableAmount"]) == (
        money("1.234", 1234, "KWD"),
        money("23.456", 23456, "KWD"),
    )
    assert [row.amount for row in await assert_books_match(app, yen["id"])] == [500]
    assert [row.amount for row in await assert_books_match(app, dinar["id"])] == [1234]
    # Finer than the currency's minor unit is not an amount in it.
    half_yen = await act(api, REFUND, admin, transactionId=yen["id"], amount="0.5")
    too_fine = await act(api, REFUND, admin, transactionId=dinar["id"], amount="1.2345")
    assert problems(half_yen) == problems(too_fine) == [(["input", "amount"], "INVALID")]
    assert len(await sandbox_refunds(app)) == 2


# --- refunds recorded, not sent -------------------------------------------------------------------


async def test_a_logged_sale_is_refunded_by_record_only(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await paid_log(api, admin, world.a.customer_id, "80.00")

    after = await refunded(api, admin, sale["id"], amount="20.00", reason="returned")

    assert (after["status"], after["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("20.00", 2000))
    (refund,) = after["refunds"]
    assert (refund["status"], refund["throughGateway"], refund["externalId"], refund["reason"]) == (
        "SUCCEEDED",
        False,
        None,
        "returned",
    )
    last = after["events"][-1]
    assert (last["kind"], last["amount"]) == ("refunded", {"minorUnits": 2000})
    assert "Recorded only" in last["note"]
    assert await sandbox_refunds(app) == []
    (row,) = await our_refunds(app, sale["id"])
    assert (row.gateway_key, row.through_gateway) == (None, False)


async def test_a_sale_marked_paid_outside_is_refunded_by_record_only(
    app: Starlette, api: Api, world: World
) -> None:
    admin = world.a.caller("admin")
    sale = await declined_charge(api, admin, world.a.customer_id, "60.00")
    marked = await act(api, MARK_PAID, admin, transactionId=sale["id"], note="paid by bank transfer")
    assert marked["userErrors"] == [], marked
    assert (marked["transaction"]["status"], marked["transaction"]["origin"]) == ("PAID", "CHARGED")

    after = await refunded(api, admin, sale["id"])

    assert (after["status"], after["amountRefunded"]) == ("REFUNDED", money("60.00", 6000))
    (refund,) = after["refunds"]
    assert (refund["status"], refund["throughGateway"], refund["externalId"]) == ("SUCCEEDED", False, None)
    assert "marked paid" in after["events"][-1]["note"]
    # The gateway never heard of it: its declined charge has no refund.
    (charge,) = await sandbox_charges(app, sale["id"])
    assert charge.status == "declined"
    assert await sandbox_refunds(app) == []


# --- idempotency keys -----------------------------------------------------------------------------


async def test_the_same_key_and_input_refunds_once(app: Starlette, api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    sale = await paid_charge(api, admin, customer, "100.00")

    first = await refunded(api, admin, sale["id"], amount="25.00", idempotencyKey="refund-25")
    second = await refunded(api, admin, sale["id"], amount="25.00", idempotencyKey="refund-25")
    # Compared after parsing: a JSON number of the same value is the same input.
    third = await refunded(api, admin, sale["id"], amount=25, idempotencyKey="refund-25")
    other_amount = await act(
        api, REFUND, admin, transactionId=sale["id"], amount="26.00", idempotencyKey="refund-25"
    )
    other_sale = await paid_charge(api, admin, customer, "100.00")
    elsewhere = await act(
        api, REFUND, admin, transactionId=other_sale["id"], amount="25.00", idempotencyKey="refund-25"
    )

    assert len(first["refunds"]) == 1
    assert second["refunds"] == third["refunds"] == first["refunds"]
    assert (second["status"], second["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("25.00", 2500))
    assert problems(other_amount) == [(["input", "idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
    assert problems(elsewhere) == [(["input", "idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")]
    assert refund_statuses(await read(api, admin, sale["id"])) == [("SUCCEEDED", "25.00")]
    assert [row.amount for row in await assert_books_match(app, sale["id"])] == [2500]
    assert await sandbox_refunds(app, other_sale["id"]) == []


async def test_five_concurrent_calls_with_one_key_refund_once(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await paid_charge(api, admin, world.a.customer_id, "100.00")

    payloads = await asyncio.gather(
        *(
            act(api, REFUND, admin, transactionId=sale["id"], amount="10.00", idempotencyKey="one-refund")
            for _ in range(5)
        )
    )

    assert [p["userErrors"] for p in payloads] == [[]] * 5
    answers = {tuple(r["id"] for r in p["transaction"]["refunds"]) for p in payloads}
    assert len(answers) == 1, answers
    assert len(answers.pop()) == 1
    after = await read(api, admin, sale["id"])
    assert (after["status"], after["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("10.00", 1000))
    assert refund_statuses(after) == [("SUCCEEDED", "10.00")]
    assert len(await our_refunds(app, sale["id"])) == 1
    assert [row.amount for row in await assert_books_match(app, sale["id"])] == [1000]


# --- gateway faults and reconciliation ------------------------------------------------------------


async def test_a_refund_the_gateway_refuses_is_kept_failed_and_a_retry_goes_through(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    gateway_id = await add_gateway(api, admin, "sandbox")
    sale = await charge_on(api, admin, customer, gateway_id, "100.00")
    await set_sandbox_fault(app, gateway_id, "server_error")

    refused = await act(api, REFUND, admin, transactionId=sale["id"], amount="40.00", idempotencyKey="flaky")

    assert codes(refused) == ["GATEWAY_ERROR"]
    assert refused["transaction"] is None
    after = await read(api, admin, sale["id"])
    assert (after["status"], after["amountRefunded"], after["refundableAmount"]) == (
        "PAID",
        money("0.00", 0),
        money("100.00", 10000),
    )
    (failed,) = after["refunds"]
    assert (failed["status"], failed["amount"]["amount"], failed["externalId"]) == ("FAILED", "40.00", None)
    assert failed["failureMessage"]
    assert "refund_failed" in [e["kind"] for e in after["events"]]
    assert await sandbox_refunds(app) == []

    await set_sandbox_fault(app, gateway_id, None)
    retried = await refunded(api, admin, sale["id"], amount="40.00", idempotencyKey="flaky")

    assert (retried["status"], retried["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("40.00", 4000))
    assert refund_statuses(retried) == [("FAILED", "40.00"), ("SUCCEEDED", "40.00")]
    assert retried["refunds"][1]["id"] != failed["id"]
    assert [row.amount for row in await assert_books_match(app, sale["id"])] == [4000]


async def test_a_lost_answer_leaves_the_refund_pending_until_reconciled_once(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    gateway_id = await add_gateway(api, admin, "sandbox")
    sale = await charge_on(api, admin, customer, gateway_id, "100.00")
    await set_sandbox_fault(app, gateway_id, "timeout_after")

    pending = await refunded(api, admin, sale["id"], amount="40.00")

    assert (pending["status"], pending["amountRefunded"], pending["refundableAmount"]) == (
        "PARTIALLY_REFUNDED",
        money("40.00", 4000),
        money("60.00", 6000),
    )
    ((refund_id, status, external_id),) = [
        (r["id"], r["status"], r["externalId"]) for r in pending["refunds"]
    ]
    assert (status, external_id) == ("PENDING", None)
    assert "refund_outcome_unknown" in [e["kind"] for e in pending["events"]]
    (made,) = await sandbox_refunds(app, sale["id"])  # the sandbox did refund; only its answer was lost
    assert made.idempotency_key == f"paydesk:refund:{refund_id}"

    await set_sandbox_fault(app, gateway_id, None)
    assert await reconcile_refunds(services(app)) == []  # not yet due
    settled = await reconcile_refunds(services(app), now=utcnow() + timedelta(minutes=6))

    assert settled == [(refund_id, "SUCCEEDED")]
    after = await read(api, admin, sale["id"])
    assert (after["status"], after["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("40.00", 4000))
    assert [(r["status"], r["externalId"]) for r in after["refunds"]] == [("SUCCEEDED", made.id)]
    assert [row.id for row in await assert_books_match(app, sale["id"])] == [made.id]
    assert await reconcile_refunds(services(app), now=utcnow() + timedelta(minutes=6)) == []


async def test_a_refund_that_never_reached_the_gateway_is_made_by_reconciliation(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    gateway_id = await add_gateway(api, admin, "sandbox")
    sale = await charge_on(api, admin, customer, gateway_id, "100.00")
    await set_sandbox_fault(app, gateway_id, "timeout_before")

    pending = await refunded(api, admin, sale["id"], amount="100.00")

    assert (pending["status"], pending["amountRefunded"]) == ("REFUNDED", money("100.00", 10000))
    ((refund_id, status),) = [(r["id"], r["status"]) for r in pending["refunds"]]
    assert status == "PENDING"
    assert await sandbox_refunds(app) == []
    # Counted as refunded while pending: nothing more can be refunded meanwhile.
    assert codes(await act(api, REFUND, admin, transactionId=sale["id"], amount="1.00")) == ["INVALID_STATE"]

    await set_sandbox_fault(app, gateway_id, None)
    settled = await reconcile_refunds(services(app), now=utcnow() + timedelta(minutes=6))

    assert settled == [(refund_id, "SUCCEEDED")]
    after = await read(api, admin, sale["id"])
    assert (after["status"], refund_statuses(after)) == ("REFUNDED", [("SUCCEEDED", "100.00")])
    (made,) = await assert_books_match(app, sale["id"])
    assert (made.amount, made.idempotency_key) == (10000, f"paydesk:refund:{refund_id}")


# --- Stripe ---------------------------------------------------------------------------------------


class RefundingStripe(FakeStripe):
    """FakeStripe that also answers refunds (succeeded) and refuses to cancel a captured PaymentIntent."""

    def __init__(self) -> None:
        super().__init__()
        self.refund_requests: list[httpx.Request] = []
        self.cancel_requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/refunds":
            assert request.headers["authorization"] == f"Bearer {STRIPE_KEY}"
            self.refund_requests.append(request)
            form = dict(parse_qsl(request.content.decode()))
            refund = {
                "id": f"re_3MtwBwLkdIwHu7ix{len(self.refund_requests):010d}",
                "object": "refund",
                "amount": int(form["amount"]),
                "currency": "usd",
                "payment_intent": form["payment_intent"],
                "status": "succeeded",
            }
            return httpx.Response(200, json=refund)
        if path.startswith("/v1/payment_intents/") and path.endswith("/cancel"):
            self.cancel_requests.append(request)
            return stripe_error(
                400,
                type="invalid_request_error",
                code="payment_intent_unexpected_state",
                message="You cannot cancel this PaymentIntent because it has a status of succeeded.",
            )
        return super().__call__(request)


@asynccontextmanager
async def refunding_stripe(app: Starlette) -> AsyncIterator[RefundingStripe]:
    fake = RefundingStripe()
    registry = resources(app).gateways
    original = registry.http
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    registry.http = client
    try:
        yield fake
    finally:
        registry.http = original
        await client.aclose()


def intent(intent_id: str) -> Any:
    return lambda: httpx.Response(200, json={**STRIPE_INTENT, "id": intent_id})


async def test_a_stripe_refund_is_sent_with_the_refunds_own_key(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    async with refunding_stripe(app) as stripe:
        gateway_id = await add_gateway(api, admin, "stripe", secretKey=STRIPE_KEY)
        stripe.intents = [intent(STRIPE_INTENT["id"])]
        sale = await charge_on(api, admin, customer, gateway_id, "49.00")

        after = await refunded(api, admin, sale["id"], amount="19.99", reason="wrong size")

    (refund,) = after["refunds"]
    assert (refund["status"], refund["throughGateway"], refund["amount"]) == (
        "SUCCEEDED",
        True,
        money("19.99", 1999),
    )
    assert (after["status"], after["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("19.99", 1999))
    (request,) = stripe.refund_requests
    assert request.method == "POST"
    assert request.headers["idempotency-key"] == f"paydesk:refund:{refund['id']}"
    form = dict(parse_qsl(request.content.decode()))
    assert (form["payment_intent"], form["amount"]) == (STRIPE_INTENT["id"], "1999")
    assert form["metadata[paydesk_reason]"] == "wrong size"
    assert refund["externalId"] == "re_3MtwBwLkdIwHu7ix0000000001"
    assert stripe.cancel_requests == []
    assert await sandbox_refunds(app) == []


async def test_a_stripe_charge_cannot_be_voided_and_stripe_hears_nothing(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    async with refunding_stripe(app) as stripe:
        gateway_id = await add_gateway(api, admin, "stripe", secretKey=STRIPE_KEY)
        stripe.intents = [intent("pi_3MtwBwLkdIwHu7ix0VoidMe01")]
        sale = await charge_on(api, admin, customer, gateway_id, "49.00")
        before = await read(api, admin, sale["id"])
        sent_before = len(stripe.intent_requests)

        voided = await act(api, VOID, admin, transactionId=sale["id"])

        allowed, reason = actions(before)["VOID"]
        assert allowed is False
        assert "refund" in (reason or "")
        assert codes(voided) == ["INVALID_STATE"]
        assert "refund" in voided["userErrors"][0]["message"]
        assert stripe.cancel_requests == []
        assert stripe.refund_requests == []
        assert len(stripe.intent_requests) == sent_before
        assert (await read(api, admin, sale["id"]))["status"] == "PAID"


# --- who may refund -------------------------------------------------------------------------------


async def test_reps_refund_only_within_the_accounts_limit_and_viewers_never(
    app: Starlette, api: Api, world: World
) -> None:
    admin, rep, viewer = (world.a.caller(name) for name in ("admin", "rep", "viewer"))
    sale = await paid_charge(api, admin, world.a.customer_id, "100.00")
    small = await paid_charge(api, admin, world.a.customer_id, "30.00")

    # No limit set: a REP may not refund at all.
    assert codes(await act(api, REFUND, rep, transactionId=sale["id"], amount="1.00")) == ["FORBIDDEN"]
    assert actions(await read(api, rep, sale["id"]))["REFUND"][0] is False

    limit = await run(api, UPDATE_ACCOUNT, admin, repRefundLimit="50.00")
    assert limit["userErrors"] == []
    assert limit["account"]["repRefundLimit"] == {"amount": "50.00", "currency": "USD"}

    def refund_action(found: dict[str, Any]) -> tuple[bool, Any]:
        (entry,) = [a for a in found["availableActions"] if a["action"] == "REFUND"]
        return entry["allowed"], entry["maxAmount"]

    assert refund_action(await read(api, rep, sale["id"])) == (True, money("50.00", 5000))
    assert refund_action(await read(api, rep, small["id"])) == (True, money("30.00", 3000))
    assert refund_action(await read(api, admin, sale["id"])) == (True, money("100.00", 10000))
    over = await act(api, REFUND, rep, transactionId=sale["id"], amount="50.01")
    everything = await act(api, REFUND, rep, transactionId=sale["id"])
    assert codes(over) == codes(everything) == ["FORBIDDEN"]

    within = await refunded(api, rep, sale["id"], amount="50.00")

    assert (within["status"], within["amountRefunded"]) == ("PARTIALLY_REFUNDED", money("50.00", 5000))
    assert refund_action(await read(api, rep, sale["id"])) == (True, money("50.00", 5000))
    assert [row.amount for row in await assert_books_match(app, sale["id"])] == [5000]

    # A VIEWER may not refund, whatever the limit.
    watched = await act(api, REFUND, viewer, transactionId=small["id"], amount="1.00")
    assert codes(watched) == ["FORBIDDEN"]
    assert watched["transaction"] is None
    assert actions(await read(api, viewer, small["id"]))["REFUND"][0] is False
    assert (await read(api, admin, small["id"]))["refunds"] == []
