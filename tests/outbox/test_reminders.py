"""The emails merchants switch on around an order: the upcoming-renewal reminder N days before a
subscription charges (once per charge), and the note when a payment plan is paid in full; both through
the outbox to a real SMTP server, with the jobs' own clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from starlette.applications import Starlette

from paydesk.billing.jobs import run_pass
from paydesk.billing.runner import Runner
from paydesk.transactions.service import Services
from tests.actions.common import GEAR_CLUB
from tests.api.test_sales import card, charged, run
from tests.helpers import Api, World, deliver_outbox, resources
from tests.outbox.smtp import Smtp

UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { renewalReminderDays emailPlanCompleted } userErrors { field code } }
}"""
ORDERS = "query($id: ID!) { customer(id: $id) { subscriptions { id kind status nextChargeDate } } }"


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def pass_at(app: Starlette, day: date) -> None:
    now = datetime.combine(day, time(12), tzinfo=UTC)
    await run_pass(Runner(services(app), clock=lambda: now))
    await deliver_outbox(app)


def subjects(smtp: Smtp) -> list[str]:
    found = []
    for envelope in smtp.messages:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append(str(message["Subject"]))
    return found


async def test_the_renewal_reminder_goes_out_on_its_day_once(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    refused = await run(api, UPDATE_ACCOUNT, admin, renewalReminderDays=61)
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "renewalReminderDays"], "INVALID")
    ]
    on = await run(api, UPDATE_ACCOUNT, admin, renewalReminderDays=3)
    assert on["account"]["renewalReminderDays"] == 3
    await charged(api, admin, world.a.customer_id, lines=[GEAR_CLUB], card=card("4242424242424242"))
    (order,) = (await api.gql(ORDERS, admin, id=world.a.customer_id))["customer"]["subscriptions"]
    charge_day = date.fromisoformat(order["nextChargeDate"])
    await deliver_outbox(app)
    smtp.messages.clear()

    await pass_at(app, charge_day - timedelta(days=4))
    assert subjects(smtp) == []
    await pass_at(app, charge_day - timedelta(days=3))
    await pass_at(app, charge_day - timedelta(days=3))  # a second pass that day sends nothing more

    (subject,) = subjects(smtp)
    assert subject.startswith("Your Gear club membership with Account alpha renews on")
    body = message_from_bytes(smtp.messages[0].content, policy=policy.default)
    assert isinstance(body, EmailMessage)
    text = body.get_body(("plain",))
    assert text is not None
    assert "$9.99 will be charged" in text.get_content()


async def test_a_paid_off_plan_sends_its_note_when_the_account_says_so(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailPlanCompleted=True)
    plan = {
        "description": "Two payments",
        "unitPrice": "10.00",
        "kind": "PAYMENT_PLAN",
        "unit": "MONTH",
        "paymentCount": 2,
    }
    await charged(api, admin, world.a.customer_id, lines=[plan], card=card("4242424242424242"))
    (order,) = (await api.gql(ORDERS, admin, id=world.a.customer_id))["customer"]["subscriptions"]
    smtp.messages.clear()

    await pass_at(app, date.fromisoformat(order["nextChargeDate"]))

    assert subjects(smtp) == ["Your Two payments with Account alpha is paid in full"]
