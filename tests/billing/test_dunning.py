"""Dunning over the API and the billing runner, on a simulated clock.

What this suite proves (issue 6 item 3 and its acceptance test, issue 5's
write-off of an installment):

- the account's policy reads back with its defaults (retry 1, 3, 5 and 7 days
  after a decline, then KEEP_PAST_DUE), only ADMIN and OWNER change it, omitted
  fields stay, and bad retry days (below 1, above 60, not increasing, more
  than 10) are INVALID on ["input", "retryDays"] and change nothing;
- an installment charged to 4000000000000341 declines on its day and is
  retried exactly on the policy's days and on no other day, at most once a
  day; Subscription.dunning shows the attempts, the first decline's day and
  the next retry (the first instant of that day in the account's time zone);
  once the retries are spent the order is PAST_DUE with no retry scheduled
  and is never charged again;
- the final action is the policy's: KEEP_PAST_DUE, CANCEL (CANCELLED), or
  WRITE_OFF (the last attempt WRITTEN_OFF, the order ACTIVE again and its next
  installment charged on its own day); custom retry days are followed and no
  retry days at all give up at the first decline;
- a hard decline (expired_card, stolen_card) skips the retries;
- changing an order's quantity while it is being retried keeps its retry day;
- a new default card (tokenizeCard with makeDefault, setDefaultPaymentMethod,
  or a card put on file through the emailed card-request link) makes an order
  in dunning or past due due at once; the next pass charges the new card and
  the order is ACTIVE with no dunning and the following installment scheduled;
- with tryOtherCards the customer's other active cards are tried, only after
  the retries are spent, before giving up; removed cards never are;
- with emailCardLink each decline emails the customer a card-request link
  (written to DATA_DIR/outbox by the test app's mailer) that takes over their
  open orders;
- writing off or marking paid the declined installment (ADMIN; REP is
  FORBIDDEN) stops its dunning, whether retrying or past due: the order goes
  on to its next installment.

Time: day 0 is the first installment's due day (one month after the opening
sale); each pass runs at noon of its day, with the runner's clock and the
mutations' clock (``resources(app).clock``) both moved there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from paydesk.billing.jobs import run_pass
from paydesk.billing.runner import PassResult, Runner
from paydesk.billing.schedule import BillingUnit, charge_date, start_of_day
from paydesk.notify.templates import long_date
from paydesk.transactions.service import Services
from tests.api.test_sales import card, charged, put_on_file, sandbox_charges
from tests.helpers import Api, Caller, Tenant, World, make_tenant, resources
from tests.web.pages import Payer

DECLINES_ALWAYS = "4000000000000341"  # generic_decline, every time (soft)
EXPIRED = "4000000000000069"  # expired_card (hard)
STOLEN = "4000000000009979"  # stolen_card (hard)
GENERIC = "4000000000000002"  # generic_decline (soft)
VISA = "4242424242424242"
MASTERCARD = "5555555555554444"

CLUB = {"description": "Club", "unitPrice": "9.99", "kind": "SUBSCRIPTION", "unit": "MONTH"}

SUBSCRIPTION = """
query($id: ID!) {
  subscription(id: $id) {
    id status nextChargeDate
    dunning { attempts since nextRetryAt }
    paymentMethod { id last4 }
    transactions {
      id status declineCode transactionDate total { amount } paymentMethod { id last4 } events { kind note }
    }
  }
}"""
CUSTOMER_ORDERS = "query($id: ID!) { customer(id: $id) { subscriptions { id } } }"
POLICY_FIELDS = "retryDays finalAction tryOtherCards emailCardLink hardDeclineCodes"
POLICY = f"{{ viewer {{ account {{ dunningPolicy {{ {POLICY_FIELDS} }} }} }} }}"
UPDATE_POLICY = f"""
mutation($i: UpdateDunningPolicyInput!) {{
  updateDunningPolicy(input: $i) {{
    account {{ dunningPolicy {{ {POLICY_FIELDS} }} }}
    userErrors {{ field code message }}
  }}
}}"""
UPDATE_SUBSCRIPTION = """
mutation($i: UpdateSubscriptionInput!) {
  updateSubscription(input: $i) { subscription { id paymentMethod { id } } userErrors { field code message } }
}"""
SET_DEFAULT = """
mutation($i: SetDefaultPaymentMethodInput!) {
  setDefaultPaymentMethod(input: $i) { paymentMethod { id isDefault } userErrors { field code } }
}"""
REMOVE_CARD = """
mutation($i: RemovePaymentMethodInput!) {
  removePaymentMethod(input: $i) { paymentMethod { id status } userErrors { field code } }
}"""
WRITE_OFF = """
mutation($i: WriteOffTransactionInput!) {
  writeOffTransaction(input: $i) { transaction { id status } userErrors { field code } }
}"""
MARK_PAID = """
mutation($i: MarkTransactionPaidInput!) {
  markTransactionPaid(input: $i) { transaction { id status } userErrors { field code } }
}"""
LINKS = (
    "query($id: ID!) { customer(id: $id) { cardTokenizationLinks { id url status takesOverOpenOrders } } }"
)


# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture
async def shop(app: Starlette, api: Api) -> Tenant:
    """One account with a user of every role, an API key and a customer (c@alpha.test)."""
    return await make_tenant(app, api, "alpha")


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def mutate(api: Api, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
    """The payload of a one-field mutation."""
    (payload,) = (await api.gql(mutation, caller, i=input)).values()
    return dict(payload)


async def done(api: Api, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
    """The payload of a one-field mutation that must succeed."""
    payload = await mutate(api, mutation, caller, **input)
    assert payload["userErrors"] == [], payload
    return payload


def problems(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def set_policy(api: Api, shop: Tenant, **policy: Any) -> dict[str, Any]:
    payload = await done(api, UPDATE_POLICY, shop.caller("admin"), **policy)
    return dict(payload["account"]["dunningPolicy"])


async def read_policy(api: Api, caller: Caller) -> dict[str, Any]:
    return dict((await api.gql(POLICY, caller))["viewer"]["account"]["dunningPolicy"])


@dataclass
class Order:
    """A monthly subscription whose first installment is due on ``due`` (day 0), now charged to ``card``."""

    id: str
    anchor: date
    due: date
    opening_card: str  # the good visa that paid the opening sale, still the customer's default
    card: str  # the card the order is charged to now

    def installment_day(self, n: int) -> date:
        return charge_date(self.anchor, BillingUnit.MONTH, n)


async def open_order(api: Api, shop: Tenant, number: str = DECLINES_ALWAYS, tz: str = "UTC") -> Order:
    """Open a monthly subscription with a good card, then switch the order to a card ``number``.

    ``tz`` is the account's time zone, whose calendar the schedule follows.
    """
    rep, customer = shop.caller("rep"), shop.customer_id
    sale = await charged(api, rep, customer, lines=[CLUB], card=card(VISA))
    assert sale["status"] == "PAID"
    (listed,) = (await api.gql(CUSTOMER_ORDERS, rep, id=customer))["customer"]["subscriptions"]
    bad = await put_on_file(api, rep, customer, number, makeDefault=False)
    updated = await done(
        api, UPDATE_SUBSCRIPTION, rep, subscriptionId=listed["id"], paymentMethodId=bad["id"]
    )
    assert updated["subscription"]["paymentMethod"]["id"] == bad["id"]
    sub = await view(api, shop, listed["id"])
    assert (sub["status"], sub["dunning"]) == ("ACTIVE", None)
    due = date.fromisoformat(sub["nextChargeDate"])
    anchor = datetime.fromisoformat(sale["transactionDate"]).astimezone(ZoneInfo(tz)).date()
    assert due == charge_date(anchor, BillingUnit.MONTH, 1)
    return Order(listed["id"], anchor, due, sale["paymentMethod"]["id"], bad["id"])


async def view(api: Api, shop: Tenant, sub_id: str) -> dict[str, Any]:
    found = (await api.gql(SUBSCRIPTION, shop.caller("viewer"), id=sub_id))["subscription"]
    assert found is not None
    return dict(found)


class Days:
    """Simulated days counted from the order's first due day; a pass runs at noon of each."""

    def __init__(self, app: Starlette, order: Order, tz: str = "UTC") -> None:
        self.app, self.order, self.tz = app, order, tz

    def day(self, k: int) -> date:
        return self.order.due + timedelta(days=k)

    def start(self, k: int) -> datetime:
        """The first instant of day k in the account's time zone (when a retry on day k falls due)."""
        return start_of_day(self.day(k), self.tz)

    def noon(self, k: int) -> datetime:
        return self.start(k) + timedelta(hours=12)

    def at(self, k: int) -> datetime:
        """Move the mutations' clock to noon of day k; that moment."""
        now = self.noon(k)
        resources(self.app).clock = lambda: now
        return now

    async def run(self, k: int) -> PassResult:
        """One jobs pass (billing and reconciliation) at noon of day k; what billing did."""
        now = self.at(k)
        return (await run_pass(Runner(services(self.app), clock=lambda: now))).billing

    async def run_on(self, at: date) -> PassResult:
        return await self.run((at - self.order.due).days)

    def offset(self, sale: dict[str, Any]) -> int:
        """The day (relative to day 0) a sale was made on, in the account's time zone."""
        local = datetime.fromisoformat(sale["transactionDate"]).astimezone(ZoneInfo(self.tz))
        return (local.date() - self.order.due).days


def installments(sub: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's sales after the one that opened it."""
    return list(sub["transactions"][1:])


def dunning_of(sub: dict[str, Any]) -> tuple[int, date, datetime | None] | None:
    """Subscription.dunning as (attempts, since, nextRetryAt)."""
    found = sub["dunning"]
    if found is None:
        return None
    retry = found["nextRetryAt"]
    return (
        found["attempts"],
        date.fromisoformat(found["since"]),
        datetime.fromisoformat(retry) if retry is not None else None,
    )


async def charge_count(app: Starlette) -> int:
    """Charges the sandbox really made, for every sale."""
    return len(await sandbox_charges(app))


async def run_through(days: Days, last: int) -> list[PassResult]:
    """A pass on every day from 0 to ``last``."""
    return [await days.run(k) for k in range(last + 1)]


def emails(app: Starlette) -> list[EmailMessage]:
    """The emails the test app's mailer wrote to DATA_DIR/outbox, oldest first."""
    folder = resources(app).settings.data_dir / "outbox"
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


UPDATE_EMAIL_TEMPLATE = """
mutation($i: UpdateEmailTemplateInput!) {
  updateEmailTemplate(input: $i) { emailTemplate { isCustom } userErrors { field code message } }
}"""


def card_requests(app: Starlette) -> list[EmailMessage]:
    """The dunning notices sent: each carries a fresh card link."""
    return [m for m in emails(app) if "did not go through" in str(m["Subject"])]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


# --- the policy -----------------------------------------------------------------------------------


async def test_the_default_policy_and_who_may_change_it(api: Api, world: World) -> None:
    default = await read_policy(api, world.a.caller("viewer"))
    assert {k: v for k, v in default.items() if k != "hardDeclineCodes"} == {
        "retryDays": [1, 3, 5, 7],
        "finalAction": "KEEP_PAST_DUE",
        "tryOtherCards": False,
        "emailCardLink": False,
    }
    assert {"expired_card", "stolen_card"} <= set(default["hardDeclineCodes"])
    assert "generic_decline" not in default["hardDeclineCodes"]

    for role in ("rep", "viewer"):
        refused = await mutate(api, UPDATE_POLICY, world.a.caller(role), retryDays=[2], finalAction="CANCEL")
        assert (refused["account"], problems(refused)) == (None, [(None, "FORBIDDEN")]), role
    assert await read_policy(api, world.a.caller("viewer")) == default

    changed = await set_policy(
        api, world.a, retryDays=[2, 4], finalAction="CANCEL", tryOtherCards=True, emailCardLink=True
    )
    assert {k: v for k, v in changed.items() if k != "hardDeclineCodes"} == {
        "retryDays": [2, 4],
        "finalAction": "CANCEL",
        "tryOtherCards": True,
        "emailCardLink": True,
    }
    # Omitted fields stay; the owner may change it too; another account keeps its own.
    owner = await done(api, UPDATE_POLICY, world.a.caller("owner"), finalAction="WRITE_OFF")
    assert owner["account"]["dunningPolicy"]["retryDays"] == [2, 4]
    assert owner["account"]["dunningPolicy"]["finalAction"] == "WRITE_OFF"
    assert owner["account"]["dunningPolicy"]["emailCardLink"] is True
    assert await read_policy(api, world.b.caller("viewer")) == default


async def test_bad_retry_days_are_invalid_and_change_nothing(api: Api, shop: Tenant) -> None:
    before = await read_policy(api, shop.caller("admin"))
    bad = {
        "zero": [0, 3],
        "over 60": [1, 61],
        "decreasing": [5, 3],
        "repeated": [2, 2],
        "negative": [-1],
        "eleven retries": list(range(1, 12)),
    }
    for why, days in bad.items():
        payload = await mutate(api, UPDATE_POLICY, shop.caller("admin"), retryDays=days, finalAction="CANCEL")
        assert payload["account"] is None, why
        assert problems(payload) == [(["input", "retryDays"], "INVALID")], why
    assert await read_policy(api, shop.caller("admin")) == before
    # The limits themselves are allowed: ten retries, the last on day 60; none at all.
    assert (await set_policy(api, shop, retryDays=[*range(1, 10), 60]))["retryDays"] == [*range(1, 10), 60]
    assert (await set_policy(api, shop, retryDays=[]))["retryDays"] == []


# --- retries on the policy's days -----------------------------------------------------------------


async def test_declines_are_retried_on_the_policy_days_then_the_order_is_past_due(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    order = await open_order(api, shop)
    days = Days(app, order)
    charges_before = await charge_count(app)

    # Nothing is due the day before.
    assert (await days.run(-1)).claimed == 0

    # day of a charge: (declines so far, the day of the next retry or None once the retries are spent)
    expected = {0: (1, 1), 1: (2, 3), 3: (3, 5), 5: (4, 7), 7: (5, None)}
    for k in range(0, 12):
        charges = await charge_count(app)
        result = await days.run(k)
        again = await days.run(k)  # a second pass the same day finds nothing due
        sub = await view(api, shop, order.id)
        assert again.claimed == 0, k
        if k not in expected:
            assert (result.claimed, await charge_count(app) - charges) == (0, 0), f"charged on day {k}"
            continue
        attempts, next_retry = expected[k]
        assert (result.declined, result.charged, await charge_count(app) - charges) == (1, 0, 1), k
        latest = installments(sub)[-1]
        assert (latest["status"], latest["declineCode"], days.offset(latest)) == (
            "DECLINED",
            "generic_decline",
            k,
        )
        assert (latest["paymentMethod"]["id"], latest["total"]["amount"]) == (order.card, "9.99")
        if next_retry is not None:
            assert sub["status"] == "ACTIVE", k
            assert dunning_of(sub) == (attempts, order.due, days.start(next_retry)), k
            assert ("retry_scheduled", f"Retry on {days.day(next_retry).isoformat()}.") in [
                (e["kind"], e["note"]) for e in latest["events"]
            ]
        else:
            assert sub["status"] == "PAST_DUE"
            assert dunning_of(sub) == (attempts, order.due, None)
            assert "dunning_ended" in [e["kind"] for e in latest["events"]]

    sub = await view(api, shop, order.id)
    assert [days.offset(s) for s in installments(sub)] == [0, 1, 3, 5, 7]
    assert {s["status"] for s in installments(sub)} == {"DECLINED"}
    assert await charge_count(app) - charges_before == 5
    # Past due for good: not even the next installment's day charges it.
    assert (await days.run_on(order.installment_day(2))).claimed == 0
    assert (await days.run_on(order.installment_day(3))).claimed == 0
    assert await charge_count(app) - charges_before == 5
    assert (await view(api, shop, order.id))["status"] == "PAST_DUE"
    # The policy did not ask for emails.
    assert card_requests(app) == []


async def test_custom_retry_days_are_followed(app: Starlette, api: Api, shop: Tenant) -> None:
    await set_policy(api, shop, retryDays=[2, 4])
    order = await open_order(api, shop)
    days = Days(app, order)

    results = await run_through(days, 9)

    assert [k for k, r in enumerate(results) if r.claimed] == [0, 2, 4]
    sub = await view(api, shop, order.id)
    assert [days.offset(s) for s in installments(sub)] == [0, 2, 4]
    assert sub["status"] == "PAST_DUE"
    assert dunning_of(sub) == (3, order.due, None)


async def test_no_retry_days_give_up_at_the_first_decline(app: Starlette, api: Api, shop: Tenant) -> None:
    await set_policy(api, shop, retryDays=[])
    order = await open_order(api, shop)
    days = Days(app, order)

    results = await run_through(days, 3)

    assert [r.claimed for r in results] == [1, 0, 0, 0]
    sub = await view(api, shop, order.id)
    assert [s["status"] for s in installments(sub)] == ["DECLINED"]
    assert (sub["status"], dunning_of(sub)) == ("PAST_DUE", (1, order.due, None))


async def test_retries_fall_on_days_of_the_account_time_zone(app: Starlette, api: Api, shop: Tenant) -> None:
    zone = "America/Los_Angeles"
    updated = await api.gql(
        "mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { userErrors { code } } }",
        shop.caller("admin"),
        i={"timezone": zone},
    )
    assert updated["updateAccount"]["userErrors"] == []
    order = await open_order(api, shop, tz=zone)
    days = Days(app, order, zone)

    await days.run(0)

    retry = days.start(1)
    assert (retry.astimezone(ZoneInfo(zone)).time(), retry.utcoffset()) == (time(0), timedelta(0))
    assert dunning_of(await view(api, shop, order.id)) == (1, order.due, retry)
    # Late on day 0 in Los Angeles is day 1 in UTC already: still not due.
    late = days.start(1) - timedelta(minutes=1)
    assert (await run_pass(Runner(services(app), clock=lambda: late))).billing.claimed == 0
    assert (await days.run(1)).declined == 1


# --- final actions --------------------------------------------------------------------------------


async def test_final_action_cancel(app: Starlette, api: Api, shop: Tenant) -> None:
    await set_policy(api, shop, finalAction="CANCEL")
    order = await open_order(api, shop)
    days = Days(app, order)

    results = await run_through(days, 8)

    assert [k for k, r in enumerate(results) if r.claimed] == [0, 1, 3, 5, 7]
    sub = await view(api, shop, order.id)
    assert (sub["status"], sub["nextChargeDate"], sub["dunning"]) == ("CANCELLED", None, None)
    assert [s["status"] for s in installments(sub)] == ["DECLINED"] * 5
    assert (await days.run_on(order.installment_day(2))).claimed == 0


async def test_final_action_write_off_goes_on_to_the_next_installment(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    await set_policy(api, shop, finalAction="WRITE_OFF")
    order = await open_order(api, shop)
    days = Days(app, order)

    results = await run_through(days, 8)

    assert [k for k, r in enumerate(results) if r.claimed] == [0, 1, 3, 5, 7]
    sub = await view(api, shop, order.id)
    assert [s["status"] for s in installments(sub)] == ["DECLINED"] * 4 + ["WRITTEN_OFF"]
    assert "written_off" in [e["kind"] for e in installments(sub)[-1]["events"]]
    assert (sub["status"], sub["dunning"]) == ("ACTIVE", None)
    second = order.installment_day(2)
    assert sub["nextChargeDate"] == second.isoformat()

    # The next installment is charged on its own day, and its decline starts dunning afresh.
    assert (await days.run_on(second - timedelta(days=1))).claimed == 0
    assert (await days.run_on(second)).declined == 1
    sub = await view(api, shop, order.id)
    assert len(installments(sub)) == 6
    assert dunning_of(sub) == (1, second, start_of_day(second + timedelta(days=1), "UTC"))


@pytest.mark.parametrize(
    ("number", "code", "final_action", "status"),
    [(EXPIRED, "expired_card", "KEEP_PAST_DUE", "PAST_DUE"), (STOLEN, "stolen_card", "CANCEL", "CANCELLED")],
)
async def test_a_hard_decline_skips_the_retries(
    app: Starlette, api: Api, shop: Tenant, number: str, code: str, final_action: str, status: str
) -> None:
    await set_policy(api, shop, finalAction=final_action)
    order = await open_order(api, shop, number)
    days = Days(app, order)

    results = await run_through(days, 8)

    assert [r.claimed for r in results] == [1] + [0] * 8
    sub = await view(api, shop, order.id)
    assert [(s["status"], s["declineCode"]) for s in installments(sub)] == [("DECLINED", code)]
    assert sub["status"] == status
    if status == "PAST_DUE":
        assert dunning_of(sub) == (1, order.due, None)
    else:
        assert sub["dunning"] is None


# --- recovery -------------------------------------------------------------------------------------


async def test_a_new_default_card_recovers_a_past_due_order(app: Starlette, api: Api, shop: Tenant) -> None:
    order = await open_order(api, shop)
    days = Days(app, order)
    await run_through(days, 9)
    assert (await view(api, shop, order.id))["status"] == "PAST_DUE"

    days.at(10)
    good = await put_on_file(api, shop.caller("rep"), shop.customer_id, MASTERCARD, makeDefault=True)
    sub = await view(api, shop, order.id)
    assert sub["paymentMethod"]["id"] == good["id"]

    result = await days.run(10)

    assert (result.claimed, result.charged) == (1, 1)
    sub = await view(api, shop, order.id)
    paid = installments(sub)[-1]
    assert (paid["status"], paid["paymentMethod"]["id"], days.offset(paid)) == ("PAID", good["id"], 10)
    assert (sub["status"], sub["dunning"]) == ("ACTIVE", None)
    assert sub["nextChargeDate"] == order.installment_day(2).isoformat()
    # The following installment is charged to the new card on its own day.
    assert (await days.run(11)).claimed == 0
    assert (await days.run_on(order.installment_day(2))).charged == 1
    sub = await view(api, shop, order.id)
    assert [s["status"] for s in installments(sub)] == ["DECLINED"] * 5 + ["PAID", "PAID"]
    assert sub["nextChargeDate"] == order.installment_day(3).isoformat()


async def test_making_a_card_the_default_recovers_an_order_being_retried(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    rep = shop.caller("rep")
    order = await open_order(api, shop)
    days = Days(app, order)
    await days.run(0)

    # A card merely put on file changes nothing.
    spare = await put_on_file(api, rep, shop.customer_id, MASTERCARD, makeDefault=False)
    assert (await days.run(0)).claimed == 0
    assert dunning_of(await view(api, shop, order.id)) == (1, order.due, days.start(1))

    await done(api, SET_DEFAULT, rep, paymentMethodId=spare["id"])
    result = await days.run(0)

    assert (result.claimed, result.charged) == (1, 1)
    sub = await view(api, shop, order.id)
    assert [(s["status"], s["paymentMethod"]["id"]) for s in installments(sub)] == [
        ("DECLINED", order.card),
        ("PAID", spare["id"]),
    ]
    assert (sub["status"], sub["dunning"], sub["paymentMethod"]["id"]) == ("ACTIVE", None, spare["id"])
    assert sub["nextChargeDate"] == order.installment_day(2).isoformat()
    # The retry once planned for day 1 does not happen.
    assert (await days.run(1)).claimed == 0


async def test_other_cards_are_tried_once_the_retries_are_spent(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    await set_policy(api, shop, tryOtherCards=True)
    order = await open_order(api, shop)
    days = Days(app, order)

    results = await run_through(days, 9)

    # Retries stay on the order's card; after the last one the visa on file is charged in the same pass.
    assert [(k, r.declined, r.charged) for k, r in enumerate(results) if r.claimed] == [
        (0, 1, 0),
        (1, 1, 0),
        (3, 1, 0),
        (5, 1, 0),
        (7, 1, 1),
    ]
    sub = await view(api, shop, order.id)
    assert [(s["status"], s["paymentMethod"]["id"], days.offset(s)) for s in installments(sub)] == [
        *(("DECLINED", order.card, k) for k in (0, 1, 3, 5, 7)),
        ("PAID", order.opening_card, 7),
    ]
    assert (sub["status"], sub["dunning"]) == ("ACTIVE", None)
    assert sub["paymentMethod"]["id"] == order.opening_card
    assert sub["nextChargeDate"] == order.installment_day(2).isoformat()


async def test_when_every_other_card_declines_too_the_order_is_past_due(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    rep = shop.caller("rep")
    await set_policy(api, shop, tryOtherCards=True)
    order = await open_order(api, shop)
    other = await put_on_file(api, rep, shop.customer_id, GENERIC, makeDefault=False)
    # A removed card is never tried.
    await done(api, REMOVE_CARD, rep, paymentMethodId=order.opening_card)
    days = Days(app, order)

    results = await run_through(days, 9)

    assert [(k, r.declined) for k, r in enumerate(results) if r.claimed] == [
        (0, 1),
        (1, 1),
        (3, 1),
        (5, 1),
        (7, 2),
    ]
    sub = await view(api, shop, order.id)
    assert [s["paymentMethod"]["id"] for s in installments(sub)] == [order.card] * 5 + [other["id"]]
    assert {s["status"] for s in installments(sub)} == {"DECLINED"}
    assert sub["status"] == "PAST_DUE"
    assert sub["dunning"]["nextRetryAt"] is None


async def test_each_decline_emails_a_card_request_and_the_new_card_recovers_the_order(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    await set_policy(api, shop, emailCardLink=True)
    order = await open_order(api, shop)
    days = Days(app, order)

    # One email per decline, sent with it; day 2 has no retry, so no decline and no email.
    for k, count in {0: 1, 1: 2, 2: 2, 3: 3}.items():
        await days.run(k)
        assert len(card_requests(app)) == count, k
    for k in range(4, 10):
        await days.run(k)
    sent = card_requests(app)
    assert len(sent) == 5  # one per decline: days 0, 1, 3, 5 and 7
    assert {m["To"] for m in sent} == {"c@alpha.test"}
    # The notice says what was declined and when the card is tried next; the last one has no next try.
    first, last = text_of(sent[0]), text_of(sent[-1])
    assert "Your payment of $9.99 for Club was declined" in first
    assert f"We will try your card again on {long_date(order.due + timedelta(days=1))}." in first
    assert "We will try your card again" not in last

    links = (await api.gql(LINKS, shop.caller("viewer"), id=shop.customer_id))["customer"][
        "cardTokenizationLinks"
    ]
    assert len(links) == 5
    assert {(link["status"], link["takesOverOpenOrders"]) for link in links} == {("ACTIVE", True)}
    # Each email carries its own link.
    emailed = [[link["url"] for link in links if link["url"] in text_of(m)] for m in sent]
    assert sorted(url for found in emailed for url in found) == sorted(link["url"] for link in links)
    assert [len(found) for found in emailed] == [1] * 5
    assert (await view(api, shop, order.id))["status"] == "PAST_DUE"

    # The customer follows the last email's link and puts a good card on file.
    (newest,) = emailed[-1]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await Payer(client).send_card(httpx.URL(newest).path, number="5555 5555 5555 4444")
    assert response.status_code == 200, response.text

    result = await days.run(10)

    assert (result.claimed, result.charged) == (1, 1)
    sub = await view(api, shop, order.id)
    assert sub["paymentMethod"]["last4"] == "4444"
    assert installments(sub)[-1]["status"] == "PAID"
    assert (sub["status"], sub["dunning"]) == ("ACTIVE", None)


async def test_the_dunning_notice_goes_out_in_the_accounts_wording_with_its_card_link(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    await set_policy(api, shop, emailCardLink=True)
    rewritten = await done(
        api,
        UPDATE_EMAIL_TEMPLATE,
        shop.caller("admin"),
        kind="DUNNING_NOTICE",
        subject="{{ description }}: your card did not go through",
        body="{{ amount }} declined.{% if next_try %} Next try {{ next_try|long_date }}.{% endif %}\n{{ url }}",
    )
    assert rewritten["emailTemplate"]["isCustom"] is True
    order = await open_order(api, shop)

    await Days(app, order).run(0)

    (notice,) = card_requests(app)
    assert str(notice["Subject"]) == "Club: your card did not go through"
    text = text_of(notice)
    assert text.startswith(f"$9.99 declined. Next try {long_date(order.due + timedelta(days=1))}.")
    (link,) = (await api.gql(LINKS, shop.caller("viewer"), id=shop.customer_id))["customer"][
        "cardTokenizationLinks"
    ]
    assert link["url"] in text


# --- staff close the installment ------------------------------------------------------------------


@pytest.mark.parametrize(("action", "stage"), [("write off", "retrying"), ("mark paid", "past due")])
async def test_closing_the_declined_installment_ends_its_dunning(
    app: Starlette, api: Api, shop: Tenant, action: str, stage: str
) -> None:
    order = await open_order(api, shop)
    days = Days(app, order)
    last_day = 0 if stage == "retrying" else 7
    await run_through(days, last_day)
    sub = await view(api, shop, order.id)
    assert sub["status"] == ("ACTIVE" if stage == "retrying" else "PAST_DUE")
    declined = installments(sub)[-1]
    assert declined["status"] == "DECLINED"
    mutation, input, status = (
        (WRITE_OFF, {"reason": "Settled by phone"}, "WRITTEN_OFF")
        if action == "write off"
        else (MARK_PAID, {"note": "Paid by check"}, "PAID")
    )

    refused = await mutate(api, mutation, shop.caller("rep"), transactionId=declined["id"], **input)
    assert problems(refused) == [(None, "FORBIDDEN")]
    assert dunning_of(await view(api, shop, order.id)) is not None

    days.at(last_day)
    closed = await done(api, mutation, shop.caller("admin"), transactionId=declined["id"], **input)

    assert closed["transaction"]["status"] == status
    sub = await view(api, shop, order.id)
    assert (sub["status"], sub["dunning"]) == ("ACTIVE", None)
    second = order.installment_day(2)
    assert sub["nextChargeDate"] == second.isoformat()
    # No retry of the closed installment; the next one is charged on its day.
    charges = await charge_count(app)
    for k in range(last_day, 9):
        assert (await days.run(k)).claimed == 0, k
    assert await charge_count(app) == charges
    assert (await days.run_on(second)).declined == 1
    sub = await view(api, shop, order.id)
    assert days.offset(installments(sub)[-1]) == (second - order.due).days
    assert dunning_of(sub) == (1, second, start_of_day(second + timedelta(days=1), "UTC"))


async def test_changing_the_order_while_retrying_keeps_the_retry_day(
    app: Starlette, api: Api, shop: Tenant
) -> None:
    order = await open_order(api, shop)
    days = Days(app, order)
    await days.run(0)

    days.at(0)
    await done(api, UPDATE_SUBSCRIPTION, shop.caller("admin"), subscriptionId=order.id, quantity=2)

    sub = await view(api, shop, order.id)
    assert dunning_of(sub) == (1, order.due, days.start(1))
    assert (await days.run(0)).claimed == 0
    assert (await days.run(1)).declined == 1
    sub = await view(api, shop, order.id)
    assert [days.offset(s) for s in installments(sub)] == [0, 1]
