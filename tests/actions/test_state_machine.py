"""A state machine over one customer's sales: whatever staff do, in whatever order, the books stay straight.

Hypothesis drives, through the GraphQL API as an ADMIN: charges (a card that
pays, the 4000000000000341 card on file that declines, 4000000000000119 that
fails), logged sales, refunds of random amounts (sometimes more than is left,
sometimes omitted: the rest), voids, write-offs, mark-paid, a referring
partner whose percent changes or who is cleared, and commission re-runs. A
model of every sale predicts each outcome from DESIGN.md's table
"Transaction actions by status". After every step, for every sale:

- refunds that SUCCEEDED or are PENDING add up to at most the total, and the
  status agrees with them: PAID iff nothing was refunded, PARTIALLY_REFUNDED
  iff part, REFUNDED iff all of it (among sales that were paid);
- the status, the refunds, ``refundableAmount`` and ``availableActions`` are
  what the model says;
- a refused action got the error the rules predict (INVALID_STATE, or
  AMOUNT_EXCEEDS_REFUNDABLE for a too-large refund of a refundable sale) and
  left every sale exactly as it was; a step changes no sale but its own;
- the commission is never negative, never more than its gross, and is the
  partner's percent of the total (half-up) scaled by what is left after refunds;
- the sandbox's own refunds of each charge are our gateway refunds, one for one.

Rules are synchronous while the app lives on pytest-asyncio's session loop,
so the machine runs in a worker thread and hands every call to that loop
(``asyncio.run_coroutine_threadsafe``). It therefore runs on SQLite and on
PostgreSQL, like every API test. Each example gets a customer of its own, so
examples never see each other's sales.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor
from typing import Any, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.models import SandboxRefund
from tests.actions.common import MARK_PAID, REFUND, RERUN, VOID, WRITE_OFF, act, amount_of
from tests.api.test_sales import FAIL, VISA, card, charged, logged, new_customer, put_on_file, run
from tests.helpers import Api, Caller, World, resources

T = TypeVar("T")

DECLINES_ON_FILE = "4000000000000341"
CREATE_PARTNER = """
mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } userErrors { field code } } }"""
UPDATE_PARTNER = """
mutation($i: UpdatePartnerInput!) { updatePartner(input: $i) { partner { id } userErrors { field code } } }"""
SET_REFERRER = """
mutation($i: SetCustomerReferrerInput!) {
  setCustomerReferrer(input: $i) { customer { id } userErrors { field code } }
}"""
# What the invariants look at, of every sale of the customer.
FIELDS = """
  id status origin markedPaidAt externalId
  total { minorUnits } amountRefunded { minorUnits } refundableAmount { minorUnits }
  refunds { id status externalId throughGateway amount { minorUnits } }
  events { kind note amount { minorUnits } }
  invoice { id number lastSentAt }
  availableActions { action allowed reason maxAmount { minorUnits } }
  commission { amount { minorUnits } gross { minorUnits } partner { id } }
"""
SALES = f"""
query($id: ID!) {{
  customer(id: $id) {{ transactions(first: 100) {{ edges {{ node {{ {FIELDS} }} }} }} }}
}}"""

PAID, PARTIALLY_REFUNDED, REFUNDED = "PAID", "PARTIALLY_REFUNDED", "REFUNDED"
DECLINED, FAILED, WRITTEN_OFF, VOIDED = "DECLINED", "FAILED", "WRITTEN_OFF", "VOIDED"
WAS_PAID = {PAID, PARTIALLY_REFUNDED, REFUNDED}
REFUNDABLE = {PAID, PARTIALLY_REFUNDED}
UNCOLLECTED = {DECLINED, FAILED}
COUNTED = {"SUCCEEDED", "PENDING"}

# A sale charged to a card that pays, declines or fails, or logged; its total in cents, from a cent to
# $1,000; a partner's percent with up to two decimals.
KINDS = st.sampled_from(["pays", "declines", "fails", "logged"])
TOTALS = st.integers(min_value=1, max_value=100_000)
PERCENTS = st.integers(min_value=1, max_value=10_000).map(lambda hundredths: Decimal(hundredths).scaleb(-2))

_names = itertools.count()


def dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def cents(money: dict[str, Any]) -> int:
    return int(money["minorUnits"])


# --- the model ------------------------------------------------------------------------------------


def percent_of(total: int, percent: Decimal) -> int:
    """``percent`` % of ``total`` cents, half-up to the cent."""
    return int((Decimal(total) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def scaled(gross: int, total: int, refunded: int) -> int:
    """``gross`` for what is left of the sale after refunds, half-up."""
    return floor(Fraction(gross * (total - refunded), total) + Fraction(1, 2))


def status_for(total: int, refunded: int) -> str:
    if refunded == 0:
        return PAID
    return REFUNDED if refunded == total else PARTIALLY_REFUNDED


@dataclass
class Sale:
    """What the model expects of one sale."""

    id: str
    origin: str
    total: int
    status: str
    external_id: str | None
    refunds: list[int] = field(default_factory=list)
    marked_paid: bool = False
    invoiced: bool = False
    # (gross, owed now) in cents, or None when no partner earns on the sale.
    commission: tuple[int, int] | None = None

    @property
    def refunded(self) -> int:
        return sum(self.refunds)

    @property
    def refundable(self) -> int:
        return self.total - self.refunded if self.status in REFUNDABLE else 0

    @property
    def through_gateway(self) -> bool:
        """Refunds and voids go to the sandbox: charged here and not marked paid outside."""
        return self.origin == "CHARGED" and not self.marked_paid

    def allowed(self) -> dict[str, bool]:
        """DESIGN.md, "Transaction actions by status", for an ADMIN, within the 24 h void window."""
        return {
            "REFUND": self.refundable > 0,
            "VOID": self.status == PAID and not self.refunds,
            "WRITE_OFF": self.status in UNCOLLECTED,
            "MARK_PAID": self.status in UNCOLLECTED | {WRITTEN_OFF},
            "RESEND_INVOICE": self.invoiced,
            "RERUN_COMMISSION": self.status in WAS_PAID,
        }


# --- driving the app from the machine's thread ----------------------------------------------------


@dataclass
class Driver:
    """Runs coroutines on the session loop, where the app and its database live, and waits for them."""

    app: Starlette
    api: Api
    admin: Caller
    loop: asyncio.AbstractEventLoop

    def __call__(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)


async def sandbox_refunds(app: Starlette, charge_ids: list[str]) -> dict[str, set[tuple[str, str, int]]]:
    """The sandbox's own books: (refund id, idempotency key, cents) of every refund, by charge."""
    query = select(SandboxRefund).where(col(SandboxRefund.charge_id).in_(charge_ids))
    found: dict[str, set[tuple[str, str, int]]] = {charge_id: set() for charge_id in charge_ids}
    async with resources(app).sessions() as db:
        for row in await db.exec(query):
            found[row.charge_id].add((row.id, row.idempotency_key, row.amount))
    return found


def allows(action: str) -> Callable[[Books], bool]:
    """A rule's precondition: some sale allows ``action`` (the rule may still pick one that does not)."""
    return lambda machine: any(sale.allowed()[action] for sale in machine.model.values())


class Books(RuleBasedStateMachine):
    # Set by the test for the app it runs against.
    do: ClassVar[Driver]

    def __init__(self) -> None:
        super().__init__()
        self.api, self.admin = self.do.api, self.do.admin
        self.model: dict[str, Sale] = {}
        # Every sale as last read, and the one sale the current step may change.
        self.seen: dict[str, dict[str, Any]] = {}
        self.touched: str | None = None
        self.rate: Decimal | None = None

    @initialize(kind=KINDS, total=TOTALS, percent=st.none() | PERCENTS)
    def a_customer_of_its_own(self, kind: str, total: int, percent: Decimal | None) -> None:
        """A new customer, maybe referred by a partner, with the declining card on file and a first sale."""
        self.customer = self.do(new_customer(self.api, self.admin, f"Books{next(_names)}"))
        partner = self.do(run(self.api, CREATE_PARTNER, self.admin, name="Referrer", commissionPercent="10"))
        assert partner["userErrors"] == [], partner
        self.partner = partner["partner"]["id"]
        method = self.do(
            put_on_file(self.api, self.admin, self.customer, DECLINES_ON_FILE, makeDefault=False)
        )
        self.declining_card = method["id"]
        if percent is not None:
            self.referrer(percent)
        self.new_sale(kind, total)

    def pick(self, data: st.DataObject, action: str) -> Sale:
        """A sale to act on: mostly one the model allows ``action`` on (when there is one), else any."""
        every = list(self.model.values())
        allowed = [sale for sale in every if sale.allowed()[action]]
        anything = data.draw(st.integers(0, 3), label="any sale (3) or one that allows it") == 3
        pool = every if anything or not allowed else allowed
        return self.model[data.draw(st.sampled_from([sale.id for sale in pool]), label="sale")]

    def earned(self, total: int, refunded: int = 0) -> tuple[int, int] | None:
        """The commission a sale gets when it is paid or re-run now."""
        if self.rate is None:
            return None
        gross = percent_of(total, self.rate)
        return gross, scaled(gross, total, refunded)

    def refused(self, payload: dict[str, Any], code: str, where: str) -> None:
        assert payload["transaction"] is None, payload
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", where])], payload
        self.touched = None

    def succeeded(self, payload: dict[str, Any], sale: Sale) -> dict[str, Any]:
        assert payload["userErrors"] == [], payload
        got = dict(payload["transaction"])
        assert (got["id"], got["status"]) == (sale.id, sale.status), payload
        self.touched = sale.id
        return got

    # --- new sales

    @rule(kind=KINDS, total=TOTALS)
    def new_sale(self, kind: str, total: int) -> None:
        lines = amount_of(dollars(total))
        if kind == "logged":
            got = self.do(logged(self.api, self.admin, self.customer, lines=lines))
        else:
            paying: dict[str, Any] = {
                "pays": {"card": card(VISA)},
                "declines": {"paymentMethodId": self.declining_card},
                "fails": {"card": card(FAIL)},
            }[kind]
            got = self.do(charged(self.api, self.admin, self.customer, lines=lines, **paying))
        origin = "LOGGED" if kind == "logged" else "CHARGED"
        status = {"pays": PAID, "declines": DECLINED, "fails": FAILED, "logged": PAID}[kind]
        assert (got["status"], got["origin"], cents(got["total"])) == (status, origin, total), got
        sale = Sale(got["id"], origin, total, status, got["externalId"], invoiced=status == PAID)
        if status == PAID:
            sale.commission = self.earned(total)
        self.model[sale.id] = sale
        self.touched = sale.id

    # --- actions on a sale

    @rule(data=st.data())
    @precondition(allows("REFUND"))
    def refund(self, data: st.DataObject) -> None:
        sale = self.pick(data, "REFUND")
        left = sale.total - sale.refunded
        amount = data.draw(
            st.one_of(st.none(), st.integers(1, max(left, 1)), st.integers(left + 1, left + sale.total)),
            label="amount in cents (None: the rest)",
        )
        given = {} if amount is None else {"amount": dollars(amount)}
        payload = self.do(act(self.api, REFUND, self.admin, transactionId=sale.id, **given))
        if not sale.allowed()["REFUND"]:
            return self.refused(payload, "INVALID_STATE", "transactionId")
        if amount is not None and amount > left:
            return self.refused(payload, "AMOUNT_EXCEEDS_REFUNDABLE", "amount")
        sale.refunds.append(left if amount is None else amount)
        sale.status = status_for(sale.total, sale.refunded)
        if sale.commission is not None:
            gross = sale.commission[0]
            sale.commission = (gross, scaled(gross, sale.total, sale.refunded))
        got = self.succeeded(payload, sale)
        newest = got["refunds"][-1]
        assert (newest["status"], cents(newest["amount"]), newest["throughGateway"]) == (
            "SUCCEEDED",
            sale.refunds[-1],
            sale.through_gateway,
        ), got

    @rule(data=st.data())
    @precondition(allows("VOID"))
    def void(self, data: st.DataObject) -> None:
        sale = self.pick(data, "VOID")
        payload = self.do(act(self.api, VOID, self.admin, transactionId=sale.id))
        if not sale.allowed()["VOID"]:
            return self.refused(payload, "INVALID_STATE", "transactionId")
        sale.status = VOIDED
        if sale.commission is not None:
            sale.commission = (sale.commission[0], 0)
        self.succeeded(payload, sale)

    @rule(data=st.data(), reason=st.sampled_from([None, "Customer moved away"]))
    @precondition(allows("WRITE_OFF"))
    def write_off(self, data: st.DataObject, reason: str | None) -> None:
        sale = self.pick(data, "WRITE_OFF")
        payload = self.do(act(self.api, WRITE_OFF, self.admin, transactionId=sale.id, reason=reason))
        if not sale.allowed()["WRITE_OFF"]:
            return self.refused(payload, "INVALID_STATE", "transactionId")
        sale.status = WRITTEN_OFF
        got = self.succeeded(payload, sale)
        assert (got["events"][-1]["kind"], got["events"][-1]["note"]) == ("written_off", reason), got

    @rule(data=st.data())
    @precondition(allows("MARK_PAID"))
    def mark_paid(self, data: st.DataObject) -> None:
        sale = self.pick(data, "MARK_PAID")
        payload = self.do(act(self.api, MARK_PAID, self.admin, transactionId=sale.id, note="Cheque"))
        if not sale.allowed()["MARK_PAID"]:
            return self.refused(payload, "INVALID_STATE", "transactionId")
        sale.status, sale.marked_paid, sale.invoiced = PAID, True, True
        sale.commission = self.earned(sale.total)
        got = self.succeeded(payload, sale)
        assert (got["origin"], got["markedPaidAt"] is not None) == (sale.origin, True), got

    @rule(data=st.data())
    @precondition(allows("RERUN_COMMISSION"))
    def rerun_commission(self, data: st.DataObject) -> None:
        sale = self.pick(data, "RERUN_COMMISSION")
        payload = self.do(act(self.api, RERUN, self.admin, transactionId=sale.id))
        if not sale.allowed()["RERUN_COMMISSION"]:
            return self.refused(payload, "INVALID_STATE", "transactionId")
        sale.commission = self.earned(sale.total, sale.refunded)
        self.succeeded(payload, sale)

    # --- the referring partner: changes no recorded commission until a re-run

    @rule(percent=st.none() | PERCENTS)
    def referrer(self, percent: Decimal | None) -> None:
        """The customer's referrer gets ``percent`` as their rate; None: the customer has no referrer."""
        if percent is not None:
            rate = str(percent)
            updated = self.do(
                run(self.api, UPDATE_PARTNER, self.admin, id=self.partner, commissionPercent=rate)
            )
            assert updated["userErrors"] == [], updated
        partner = None if percent is None else self.partner
        referred = self.do(
            run(self.api, SET_REFERRER, self.admin, customerId=self.customer, partnerId=partner)
        )
        assert referred["userErrors"] == [], referred
        self.rate = percent
        self.touched = None

    # --- after every step

    @invariant()
    def books_are_straight(self) -> None:
        if not self.model:
            return
        data = self.do(self.api.gql(SALES, self.admin, id=self.customer))
        now = {edge["node"]["id"]: edge["node"] for edge in data["customer"]["transactions"]["edges"]}
        assert set(now) == set(self.model)
        for sale_id, sale in self.model.items():
            got = now[sale_id]
            amounts_agree(got)
            matches_model(got, sale, self.partner)
            before = self.seen.get(sale_id)
            if before is not None and sale_id != self.touched:
                assert got == before, f"{sale_id} changed in a step that did not act on it or was refused"
            if before is not None:
                assert got["events"][: len(before["events"])] == before["events"], "events are only added"
            assert got["externalId"] == sale.external_id, (got, sale)
        charges = {s.external_id: s.id for s in self.model.values() if s.external_id is not None}
        sandbox = self.do(sandbox_refunds(self.do.app, list(charges)))
        for charge_id, sale_id in charges.items():
            ours = {
                (r["externalId"], f"paydesk:refund:{r['id']}", cents(r["amount"]))
                for r in now[sale_id]["refunds"]
                if r["throughGateway"]
            }
            assert sandbox[charge_id] == ours, (sale_id, sandbox[charge_id], now[sale_id]["refunds"])
        self.seen, self.touched = now, None


def amounts_agree(got: dict[str, Any]) -> None:
    """What holds of every sale, whatever the model says."""
    total = cents(got["total"])
    refunded = sum(cents(r["amount"]) for r in got["refunds"] if r["status"] in COUNTED)
    assert refunded == cents(got["amountRefunded"]) <= total, got
    if got["status"] in WAS_PAID:
        assert (got["status"] == PAID) == (refunded == 0), got
        assert (got["status"] == PARTIALLY_REFUNDED) == (0 < refunded < total), got
        assert (got["status"] == REFUNDED) == (refunded == total), got
    else:
        assert refunded == 0, got
    commission = got["commission"]
    if commission is not None:
        assert 0 <= cents(commission["amount"]) <= cents(commission["gross"]), got


def matches_model(got: dict[str, Any], sale: Sale, partner_id: str) -> None:
    assert got["status"] == sale.status, (got, sale)
    assert [cents(r["amount"]) for r in got["refunds"]] == sale.refunds, (got, sale)
    assert all(
        r["status"] == "SUCCEEDED" and r["throughGateway"] == sale.through_gateway for r in got["refunds"]
    ), (got, sale)
    assert cents(got["refundableAmount"]) == sale.refundable, (got, sale)
    assert (got["markedPaidAt"] is not None) == sale.marked_paid, (got, sale)
    assert (got["invoice"] is not None) == sale.invoiced, (got, sale)
    actions = {a["action"]: a for a in got["availableActions"]}
    assert {name: a["allowed"] for name, a in actions.items()} == sale.allowed(), (got, sale)
    most = actions["REFUND"]["maxAmount"]  # null when refunds are not allowed
    assert (cents(most) if most else 0) == sale.refundable, (got, sale)
    commission = got["commission"]
    if sale.commission is None:
        assert commission is None, (got, sale)
    else:
        assert commission is not None, (got, sale)
        assert (cents(commission["gross"]), cents(commission["amount"])) == sale.commission, (got, sale)
        assert commission["partner"]["id"] == partner_id


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """The machine sends a few hundred requests a minute as one staff user: more than the portal's limit."""
    return {"session_rate_limit": "100000/minute"}


async def test_any_sequence_of_actions_keeps_the_books_straight(
    app: Starlette, api: Api, world: World
) -> None:
    class BooksOfThisApp(Books):
        do = Driver(app, api, world.a.caller("admin"), asyncio.get_running_loop())

    # 20 customers with up to 12 steps each: about 25 s of CPU per backend.
    def check() -> None:
        run_state_machine_as_test(
            BooksOfThisApp,
            settings=settings(
                max_examples=20,
                stateful_step_count=12,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )

    # The machine waits on this loop from a worker thread; awaiting the thread leaves the loop free.
    await asyncio.to_thread(check)
