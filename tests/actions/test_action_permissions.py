"""Who may run each action on a sale (DESIGN.md, "Roles"), over the API.

The matrix below is the whole rule: for every action and every caller of
account a (plus account b's admin reaching for a's sale) it says whether the
mutation succeeds, is FORBIDDEN (and then the sale is exactly as before: same
status, same events, same refunds, no email) or NOT_FOUND (answered exactly
like a made-up id). ``availableActions``, read by the same caller, must agree
with it. A REP refunds only within the account's ``repRefundLimit``, and the
referral partner mutations need ADMIN.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from paydesk.notify.email import OUTBOX_DIR
from tests.actions.common import (
    MARK_PAID,
    REFUND,
    RERUN,
    RESEND,
    VOID,
    WRITE_OFF,
    act,
    actions,
    declined_charge,
    paid_charge,
    read,
)
from tests.api.test_sales import run
from tests.helpers import Api, Caller, World, deliver_outbox, resources

OK, FORBIDDEN, NOT_FOUND = "ok", "FORBIDDEN", "NOT_FOUND"

# Account a's callers, then account b's admin acting on a's sale. The API key a new account gets is ADMIN.
CALLERS = ("owner", "admin", "rep", "viewer", "apikey", "other_account_admin")

# fmt: off
MATRIX: dict[str, tuple[str, ...]] = {
    #                        owner admin rep        viewer     apikey other account's admin
    "refundTransaction":    (OK,   OK,   FORBIDDEN, FORBIDDEN, OK,    NOT_FOUND),
    "voidTransaction":      (OK,   OK,   FORBIDDEN, FORBIDDEN, OK,    NOT_FOUND),
    "writeOffTransaction":  (OK,   OK,   FORBIDDEN, FORBIDDEN, OK,    NOT_FOUND),
    "markTransactionPaid":  (OK,   OK,   FORBIDDEN, FORBIDDEN, OK,    NOT_FOUND),
    "resendInvoice":        (OK,   OK,   OK,        FORBIDDEN, OK,    NOT_FOUND),
    "rerunCommission":      (OK,   OK,   FORBIDDEN, FORBIDDEN, OK,    NOT_FOUND),
}
# fmt: on


@dataclass(frozen=True)
class Spec:
    """One action: its mutation, its availableActions name, the sale it needs, what success looks like."""

    mutation: str
    kind: str
    needs: str  # "paid" or "declined": a sale whose state allows the action
    role: str  # the least role that may run it
    status: str | None  # the sale's status after it (None: resendInvoice leaves it)
    event: str  # the event it adds


SPECS = {
    "refundTransaction": Spec(REFUND, "REFUND", "paid", "ADMIN", "REFUNDED", "refund_started"),
    "voidTransaction": Spec(VOID, "VOID", "paid", "ADMIN", "VOIDED", "voided"),
    "writeOffTransaction": Spec(WRITE_OFF, "WRITE_OFF", "declined", "ADMIN", "WRITTEN_OFF", "written_off"),
    "markTransactionPaid": Spec(MARK_PAID, "MARK_PAID", "declined", "ADMIN", "PAID", "marked_paid"),
    "resendInvoice": Spec(RESEND, "RESEND_INVOICE", "paid", "REP", None, "invoice_sent"),
    "rerunCommission": Spec(RERUN, "RERUN_COMMISSION", "paid", "ADMIN", "PAID", "commission_rerun"),
}
MADE_UP_ID = "txn_" + "Q" * 22

CASES = [
    pytest.param(action, caller, expected, id=f"{action}-{caller}")
    for action, row in MATRIX.items()
    for caller, expected in zip(CALLERS, row, strict=True)
]

UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { repRefundLimit { amount currency } } userErrors { field code } }
}"""
CREATE_PARTNER = """
mutation($i: CreatePartnerInput!) {
  createPartner(input: $i) { partner { id name commissionPercent } userErrors { field code message } }
}"""
UPDATE_PARTNER = """
mutation($i: UpdatePartnerInput!) {
  updatePartner(input: $i) { partner { id name commissionPercent } userErrors { field code message } }
}"""
SET_REFERRER = """
mutation($i: SetCustomerReferrerInput!) {
  setCustomerReferrer(input: $i) { customer { id referredBy { id } } userErrors { field code message } }
}"""
PARTNERS = "{ partners { id name commissionPercent } }"
REFERRED_BY = "query($id: ID!) { customer(id: $id) { referredBy { id } } }"
SALE_AS = "query($id: ID!) { transaction(id: $id) { id availableActions { action allowed reason } } }"


# --- helpers --------------------------------------------------------------------------------------


def outbox(app: Starlette) -> list[Path]:
    folder = Path(resources(app).settings.data_dir) / OUTBOX_DIR
    return sorted(folder.glob("*.eml")) if folder.exists() else []


async def sale_for(api: Api, world: World, needs: str) -> dict[str, Any]:
    """A sale of account a in a status where the action is allowed, made by a's admin."""
    admin, customer = world.a.caller("admin"), world.a.customer_id
    if needs == "paid":
        return await paid_charge(api, admin, customer)
    return await declined_charge(api, admin, customer)


def inputs(action: str, transaction_id: str) -> dict[str, Any]:
    extra = {"writeOffTransaction": {"reason": "never collectable"}, "markTransactionPaid": {"note": "cash"}}
    return {"transactionId": transaction_id, **extra.get(action, {})}


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def caller_of(world: World, name: str) -> Caller:
    return world.b.caller("admin") if name == "other_account_admin" else world.a.caller(name)


# --- the matrix -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "caller_name", "expected"), CASES)
async def test_action_permission_matrix(
    app: Starlette, api: Api, world: World, action: str, caller_name: str, expected: str
) -> None:
    spec, admin = SPECS[action], world.a.caller("admin")
    caller = caller_of(world, caller_name)
    sale = await sale_for(api, world, spec.needs)
    before, mails_before = await read(api, admin, sale["id"]), outbox(app)
    assert actions(before)[spec.kind] == (True, None), "the sale's state allows the action"

    # What the caller is told it may do agrees with what the mutation does.
    seen = (await api.gql(SALE_AS, caller, id=sale["id"]))["transaction"]
    if expected == NOT_FOUND:
        assert seen is None
    else:
        offered = {a["action"]: a for a in seen["availableActions"]}[spec.kind]
        assert offered["allowed"] is (expected == OK), offered

    payload = await act(api, spec.mutation, caller, **inputs(action, sale["id"]))
    await deliver_outbox(app)  # what the serving process's outbox job does next
    after = await read(api, admin, sale["id"])

    if expected == OK:
        assert payload["userErrors"] == [], payload
        kinds = [e["kind"] for e in after["events"]]
        assert kinds[: len(before["events"])] == [e["kind"] for e in before["events"]]
        assert spec.event in kinds[len(before["events"]) :], kinds
        if spec.status is not None:
            assert payload["transaction"]["status"] == spec.status
            assert after["status"] == spec.status
        else:
            assert payload["invoice"]["id"] == after["invoice"]["id"]
            assert after["invoice"]["lastSentAt"] is not None
            assert len(outbox(app)) == len(mails_before) + 1
        return

    if expected == FORBIDDEN:
        assert codes(payload) == ["FORBIDDEN"], payload
        assert "role" in payload["userErrors"][0]["message"], payload
    else:
        assert codes(payload) == ["NOT_FOUND"], payload
        made_up = await act(api, spec.mutation, caller, **inputs(action, MADE_UP_ID))
        assert payload == made_up
    assert all(value is None for key, value in payload.items() if key != "userErrors"), payload
    # Nothing changed: same status, same events, refunds, invoice and commission; no email.
    assert after == before
    assert outbox(app) == mails_before


# --- availableActions by role ---------------------------------------------------------------------

EVERY_ACTION = {"REFUND", "VOID", "WRITE_OFF", "MARK_PAID", "RESEND_INVOICE", "RERUN_COMMISSION"}
ALLOWED_FOR = {
    "owner": EVERY_ACTION,
    "admin": EVERY_ACTION,
    "apikey": EVERY_ACTION,
    "rep": {"RESEND_INVOICE"},
    "viewer": set(),
}
NEEDS = {spec.kind: spec.role for spec in SPECS.values()}


async def test_available_actions_by_role(api: Api, world: World) -> None:
    paid = await sale_for(api, world, "paid")
    declined = await sale_for(api, world, "declined")
    for caller_name, allowed_actions in ALLOWED_FOR.items():
        caller = world.a.caller(caller_name)
        # Each action read on a sale whose state allows it, so only the role can stand in the way.
        offered = actions(await read(api, caller, paid["id"])) | {
            kind: allowed
            for kind, allowed in actions(await read(api, caller, declined["id"])).items()
            if kind in ("WRITE_OFF", "MARK_PAID")
        }
        assert set(offered) == EVERY_ACTION
        assert {kind for kind, (allowed, _) in offered.items() if allowed} == allowed_actions, caller_name
        for kind, (allowed, reason) in offered.items():
            if allowed:
                assert reason is None
            else:
                assert reason is not None, (caller_name, kind)
                assert NEEDS[kind] in reason, (caller_name, kind, reason)
                assert "role" in reason, (caller_name, kind, reason)


async def test_a_rep_refunds_only_within_the_account_limit(api: Api, world: World) -> None:
    owner, admin, rep, viewer = (world.a.caller(n) for n in ("owner", "admin", "rep", "viewer"))
    sale = await paid_charge(api, admin, world.a.customer_id)
    set_limit = await run(api, UPDATE_ACCOUNT, owner, repRefundLimit="50.00")
    assert set_limit["userErrors"] == [], set_limit
    assert set_limit["account"]["repRefundLimit"] == {"amount": "50.00", "currency": "USD"}

    seen = await read(api, rep, sale["id"])
    refund = {a["action"]: a for a in seen["availableActions"]}["REFUND"]
    assert (refund["allowed"], refund["maxAmount"]["amount"]) == (True, "50.00")
    assert {kind for kind, (allowed, _) in actions(seen).items() if allowed} == {"REFUND", "RESEND_INVOICE"}
    assert actions(await read(api, viewer, sale["id"]))["REFUND"][0] is False

    before = await read(api, admin, sale["id"])
    too_much = await act(api, REFUND, rep, transactionId=sale["id"], amount="50.01")
    assert codes(too_much) == ["FORBIDDEN"], too_much
    whole = await act(api, REFUND, rep, transactionId=sale["id"])
    assert codes(whole) == ["FORBIDDEN"], "omitting the amount means all 100.00, over the limit"
    by_viewer = await act(api, REFUND, viewer, transactionId=sale["id"], amount="1.00")
    assert codes(by_viewer) == ["FORBIDDEN"], by_viewer
    assert await read(api, admin, sale["id"]) == before

    within = await act(api, REFUND, rep, transactionId=sale["id"], amount="50.00")
    assert within["userErrors"] == [], within
    assert within["transaction"]["status"] == "PARTIALLY_REFUNDED"
    assert within["transaction"]["amountRefunded"]["amount"] == "50.00"

    # A sale in another currency than the limit's is beyond a REP.
    euro = await paid_charge(api, admin, world.a.customer_id, total="10.00", currency="EUR")
    assert actions(await read(api, rep, euro["id"]))["REFUND"][0] is False
    other = await act(api, REFUND, rep, transactionId=euro["id"], amount="1.00")
    assert codes(other) == ["FORBIDDEN"], other

    # A limit of 0 takes refunds away from REPs again.
    cleared = await run(api, UPDATE_ACCOUNT, admin, repRefundLimit="0")
    assert cleared["userErrors"] == [], cleared
    assert cleared["account"]["repRefundLimit"] is None
    again = await act(api, REFUND, rep, transactionId=sale["id"], amount="1.00")
    assert codes(again) == ["FORBIDDEN"], again
    assert actions(await read(api, rep, sale["id"]))["REFUND"][0] is False


# --- referral partners ----------------------------------------------------------------------------

# Those refused first, so that what they try would be a change.
PARTNER_RULE = {"rep": FORBIDDEN, "viewer": FORBIDDEN, "owner": OK, "admin": OK, "apikey": OK}


async def test_partner_mutations_need_admin(api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    existing = await run(api, CREATE_PARTNER, admin, name="Existing", commissionPercent="10")
    partner_id = existing["partner"]["id"]
    for percent, (caller_name, expected) in enumerate(PARTNER_RULE.items(), start=20):
        caller = world.a.caller(caller_name)
        before = await api.gql(PARTNERS, admin)
        created = await run(api, CREATE_PARTNER, caller, name=f"By {caller_name}", commissionPercent="5")
        updated = await run(api, UPDATE_PARTNER, caller, id=partner_id, commissionPercent=str(percent))
        referred = await run(api, SET_REFERRER, caller, customerId=customer, partnerId=partner_id)
        results = ((created, "partner"), (updated, "partner"), (referred, "customer"))
        if expected == OK:
            assert [codes(payload) for payload, _ in results] == [[], [], []], caller_name
            assert updated["partner"]["commissionPercent"] == str(percent)
            assert referred["customer"]["referredBy"] == {"id": partner_id}
            names = [p["name"] for p in (await api.gql(PARTNERS, admin))["partners"]]
            assert f"By {caller_name}" in names
            continue
        for payload, result in results:
            assert codes(payload) == ["FORBIDDEN"], (caller_name, payload)
            assert "ADMIN" in payload["userErrors"][0]["message"]
            assert payload[result] is None
        assert await api.gql(PARTNERS, admin) == before
        assert (await api.gql(REFERRED_BY, admin, id=customer))["customer"]["referredBy"] is None
    names = [p["name"] for p in (await api.gql(PARTNERS, admin))["partners"]]
    assert names == ["By admin", "By apikey", "By owner", "Existing"]


def test_the_matrix_covers_every_action_and_caller() -> None:
    assert set(MATRIX) == set(SPECS)
    assert {spec.kind for spec in SPECS.values()} == EVERY_ACTION
    assert all(len(row) == len(CALLERS) for row in MATRIX.values())
