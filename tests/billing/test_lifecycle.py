"""Subscriptions and payment plans over simulated years: the billing runner, pause, cancel, changes.

A simulated clock drives both the API (``resources(app).clock``, the "now"
every subscription mutation takes) and the billing runner
(``Runner(clock=...)``); the sandbox gateway and every sale are real. The
account bills in America/New_York, so the runner's "today" is not the UTC
date: the long run steps the clock to 22:00 New York time each evening,
when UTC is already on the next day, and a product that mixed up the two
would charge every installment a day early.

What the suite proves (DESIGN.md, "Subscriptions"; issue 6):

- Schedules over two years: monthly from Jan 31 charges Feb 28 (29 in a
  leap year), Mar 31, Apr 30, ...; quarterly from Jan 31 on Apr 30, Jul 31,
  ...; weekly every 7 days across every DST change; nothing is ever charged early, late or
  twice. The runner runs every day for the first 3.5 months and around the
  leap day, and elsewhere on each due day and the evening before it (a
  pass on a day with nothing due costs little, but real charges do).
  Yearly from Feb 29, jumping to each due day with the evening before and
  the day after checked: Feb 28 in common years, Feb 29 again in the next
  leap year.
- A 4-payment plan charges exactly 4 times (the opening sale and 3
  installments), then is COMPLETED with paymentsRemaining 0 and no next
  charge date, and is never charged again however far the clock goes.
- The sandbox's own books (SandboxCharge rows) match the PAID sales one
  for one: same sale, same amount, key ``paydesk:charge:{sale id}``.
- pauseSubscription: nothing is charged while paused; on resumeOn the next
  charge is the later of the old next charge date and the resume day; a
  paused plan's installments shift and it still charges exactly its payment
  count; resumeSubscription resumes by hand.
- cancelSubscription now is CANCELLED with no further charge; atPeriodEnd
  stays ACTIVE with cancelAt = the next charge date, then is CANCELLED on
  that day without a charge.
- updateSubscription with prorate: an upgrade mid-period charges the
  difference now as its own sale of two lines, amounts half-up to the cent;
  a downgrade becomes credit taken off the next installment ("Credit from
  an earlier change"); without prorate nothing is charged now; a REP may not
  change the price (FORBIDDEN) but may move the next charge date, which
  re-anchors the charges after it.
- payRemainingBalance charges a plan's remaining installments in one sale
  and completes it.

The sale that opens an order (chargeNow) is dated by the real clock, not the
simulated one (``transactions.service._charge`` calls ``utcnow()``), so the
order it opens is anchored on the real today. Each test therefore re-dates
the opening sale and re-anchors its order on the simulated day in the
database right after chargeNow, with ``subscriptions.service.schedule``
computing the next charge date and ``due_at`` exactly as the product does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.billing.runner import Runner
from paydesk.models import Subscription, Transaction
from paydesk.subscriptions import service as orders
from paydesk.transactions.service import Services
from tests.api.test_sales import MONEY, VISA, card, charged, sandbox_charges
from tests.helpers import Api, Caller, World, resources

ZONE = "America/New_York"
NEW_YORK = ZoneInfo(ZONE)

SUBSCRIPTION = f"""
  id kind status nextChargeDate paymentsRemaining cancelAt resumeOn pausedAt quantity unit
  unitPrice {{ {MONEY} }} credit {{ {MONEY} }} balanceRemaining {{ {MONEY} }}
  transactions {{
    id status transactionDate total {{ {MONEY} }}
    lines {{ description quantity kind unitPrice {{ {MONEY} }} total {{ {MONEY} }} }}
  }}
"""
ORDER = f"query($id: ID!) {{ subscription(id: $id) {{ {SUBSCRIPTION} }} }}"
PAYLOAD = f"subscription {{ {SUBSCRIPTION} }} userErrors {{ field code message }}"
PAUSE = f"mutation($i: PauseSubscriptionInput!) {{ pauseSubscription(input: $i) {{ {PAYLOAD} }} }}"
RESUME = f"mutation($i: ResumeSubscriptionInput!) {{ resumeSubscription(input: $i) {{ {PAYLOAD} }} }}"
CANCEL = f"mutation($i: CancelSubscriptionInput!) {{ cancelSubscription(input: $i) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation($i: UpdateSubscriptionInput!) {{ updateSubscription(input: $i) {{ {PAYLOAD} }} }}"
PAY_OFF = f"mutation($i: PayRemainingBalanceInput!) {{ payRemainingBalance(input: $i) {{ {PAYLOAD} }} }}"
UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { timezone } userErrors { field code message } }
}"""


# --- the simulated world ----------------------------------------------------------------------------


def local(day: date, hour: int = 12) -> datetime:
    """``hour`` o'clock on ``day`` in New York, as the UTC instant the clock returns."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=NEW_YORK).astimezone(UTC)


def local_day(iso: str) -> date:
    """The New York calendar day of an API DateTime."""
    return datetime.fromisoformat(iso).astimezone(NEW_YORK).date()


def days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def cents(amount: str) -> int:
    return int(Decimal(amount) * 100)


def half_up(minor_units: int, numerator: int, denominator: int) -> int:
    """``minor_units x numerator / denominator`` rounded to the cent, halves up (computed here, not by paydesk)."""
    exact = Decimal(minor_units * numerator) / Decimal(denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def subscription(line: str, price: str, unit: str = "MONTH") -> dict[str, Any]:
    """A chargeNow line: ``price`` every ``unit``."""
    return {"description": line, "unitPrice": price, "kind": "SUBSCRIPTION", "unit": unit}


def plan(line: str, price: str, count: int) -> dict[str, Any]:
    """A chargeNow line: ``count`` monthly installments of ``price``, the first one charged now."""
    return {
        "description": line,
        "unitPrice": price,
        "kind": "PAYMENT_PLAN",
        "unit": "MONTH",
        "paymentCount": count,
    }


class Clock:
    """The simulated "now", shared by the API and the runner."""

    def __init__(self) -> None:
        self.now = local(date(2027, 1, 31))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Sim:
    app: Starlette
    api: Api
    rep: Caller
    admin: Caller
    customer: str
    clock: Clock
    runner: Runner

    async def open(self, line: dict[str, Any], on: date) -> str:
        """chargeNow with one recurring line on ``on`` (noon, New York); the order's id.

        The opening sale is dated by the real clock, so the order it opened is
        re-anchored on the simulated day here (see the module docstring).
        """
        self.clock.now = local(on)
        sale = await charged(self.api, self.rep, self.customer, lines=[line], card=card(VISA))
        assert sale["status"] == "PAID", sale
        async with resources(self.app).sessions() as db:
            query = select(Subscription).where(col(Subscription.origin_transaction_id) == sale["id"])
            sub = (await db.exec(query)).one()
            opening = await db.get(Transaction, sale["id"])
            assert opening is not None
            assert (sub.periods_billed, sub.anchor_period) == (1, 0)
            opening.transaction_date = self.clock.now
            sub.anchor_date = on
            orders.schedule(sub, ZONE)
            db.add_all([opening, sub])
            await db.commit()
            return sub.id

    async def run(self, day: date, hour: int = 12, *, other: int = 0) -> int:
        """Set the clock to ``hour`` o'clock on ``day`` in New York and run one pass; how many sales were PAID.

        ``other``: how many orders the pass is expected to resume or cancel without a charge (an error
        in the runner counts there too, so it is 0 unless a test expects one of those).
        """
        self.clock.now = local(day, hour)
        result = await self.runner.run_once()
        assert (result.declined, result.unknown, result.other) == (0, 0, other), (day, result)
        return result.charged

    async def run_on(self, when: list[date], hour: int = 12) -> dict[date, int]:
        """A pass on each of these days; the days something was charged, and how many sales."""
        charged_on = {}
        for day in when:
            if count := await self.run(day, hour):
                charged_on[day] = count
                # A second pass the same day finds nothing more to do.
                again = await self.runner.run_once()
                assert again.claimed == 0, (day, again)
        return charged_on

    async def run_days(self, first: date, last: date, hour: int = 12) -> dict[date, int]:
        """A pass every day from ``first`` to ``last``, both included (see ``run_on``)."""
        return await self.run_on(days(first, last), hour)

    async def order(self, sub_id: str) -> dict[str, Any]:
        found = (await self.api.gql(ORDER, self.rep, id=sub_id))["subscription"]
        assert found is not None, sub_id
        return dict(found)

    async def mutate(self, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
        (payload,) = (await self.api.gql(mutation, caller, i=input)).values()
        return dict(payload)

    async def ok(self, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
        """The order after a mutation that must succeed."""
        payload = await self.mutate(mutation, caller, **input)
        assert payload["userErrors"] == [], payload
        return dict(payload["subscription"])


def paid_days(order: dict[str, Any]) -> list[date]:
    """The New York days of an order's PAID sales, the opening sale first."""
    return [local_day(t["transactionDate"]) for t in order["transactions"] if t["status"] == "PAID"]


def totals(order: dict[str, Any]) -> list[str]:
    return [t["total"]["amount"] for t in order["transactions"]]


async def assert_books_match(app: Starlette, sales: list[dict[str, Any]]) -> None:
    """The sandbox charged each PAID sale exactly once, for its total, under its key, and nothing else."""
    paid = {s["id"]: s for s in sales if s["status"] == "PAID"}
    rows = await sandbox_charges(app)
    assert sorted(r.reference for r in rows) == sorted(paid)
    for row in rows:
        sale = paid[row.reference]
        assert (row.amount, row.currency) == (int(sale["total"]["minorUnits"]), sale["total"]["currency"])
        assert row.idempotency_key == f"paydesk:charge:{row.reference}"
        assert row.status == "succeeded"


def services(app: Starlette, clock: Clock) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url, clock)


async def simulate(app: Starlette, api: Api, world: World) -> Sim:
    admin = world.a.caller("admin")
    data = await api.gql(UPDATE_ACCOUNT, admin, i={"timezone": ZONE})
    assert data["updateAccount"] == {"account": {"timezone": ZONE}, "userErrors": []}
    clock = Clock()
    resources(app).clock = clock
    runner = Runner(services(app, clock), clock=clock)
    return Sim(app, api, world.a.caller("rep"), admin, world.a.customer_id, clock, runner)


# --- schedules over two years -----------------------------------------------------------------------


async def test_two_years_of_monthly_weekly_quarterly_and_a_four_payment_plan(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    start = date(2027, 1, 31)
    month = await sim.open(subscription("Club", "30.00"), start)
    week = await sim.open(subscription("Box", "7.00", "WEEK"), start)
    quarter = await sim.open(subscription("Journal", "12.00", "QUARTER"), start)
    four = await sim.open(plan("Canoe", "50.00", 4), start)
    assert (await sim.order(four))["paymentsRemaining"] == 3

    monthly_days = [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31),
        date(2027, 6, 30), date(2027, 7, 31), date(2027, 8, 31), date(2027, 9, 30), date(2027, 10, 31),
        date(2027, 11, 30), date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31),
        date(2028, 4, 30), date(2028, 5, 31), date(2028, 6, 30), date(2028, 7, 31), date(2028, 8, 31),
        date(2028, 9, 30), date(2028, 10, 31), date(2028, 11, 30), date(2028, 12, 31), date(2029, 1, 31),
    ]  # fmt: skip
    # Weekly for both years, across every DST change.
    weekly_days = [start + timedelta(weeks=n) for n in range(105)]
    assert weekly_days[-1] == date(2029, 1, 28)
    quarterly_days = [
        date(2027, 1, 31), date(2027, 4, 30), date(2027, 7, 31), date(2027, 10, 31),
        date(2028, 1, 31), date(2028, 4, 30), date(2028, 7, 31), date(2028, 10, 31), date(2029, 1, 31),
    ]  # fmt: skip
    plan_days = [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    expected = Counter(monthly_days[1:] + weekly_days[1:] + quarterly_days[1:] + plan_days[1:])

    # Day by day through the plan's whole life and around the leap day; elsewhere the clock jumps to each
    # due day and to the evening before it. Always at 22:00 in New York, when UTC is already on the next day.
    day_by_day = days(start + timedelta(1), date(2027, 5, 15)) + days(date(2028, 2, 1), date(2028, 3, 7))
    jumps = [due + timedelta(shift) for due in expected for shift in (-1, 0)]
    when = sorted(set(day_by_day + jumps))
    charged_on = await sim.run_on(when, hour=22)

    # Charged exactly on the due days: nothing early, nothing late, nothing twice.
    assert charged_on == dict(expected)
    found = {sub: await sim.order(sub) for sub in (month, week, quarter, four)}
    assert paid_days(found[month]) == monthly_days
    assert paid_days(found[week]) == weekly_days
    assert paid_days(found[quarter]) == quarterly_days
    assert paid_days(found[four]) == plan_days

    for sub, price in ((month, "30.00"), (week, "7.00"), (quarter, "12.00"), (four, "50.00")):
        assert {t["status"] for t in found[sub]["transactions"]} == {"PAID"}
        assert set(totals(found[sub])) == {price}
    assert [found[sub]["status"] for sub in (month, week, quarter)] == ["ACTIVE", "ACTIVE", "ACTIVE"]
    assert found[month]["nextChargeDate"] == "2029-02-28"
    assert found[quarter]["nextChargeDate"] == "2029-04-30"

    # The plan: 4 sales in all, then COMPLETED, and nothing more for the 21 months after.
    done = found[four]
    assert len(done["transactions"]) == 4
    assert (done["status"], done["paymentsRemaining"], done["nextChargeDate"]) == ("COMPLETED", 0, None)
    assert done["balanceRemaining"]["amount"] == "0.00"
    assert [t["lines"][0]["kind"] for t in done["transactions"]] == ["PAYMENT_PLAN"] * 4

    every_sale = [t for order in found.values() for t in order["transactions"]]
    assert len(every_sale) == len(monthly_days) + len(weekly_days) + len(quarterly_days) + len(plan_days)
    await assert_books_match(app, every_sale)


async def test_yearly_from_feb_29_falls_on_feb_28_then_feb_29_in_the_next_leap_year(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    year = await sim.open(subscription("Membership", "120.00", "YEAR"), date(2028, 2, 29))
    due_days = [date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)]
    next_days = ["2030-02-28", "2031-02-28", "2032-02-29", "2033-02-28"]
    assert (await sim.order(year))["nextChargeDate"] == "2029-02-28"

    # Jump to each due day: at 23:00 the evening before nothing is due; from midnight (New York) it is.
    for due, next_day in zip(due_days, next_days, strict=True):
        assert await sim.run(due - timedelta(1), hour=23) == 0
        assert await sim.run(due, hour=0) == 1
        assert await sim.run(due + timedelta(1)) == 0
        assert (await sim.order(year))["nextChargeDate"] == next_day

    order = await sim.order(year)
    assert paid_days(order) == [date(2028, 2, 29), *due_days]
    assert totals(order) == ["120.00"] * 5
    await assert_books_match(app, order["transactions"])


# --- pause and resume -------------------------------------------------------------------------------


async def test_pause_charges_nothing_and_resume_takes_the_later_date_without_skipping_installments(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    piano = await sim.open(plan("Piano", "50.00", 4), date(2027, 1, 31))  # paused Feb 10 to Apr 5
    club = await sim.open(subscription("Club", "30.00"), date(2027, 1, 31))  # paused Feb 3 to Feb 20
    gym = await sim.open(subscription("Gym", "40.00"), date(2027, 1, 31))  # paused Feb 5, resumed by hand
    assert await sim.run_days(date(2027, 2, 1), date(2027, 2, 2)) == {}

    sim.clock.now = local(date(2027, 2, 3), hour=9)
    too_soon = await sim.mutate(PAUSE, sim.rep, subscriptionId=club, resumeOn="2027-02-03")
    assert [e["code"] for e in too_soon["userErrors"]] == ["INVALID"]
    paused = await sim.ok(PAUSE, sim.rep, subscriptionId=club, resumeOn="2027-02-20")
    assert (paused["status"], paused["resumeOn"], paused["nextChargeDate"]) == (
        "PAUSED",
        "2027-02-20",
        "2027-02-28",
    )
    assert await sim.run_days(date(2027, 2, 3), date(2027, 2, 4)) == {}

    sim.clock.now = local(date(2027, 2, 5), hour=9)
    paused = await sim.ok(PAUSE, sim.rep, subscriptionId=gym)
    assert (paused["status"], paused["resumeOn"]) == ("PAUSED", None)
    assert await sim.run_days(date(2027, 2, 5), date(2027, 2, 9)) == {}

    sim.clock.now = local(date(2027, 2, 10), hour=9)
    paused = await sim.ok(PAUSE, sim.rep, subscriptionId=piano, resumeOn="2027-04-05")
    assert (paused["status"], paused["resumeOn"], paused["paymentsRemaining"]) == ("PAUSED", "2027-04-05", 3)
    assert paused["pausedAt"] is not None
    assert await sim.run_days(date(2027, 2, 10), date(2027, 2, 19)) == {}

    # The club resumes on Feb 20 without a charge: its old next date, Feb 28, is the later one.
    assert await sim.run(date(2027, 2, 20), other=1) == 0
    resumed = await sim.order(club)
    assert (resumed["status"], resumed["nextChargeDate"], resumed["resumeOn"]) == (
        "ACTIVE",
        "2027-02-28",
        None,
    )
    # Feb 28 charges the club only: the gym and the plan are paused.
    assert await sim.run_days(date(2027, 2, 21), date(2027, 3, 14)) == {date(2027, 2, 28): 1}

    # The gym, resumed by hand on Mar 15 (later than its old Feb 28): charged that day, monthly from it.
    sim.clock.now = local(date(2027, 3, 15), hour=9)
    resumed = await sim.ok(RESUME, sim.rep, subscriptionId=gym)
    assert (resumed["status"], resumed["nextChargeDate"], resumed["pausedAt"]) == (
        "ACTIVE",
        "2027-03-15",
        None,
    )
    assert await sim.run_days(date(2027, 3, 15), date(2027, 4, 4)) == {
        date(2027, 3, 15): 1,
        date(2027, 3, 31): 1,
    }

    # The plan resumes on Apr 5 and charges its second installment that day; the rest follow from it.
    assert await sim.run(date(2027, 4, 5)) == 1
    resumed = await sim.order(piano)
    assert (resumed["status"], resumed["nextChargeDate"], resumed["paymentsRemaining"]) == (
        "ACTIVE",
        "2027-05-05",
        2,
    )

    charged_on = await sim.run_days(date(2027, 4, 6), date(2027, 7, 31))
    piano_days = [date(2027, 1, 31), date(2027, 4, 5), date(2027, 5, 5), date(2027, 6, 5)]
    club_days = [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30),
        date(2027, 5, 31), date(2027, 6, 30), date(2027, 7, 31),
    ]  # fmt: skip
    gym_days = [
        date(2027, 1, 31), date(2027, 3, 15), date(2027, 4, 15), date(2027, 5, 15),
        date(2027, 6, 15), date(2027, 7, 15),
    ]  # fmt: skip
    assert charged_on == dict(Counter(d for d in piano_days + club_days + gym_days if d > date(2027, 4, 5)))

    found = {sub: await sim.order(sub) for sub in (piano, club, gym)}
    assert paid_days(found[piano]) == piano_days
    assert paid_days(found[club]) == club_days
    assert paid_days(found[gym]) == gym_days
    # The plan still charged exactly its 4 installments, none skipped.
    assert totals(found[piano]) == ["50.00"] * 4
    assert (found[piano]["status"], found[piano]["paymentsRemaining"]) == ("COMPLETED", 0)
    await assert_books_match(app, [t for order in found.values() for t in order["transactions"]])

    for sub in (gym, piano):
        again = await sim.mutate(RESUME, sim.rep, subscriptionId=sub)
        assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]


# --- cancelling -------------------------------------------------------------------------------------


async def test_cancel_now_and_at_period_end(app: Starlette, api: Api, world: World) -> None:
    sim = await simulate(app, api, world)
    now = await sim.open(subscription("Club", "30.00"), date(2027, 1, 31))
    later = await sim.open(subscription("Gym", "40.00"), date(2027, 1, 31))

    sim.clock.now = local(date(2027, 2, 10))
    refused = await sim.mutate(CANCEL, sim.rep, subscriptionId=now)
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    cancelled = await sim.ok(CANCEL, sim.admin, subscriptionId=now)
    assert (cancelled["status"], cancelled["nextChargeDate"], cancelled["cancelAt"]) == (
        "CANCELLED",
        None,
        None,
    )
    ending = await sim.ok(CANCEL, sim.admin, subscriptionId=later, atPeriodEnd=True)
    assert (ending["status"], ending["cancelAt"], ending["nextChargeDate"]) == (
        "ACTIVE",
        "2027-02-28",
        "2027-02-28",
    )

    assert await sim.run_days(date(2027, 2, 10), date(2027, 2, 27)) == {}
    # The last evening of the period, New York time, it is still active.
    assert await sim.run(date(2027, 2, 27), hour=23) == 0
    assert (await sim.order(later))["status"] == "ACTIVE"

    # Its end day: cancelled, with no charge.
    assert await sim.run(date(2027, 2, 28), hour=0, other=1) == 0
    ended = await sim.order(later)
    assert (ended["status"], ended["nextChargeDate"]) == ("CANCELLED", None)

    assert await sim.run_days(date(2027, 2, 28), date(2027, 3, 31)) == {}
    assert await sim.run(date(2028, 1, 31)) == 0
    found = [await sim.order(sub) for sub in (now, later)]
    assert [paid_days(order) for order in found] == [[date(2027, 1, 31)], [date(2027, 1, 31)]]
    assert [order["status"] for order in found] == ["CANCELLED", "CANCELLED"]
    await assert_books_match(app, [t for order in found for t in order["transactions"]])

    for sub in (now, later):
        again = await sim.mutate(PAUSE, sim.rep, subscriptionId=sub)
        assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]


# --- changes: proration, moving the date, paying a plan off -----------------------------------------


async def test_an_upgrade_with_prorate_charges_the_difference_now_and_without_it_nothing(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    club = await sim.open(subscription("Club", "30.00"), date(2027, 1, 1))
    gym = await sim.open(subscription("Gym", "30.00"), date(2027, 1, 1))

    # Day 10 of the 31-day period Jan 1 to Feb 1: Jan 10 to Jan 31, 22 days, are unused.
    sim.clock.now = local(date(2027, 1, 10))
    credit, charge = half_up(3000, 22, 31), half_up(4500, 22, 31)
    assert (credit, charge) == (2129, 3194)  # 21.2903... and 31.9354..., each to the cent

    upgraded = await sim.ok(UPDATE, sim.admin, subscriptionId=club, unitPrice="45.00", prorate=True)
    assert upgraded["unitPrice"]["amount"] == "45.00"
    assert (upgraded["credit"]["amount"], upgraded["nextChargeDate"]) == ("0.00", "2027-02-01")
    opening, proration = upgraded["transactions"]
    assert opening["total"]["amount"] == "30.00"
    assert proration["status"] == "PAID"
    assert local_day(proration["transactionDate"]) == date(2027, 1, 10)
    assert [(line["quantity"], cents(line["total"]["amount"])) for line in proration["lines"]] == [
        (1, charge),
        (1, -credit),
    ]
    assert ["22 of 31 days" in line["description"] for line in proration["lines"]] == [True, True]
    assert cents(proration["total"]["amount"]) == charge - credit == 1065

    # Without prorate: the new price and quantity from the next installment on, nothing charged now.
    changed = await sim.ok(UPDATE, sim.admin, subscriptionId=gym, unitPrice="45.00", quantity=2)
    assert (changed["quantity"], changed["unitPrice"]["amount"], changed["credit"]["amount"]) == (
        2,
        "45.00",
        "0.00",
    )
    assert totals(changed) == ["30.00"]

    # The next installments are the new prices in full, on the same day as before.
    assert await sim.run_days(date(2027, 1, 10), date(2027, 2, 1)) == {date(2027, 2, 1): 2}
    club_order, gym_order = await sim.order(club), await sim.order(gym)
    assert totals(club_order) == ["30.00", "10.65", "45.00"]
    assert [
        (line["quantity"], line["unitPrice"]["amount"]) for line in club_order["transactions"][2]["lines"]
    ] == [(1, "45.00")]
    assert totals(gym_order) == ["30.00", "90.00"]
    assert [
        (line["quantity"], line["unitPrice"]["amount"]) for line in gym_order["transactions"][1]["lines"]
    ] == [(2, "45.00")]
    await assert_books_match(app, club_order["transactions"] + gym_order["transactions"])


async def test_a_downgrade_becomes_credit_taken_off_the_next_installment(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    sub = await sim.open(subscription("Club", "45.00"), date(2027, 2, 1))

    # Feb 15 in the 28-day period Feb 1 to Mar 1: half of it unused. 20.01 / 2 = 10.005 rounds up to 10.01.
    sim.clock.now = local(date(2027, 2, 15))
    expected_credit = half_up(4500, 14, 28) - half_up(2001, 14, 28)
    assert expected_credit == 2250 - 1001 == 1249

    downgraded = await sim.ok(UPDATE, sim.admin, subscriptionId=sub, unitPrice="20.01", prorate=True)
    assert (downgraded["unitPrice"]["amount"], downgraded["credit"]["amount"]) == ("20.01", "12.49")
    assert totals(downgraded) == ["45.00"]  # nothing charged or refunded now

    assert await sim.run_days(date(2027, 2, 15), date(2027, 4, 1)) == {
        date(2027, 3, 1): 1,
        date(2027, 4, 1): 1,
    }
    order = await sim.order(sub)
    assert order["credit"]["amount"] == "0.00"
    _, reduced, full = order["transactions"]
    assert [(line["description"], line["total"]["amount"]) for line in reduced["lines"]] == [
        ("Club", "20.01"),
        ("Credit from an earlier change", "-12.49"),
    ]
    assert reduced["total"]["amount"] == "7.52"
    assert [(line["description"], line["total"]["amount"]) for line in full["lines"]] == [("Club", "20.01")]
    await assert_books_match(app, order["transactions"])


async def test_a_rep_may_move_the_next_date_but_not_change_the_price(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    sub = await sim.open(subscription("Club", "30.00"), date(2027, 1, 31))
    sim.clock.now = local(date(2027, 2, 10))

    refused = await sim.mutate(UPDATE, sim.rep, subscriptionId=sub, unitPrice="10.00", prorate=True)
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    assert refused["subscription"] is None
    past = await sim.mutate(UPDATE, sim.rep, subscriptionId=sub, nextChargeDate="2027-02-09")
    assert [(e["field"], e["code"]) for e in past["userErrors"]] == [(["input", "nextChargeDate"], "INVALID")]
    unchanged = await sim.order(sub)
    assert (unchanged["unitPrice"]["amount"], unchanged["nextChargeDate"]) == ("30.00", "2027-02-28")

    moved = await sim.ok(UPDATE, sim.rep, subscriptionId=sub, nextChargeDate="2027-03-10")
    assert (moved["nextChargeDate"], moved["unitPrice"]["amount"]) == ("2027-03-10", "30.00")

    # Feb 28 passes without a charge; later charges follow Mar 10, not Jan 31.
    charged_on = await sim.run_days(date(2027, 2, 10), date(2027, 5, 31))
    assert charged_on == {date(2027, 3, 10): 1, date(2027, 4, 10): 1, date(2027, 5, 10): 1}
    order = await sim.order(sub)
    assert paid_days(order) == [date(2027, 1, 31), date(2027, 3, 10), date(2027, 4, 10), date(2027, 5, 10)]
    assert order["nextChargeDate"] == "2027-06-10"
    await assert_books_match(app, order["transactions"])


async def test_paying_a_plan_off_charges_the_rest_in_one_sale_and_completes_it(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    sub = await sim.open(plan("Kayak", "25.00", 6), date(2027, 1, 31))
    assert await sim.run_days(date(2027, 2, 1), date(2027, 3, 5)) == {date(2027, 2, 28): 1}
    before = await sim.order(sub)
    assert (before["paymentsRemaining"], before["balanceRemaining"]["amount"]) == (4, "100.00")

    paid_off = await sim.ok(PAY_OFF, sim.rep, subscriptionId=sub)
    assert (paid_off["status"], paid_off["paymentsRemaining"], paid_off["nextChargeDate"]) == (
        "COMPLETED",
        0,
        None,
    )
    assert paid_off["balanceRemaining"]["amount"] == "0.00"
    balance = paid_off["transactions"][-1]
    assert (balance["status"], balance["total"]["amount"]) == ("PAID", "100.00")
    assert local_day(balance["transactionDate"]) == date(2027, 3, 5)
    assert [(line["quantity"], line["unitPrice"]["amount"]) for line in balance["lines"]] == [(4, "25.00")]

    # The plan's old days come and go without a charge.
    assert await sim.run_days(date(2027, 3, 6), date(2027, 4, 30)) == {}
    for later in (date(2027, 5, 31), date(2027, 6, 30), date(2027, 7, 31), date(2028, 1, 31)):
        assert await sim.run(later) == 0
    order = await sim.order(sub)
    assert totals(order) == ["25.00", "25.00", "100.00"]
    assert order["status"] == "COMPLETED"
    await assert_books_match(app, order["transactions"])

    again = await sim.mutate(PAY_OFF, sim.rep, subscriptionId=sub)
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
