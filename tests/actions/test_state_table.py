"""Which action each sale status allows: DESIGN.md's "Transaction actions by status", run over the API.

``ALLOWED`` below is the table itself. For every kind of sale (each status,
plus a logged, a marked-paid and a settled PAID sale) and every action, an
ADMIN runs the action on a sale in that state. It either succeeds, leaves the
status the table gives and appends an event saying who did it and for how
much, or it is refused with exactly one INVALID_STATE and nothing changes.
``availableActions``, read just before by the same ADMIN, says the same thing
with the same reason. Another account's sale is NOT_FOUND exactly like a
made-up id, and only a VOIDED sale can be replaced by a logged one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col
from starlette.applications import Starlette

from paydesk.clock import utcnow
from paydesk.models import SandboxCharge, Transaction
from tests.actions.common import (
    MARK_PAID,
    REFUND,
    RERUN,
    RESEND,
    VOID,
    WRITE_OFF,
    act,
    amount_of,
    declined_charge,
    failed_charge,
    paid_charge,
    paid_log,
    read,
)
from tests.api.test_sales import (
    VISA,
    add_gateway,
    charged,
    log,
    new_customer,
    problems,
    put_on_file,
    set_sandbox_fault,
)
from tests.helpers import Api, Caller, World, deliver_outbox, resources

REFUND_, VOID_, WRITE_OFF_, MARK_PAID_ = "REFUND", "VOID", "WRITE_OFF", "MARK_PAID"
RESEND_INVOICE, RERUN_COMMISSION = "RESEND_INVOICE", "RERUN_COMMISSION"
EVERY_ACTION = {REFUND_, VOID_, WRITE_OFF_, MARK_PAID_, RESEND_INVOICE, RERUN_COMMISSION}

# DESIGN.md, "Transaction actions by status": what an ADMIN may do to a sale in each status.
# Resending needs an invoice, which a sale gets when it is paid and keeps when refunded or voided;
# a commission is owed (and so re-run) on a sale that was paid and not voided.
ALLOWED: dict[str, set[str]] = {
    "PAID": {REFUND_, VOID_, RESEND_INVOICE, RERUN_COMMISSION},
    "PARTIALLY_REFUNDED": {REFUND_, RESEND_INVOICE, RERUN_COMMISSION},  # void: refund the rest instead
    "REFUNDED": {RESEND_INVOICE, RERUN_COMMISSION},
    "VOIDED": {RESEND_INVOICE},
    "DECLINED": {WRITE_OFF_, MARK_PAID_},
    "FAILED": {WRITE_OFF_, MARK_PAID_},
    "WRITTEN_OFF": {MARK_PAID_},
    "PENDING": set(),  # nothing until reconciled, and no invoice to resend
}
# A charge its gateway has settled (the sandbox: 24 hours after it) can no longer be voided, only refunded.
SETTLED_PAID = ALLOWED["PAID"] - {VOID_}

MADE_UP_ID = "txn_" + "QwErTyUiOpAsDfGhJkLzXc"


# --- the actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    """One action as the table test runs it: its mutation, and what success must look like."""

    kind: str  # its name in availableActions
    mutation: str
    input: dict[str, Any]
    event: str
    # The status after success (None: unchanged), and the event's amount, from the sale before it.
    status: str | None
    amount: Callable[[dict[str, Any]], int | None]


def total(sale: dict[str, Any]) -> int:
    return int(sale["total"]["minorUnits"])


def refundable(sale: dict[str, Any]) -> int:
    return int(sale["refundableAmount"]["minorUnits"])


OPS = {
    "refund part": Op(
        REFUND_,
        REFUND,
        {"amount": "10.00", "reason": "goodwill"},
        "refunded",
        "PARTIALLY_REFUNDED",
        lambda _: 1000,
    ),
    "refund the rest": Op(REFUND_, REFUND, {}, "refunded", "REFUNDED", refundable),
    "void": Op(VOID_, VOID, {}, "voided", "VOIDED", total),
    "write off": Op(WRITE_OFF_, WRITE_OFF, {"reason": "gone away"}, "written_off", "WRITTEN_OFF", total),
    "mark paid": Op(MARK_PAID_, MARK_PAID, {"note": "cash at the desk"}, "marked_paid", "PAID", total),
    "resend invoice": Op(RESEND_INVOICE, RESEND, {}, "invoice_sent", None, lambda _: None),
    "rerun commission": Op(RERUN_COMMISSION, RERUN, {}, "commission_rerun", None, lambda _: None),
}


# --- sales in every state -------------------------------------------------------------------------


@dataclass
class Desk:
    """Account a's admin making sales of 100.00 for account a's customer."""

    api: Api
    app: Starlette
    world: World
    flaky: tuple[str, str, str] | None = None  # gateway, customer, card

    @property
    def admin(self) -> Caller:
        return self.world.a.caller("admin")

    @property
    def customer(self) -> str:
        return self.world.a.customer_id

    async def ok(self, mutation: str, **input: Any) -> dict[str, Any]:
        payload = await act(self.api, mutation, self.admin, **input)
        assert payload["userErrors"] == [], payload
        return dict(payload["transaction"])

    async def pending(self, fault: str) -> dict[str, Any]:
        """A charge whose gateway never answered: it timed out before acting, or its answer was lost.

        An extra sandbox keeps a card of a customer of its own (the shared customer's Visa may already be
        on file with the default sandbox), and is broken as told before each charge.
        """
        if self.flaky is None:
            gateway_id = await add_gateway(self.api, self.admin, "sandbox")
            customer_id = await new_customer(self.api, self.admin, "Pending")
            method = await put_on_file(self.api, self.admin, customer_id, VISA, gatewayId=gateway_id)
            self.flaky = (gateway_id, customer_id, method["id"])
        gateway_id, customer_id, method_id = self.flaky
        await set_sandbox_fault(self.app, gateway_id, fault)
        sale = await charged(
            self.api, self.admin, customer_id, lines=amount_of("100.00"), paymentMethodId=method_id
        )
        assert (sale["status"], sale["gateway"]["id"]) == ("PENDING", gateway_id), sale
        return sale

    async def settled(self) -> dict[str, Any]:
        """A sandbox charge made 25 hours ago, in our books and in the sandbox's alike."""
        sale = await paid_charge(self.api, self.admin, self.customer)
        then = utcnow() - timedelta(hours=25)
        async with resources(self.app).sessions() as db:
            await db.exec(
                update(Transaction).where(col(Transaction.id) == sale["id"]).values(created_at=then)
            )
            await db.exec(
                update(SandboxCharge)
                .where(col(SandboxCharge.reference) == sale["id"])
                .values(created_at=then)
            )
            await db.commit()
        return sale


Make = Callable[[Desk], Awaitable[dict[str, Any]]]


async def declined(desk: Desk) -> dict[str, Any]:
    return await declined_charge(desk.api, desk.admin, desk.customer)


async def charged_paid(desk: Desk) -> dict[str, Any]:
    return await paid_charge(desk.api, desk.admin, desk.customer)


async def partly_refunded(desk: Desk) -> dict[str, Any]:
    sale = await charged_paid(desk)
    return await desk.ok(REFUND, transactionId=sale["id"], amount="30.00")


async def refunded(desk: Desk) -> dict[str, Any]:
    return await desk.ok(REFUND, transactionId=(await charged_paid(desk))["id"])


async def voided(desk: Desk) -> dict[str, Any]:
    return await desk.ok(VOID, transactionId=(await charged_paid(desk))["id"])


async def written_off(desk: Desk) -> dict[str, Any]:
    return await desk.ok(WRITE_OFF, transactionId=(await declined(desk))["id"])


async def marked_paid(desk: Desk) -> dict[str, Any]:
    return await desk.ok(MARK_PAID, transactionId=(await declined(desk))["id"])


# name: (how to make one, its status, what the table allows on it)
SALES: dict[str, tuple[Make, str, set[str]]] = {
    "paid charge": (charged_paid, "PAID", ALLOWED["PAID"]),
    "paid logged": (lambda d: paid_log(d.api, d.admin, d.customer), "PAID", ALLOWED["PAID"]),
    "paid marked paid": (marked_paid, "PAID", ALLOWED["PAID"]),
    "paid charge settled": (Desk.settled, "PAID", SETTLED_PAID),
    "declined": (declined, "DECLINED", ALLOWED["DECLINED"]),
    "failed": (lambda d: failed_charge(d.api, d.admin, d.customer), "FAILED", ALLOWED["FAILED"]),
    "pending timeout before": (lambda d: d.pending("timeout_before"), "PENDING", ALLOWED["PENDING"]),
    "pending answer lost": (lambda d: d.pending("timeout_after"), "PENDING", ALLOWED["PENDING"]),
    "partially refunded": (partly_refunded, "PARTIALLY_REFUNDED", ALLOWED["PARTIALLY_REFUNDED"]),
    "refunded": (refunded, "REFUNDED", ALLOWED["REFUNDED"]),
    "voided": (voided, "VOIDED", ALLOWED["VOIDED"]),
    "written off": (written_off, "WRITTEN_OFF", ALLOWED["WRITTEN_OFF"]),
}


# --- helpers --------------------------------------------------------------------------------------


def offered(sale: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["action"]: a for a in sale["availableActions"]}


def frozen(event: dict[str, Any]) -> tuple[Any, ...]:
    amount = event["amount"]["minorUnits"] if event["amount"] else None
    return (event["kind"], event["note"], amount, (event["actor"] or {}).get("id"))


def new_events(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The events ``after`` has that ``before`` had not; all of ``before``'s must still be there."""
    old = Counter(frozen(e) for e in before["events"])
    assert not old - Counter(frozen(e) for e in after["events"]), "an event went missing"
    added = []
    for event in after["events"]:
        if old[frozen(event)]:
            old[frozen(event)] -= 1
        else:
            added.append(event)
    return added


async def user_id(api: Api, caller: Caller) -> str:
    return str((await api.gql("{ viewer { user { id } } }", caller))["viewer"]["user"]["id"])


# --- the table ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sale_name", list(SALES))
async def test_every_action_from_every_status(app: Starlette, api: Api, world: World, sale_name: str) -> None:
    make, status, allowed = SALES[sale_name]
    desk, admin = Desk(api, app, world), world.a.caller("admin")
    admin_id = await user_id(api, admin)
    outcomes: dict[str, bool] = {}
    sale: dict[str, Any] | None = None  # a sale in the state under test, reused while refusals leave it so
    for op_name, op in OPS.items():
        if sale is None:
            sale = await make(desk)
        before = await read(api, admin, sale["id"])
        assert before["status"] == status, before
        said = offered(before)
        assert set(said) == EVERY_ACTION

        payload = await act(api, op.mutation, admin, transactionId=sale["id"], **op.input)
        await deliver_outbox(app)  # a resent invoice's email goes out, and the sale says so
        after = await read(api, admin, sale["id"])
        where = (sale_name, op_name, payload)
        succeeded = payload["userErrors"] == []
        outcomes[op_name] = succeeded

        # availableActions, read just before, said exactly this.
        assert said[op.kind]["allowed"] is succeeded, (*where, said[op.kind])
        if succeeded:
            assert said[op.kind]["reason"] is None, where
            expected = op.status or status
            if op.status is not None:
                assert payload["transaction"]["status"] == expected, where
            else:
                assert payload.get("invoice", payload.get("transaction")) is not None, where
            assert after["status"] == expected, (*where, after["status"])
            events = [e for e in new_events(before, after) if e["kind"] == op.event]
            assert len(events) == 1, (*where, after["events"])
            (event,) = events
            assert event["actor"] == {"id": admin_id}, (*where, event)
            amount = op.amount(before)
            assert (event["amount"] or {}).get("minorUnits") == amount, (*where, event)
            sale = None  # the next action needs a fresh sale in this state
        else:
            assert problems(payload) == [(["input", "transactionId"], "INVALID_STATE")], where
            reason = said[op.kind]["reason"]
            assert reason, where
            assert payload["userErrors"][0]["message"] == reason, where
            assert all(value is None for key, value in payload.items() if key != "userErrors"), where
            assert after == before, f"the refused {op_name} changed the {sale_name} sale"

    # Both refunds and neither, as the table says; every other action as the table says.
    expected_outcomes = {op_name: op.kind in allowed for op_name, op in OPS.items()}
    assert outcomes == expected_outcomes


async def test_a_settled_charge_cannot_be_voided_but_can_be_refunded(
    app: Starlette, api: Api, world: World
) -> None:
    desk, admin = Desk(api, app, world), world.a.caller("admin")
    sale = await desk.settled()
    said = offered(await read(api, admin, sale["id"]))
    assert said[VOID_]["allowed"] is False
    assert "settled" in said[VOID_]["reason"]
    assert said[REFUND_]["allowed"] is True

    void = await act(api, VOID, admin, transactionId=sale["id"])
    assert problems(void) == [(["input", "transactionId"], "INVALID_STATE")]
    assert "settled" in void["userErrors"][0]["message"]
    refund = await act(api, REFUND, admin, transactionId=sale["id"])
    assert refund["userErrors"] == [], refund
    assert refund["transaction"]["status"] == "REFUNDED"
    assert [(r["status"], r["throughGateway"]) for r in refund["transaction"]["refunds"]] == [
        ("SUCCEEDED", True)
    ]


def test_the_table_names_every_status_and_action() -> None:
    statuses = {
        "PAID",
        "DECLINED",
        "FAILED",
        "PENDING",
        "REFUNDED",
        "PARTIALLY_REFUNDED",
        "VOIDED",
        "WRITTEN_OFF",
    }
    assert set(ALLOWED) == statuses
    assert {status for _, status, _ in SALES.values()} == statuses
    assert {op.kind for op in OPS.values()} == EVERY_ACTION
    assert all(allowed <= EVERY_ACTION for allowed in ALLOWED.values())


# --- another account's sale -----------------------------------------------------------------------


async def test_another_accounts_sale_is_not_found(api: Api, world: World) -> None:
    theirs, intruder = world.b.caller("admin"), world.a.caller("admin")
    # Sales of account b in states where b's own admin could run each action.
    paid = await paid_charge(api, theirs, world.b.customer_id)
    unpaid = await declined_charge(api, theirs, world.b.customer_id)
    for op_name, op in OPS.items():
        sale = unpaid if op.kind in (WRITE_OFF_, MARK_PAID_) else paid
        before = await read(api, theirs, sale["id"])
        assert offered(before)[op.kind]["allowed"] is True, op_name

        payload = await act(api, op.mutation, intruder, transactionId=sale["id"], **op.input)
        made_up = await act(api, op.mutation, intruder, transactionId=MADE_UP_ID, **op.input)

        assert problems(payload) == [(["input", "transactionId"], "NOT_FOUND")], (op_name, payload)
        assert payload == made_up, op_name
        assert await read(api, theirs, sale["id"]) == before, op_name
    seen = await api.gql("query($id: ID!) { transaction(id: $id) { id } }", intruder, id=paid["id"])
    assert seen == {"transaction": None}


# --- replacing a sale -----------------------------------------------------------------------------


async def test_only_a_voided_sale_can_be_replaced(app: Starlette, api: Api, world: World) -> None:
    desk, admin = Desk(api, app, world), world.a.caller("admin")
    for sale_name, (make, status, _) in SALES.items():
        sale = await make(desk)
        before = await read(api, admin, sale["id"])
        payload = await log(api, admin, world.a.customer_id, replacesTransactionId=sale["id"])
        if status == "VOIDED":
            assert payload["userErrors"] == [], payload
            assert payload["transaction"]["replacesTransaction"] == {"id": sale["id"]}
            assert (payload["transaction"]["status"], payload["transaction"]["origin"]) == ("PAID", "LOGGED")
            assert (await read(api, admin, sale["id"]))["status"] == "VOIDED"
        else:
            assert problems(payload) == [(["input", "replacesTransactionId"], "INVALID_STATE")], sale_name
            assert payload["transaction"] is None
            assert await read(api, admin, sale["id"]) == before, sale_name
