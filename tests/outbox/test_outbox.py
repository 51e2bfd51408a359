"""One unit of work and the email outbox (DESIGN.md, "One unit of work").

A change and what should follow it (an email, an event) commit together or
not at all; the email goes out afterwards, from the outbox job, through a
real SMTP server (aiosmtpd on loopback). So a rolled-back change sends and
records nothing, a crash after commit loses nothing, two workers send each
email once, a server that says "later" gets it on the backoff schedule, and
a mail server that hangs holds no sale's transaction open.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select
from starlette.applications import Starlette

from paydesk.events import record_event
from paydesk.invoices import service as invoices
from paydesk.models import Event, Invoice, OutgoingEmail, PaymentMethod, SandboxToken
from paydesk.notify.email import OUTBOX_DIR
from paydesk.outbox import delivery
from paydesk.outbox.delivery import CLAIM_FOR, deliver_emails
from paydesk.unit_of_work import NoUnitOfWork, end_phase, unit_of_work
from tests.actions.common import MARK_PAID, REFUND, RESEND, act, declined_charge, paid_charge, paid_log
from tests.api.test_sales import card, charge, problems, run
from tests.helpers import Api, World, deliver_outbox, resources
from tests.outbox.smtp import Smtp

UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { emailInvoices } userErrors { code } }
}"""


async def emails(app: Starlette) -> list[OutgoingEmail]:
    async with resources(app).sessions() as db:
        return list(await db.exec(select(OutgoingEmail).order_by(col(OutgoingEmail.created_at))))


async def events_of(app: Starlette, type: str | None = None) -> list[Event]:
    async with resources(app).sessions() as db:
        query = select(Event).order_by(col(Event.created_at), col(Event.id))
        if type is not None:
            query = query.where(col(Event.type) == type)
        return list(await db.exec(query))


async def queued_resends(api: Api, world: World, app: Starlette, count: int) -> str:
    """``count`` invoice emails committed to the outbox and not sent yet; the sale's id."""
    admin = world.a.caller("admin")
    sale = await paid_log(api, admin, world.a.customer_id)
    for _ in range(count):
        payload = await act(api, RESEND, admin, transactionId=sale["id"])
        assert payload["userErrors"] == [], payload
    assert [e.status for e in await emails(app)] == ["PENDING"] * count
    return str(sale["id"])


# --- the unit of work -----------------------------------------------------------------------------


async def test_a_change_that_rolls_back_queues_nothing_records_no_event_and_rings_no_bell(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    res = resources(app)
    sale = await paid_log(api, world.a.caller("admin"), world.a.customer_id)
    before = len(await events_of(app))
    res.outbox_bell.clear()

    async def failing_change() -> None:
        async with unit_of_work(res.sessions) as db:
            (invoice,) = await invoices.invoice_for_transactions(db, world.a.account_id, [sale["id"]])
            await invoices.queue_invoice_email(db, res.secret, "https://pay.example.test", invoice)
            record_event(db, world.a.account_id, "transaction.paid", {"id": sale["id"]}, actor=None)
            raise RuntimeError("the change failed after the email was queued")

    with pytest.raises(RuntimeError, match="after the email was queued"):
        await failing_change()

    assert await emails(app) == []
    assert len(await events_of(app)) == before
    assert not res.outbox_bell.is_set()
    assert (await deliver_outbox(app)).sent == 0
    assert smtp.messages == []


async def test_a_commit_that_queued_an_email_rings_the_bell_and_a_phase_needs_a_boundary(
    app: Starlette, api: Api, world: World
) -> None:
    res = resources(app)
    sale = await paid_log(api, world.a.caller("admin"), world.a.customer_id)
    res.outbox_bell.clear()

    async with unit_of_work(res.sessions) as db:
        (invoice,) = await invoices.invoice_for_transactions(db, world.a.account_id, [sale["id"]])
        await invoices.queue_invoice_email(db, res.secret, "https://pay.example.test", invoice)
        assert not res.outbox_bell.is_set()  # not before the commit
    assert res.outbox_bell.is_set()

    async with res.sessions() as db:
        with pytest.raises(NoUnitOfWork):
            await end_phase(db, "pending")


async def test_a_typed_card_is_tokenized_only_after_the_sale_checks_pass(
    app: Starlette, api: Api, world: World
) -> None:
    admin = world.a.caller("admin")
    made_up_template = "itpl_" + "x" * 22

    refused = await charge(
        api, admin, world.a.customer_id, invoiceTemplateId=made_up_template, card=card("4242424242424242")
    )

    assert problems(refused) == [(["input", "invoiceTemplateId"], "NOT_FOUND")]
    async with resources(app).sessions() as db:
        assert (await db.exec(select(func.count()).select_from(SandboxToken))).one() == 0
        assert (await db.exec(select(func.count()).select_from(PaymentMethod))).one() == 0


# --- the outbox job -------------------------------------------------------------------------------


async def test_an_email_of_a_paid_sale_is_sent_after_the_commit_not_in_the_mutation(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)

    sale = await paid_charge(api, admin, world.a.customer_id)

    assert smtp.messages == []
    [email] = await emails(app)
    assert (email.purpose, email.recipient, email.status) == ("invoice", "c@alpha.test", "PENDING")
    assert email.message_encrypted is not None
    assert "4242" not in email.message_encrypted
    assert (await deliver_outbox(app)).sent == 1
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["c@alpha.test"]
    [sent] = await emails(app)
    assert (sent.status, sent.attempts, sent.message_encrypted) == ("SENT", 1, None)
    assert sent.message_id is not None
    async with resources(app).sessions() as db:
        invoice = (await db.exec(select(Invoice).where(col(Invoice.transaction_id) == sale["id"]))).one()
    assert invoice.last_sent_at == sent.sent_at


async def test_a_hanging_mail_server_holds_no_sale_open(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)
    smtp.hang = True
    sale = await paid_charge(api, admin, world.a.customer_id)
    sending = asyncio.create_task(deliver_outbox(app))
    deadline = time.monotonic() + 10
    while not smtp.hanging.is_set():
        assert time.monotonic() < deadline, "the outbox job reached the mail server"
        await asyncio.sleep(0.02)

    # The sale's row is free: a refund locks it, changes it and commits while the email hangs.
    refund = await act(api, REFUND, admin, transactionId=sale["id"], amount="10.00")

    assert refund["userErrors"] == [], refund
    assert refund["transaction"]["status"] == "PARTIALLY_REFUNDED"
    assert not sending.done()
    smtp.release.set()
    assert (await sending).sent == 1


async def test_an_email_committed_before_a_crash_is_sent_once_the_crashed_claim_runs_out(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    res = resources(app)
    await queued_resends(api, world, app, 1)
    now = datetime.now(UTC)
    # A worker claims it and dies before handing it over.
    [claimed] = await delivery._claim(res.sessions, now, 50)

    assert (await deliver_emails(res.sessions, res.mailer, res.secret, now=now)).sent == 0
    later = now + CLAIM_FOR + timedelta(seconds=1)
    assert (await deliver_emails(res.sessions, res.mailer, res.secret, now=later)).sent == 1
    assert len(smtp.messages) == 1
    [sent] = await emails(app)
    assert (sent.id, sent.status, sent.attempts) == (claimed.id, "SENT", 2)


async def test_two_workers_send_each_email_once(app: Starlette, api: Api, world: World, smtp: Smtp) -> None:
    res = resources(app)
    await queued_resends(api, world, app, 6)

    one, two = await asyncio.gather(
        deliver_emails(res.sessions, res.mailer, res.secret),
        deliver_emails(res.sessions, res.mailer, res.secret),
    )

    assert one.sent + two.sent == 6
    assert len(smtp.messages) == 6
    assert {e.status for e in await emails(app)} == {"SENT"}
    assert (await deliver_outbox(app)).sent == 0


async def test_a_server_that_says_later_gets_the_email_on_the_backoff_schedule(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    res = resources(app)
    sale_id = await queued_resends(api, world, app, 1)
    smtp.reply = "451 4.3.0 Mailbox busy, try later"
    now = datetime.now(UTC)

    first = await deliver_emails(res.sessions, res.mailer, res.secret, now=now)

    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    [waiting] = await emails(app)
    assert waiting.next_attempt_at == now + delivery.BACKOFF[0]
    assert waiting.last_error is not None
    assert "451" in waiting.last_error
    smtp.reply = None
    assert (
        await deliver_emails(res.sessions, res.mailer, res.secret, now=now + timedelta(seconds=30))
    ).sent == 0
    assert (
        await deliver_emails(res.sessions, res.mailer, res.secret, now=now + timedelta(seconds=61))
    ).sent == 1
    assert len(smtp.messages) == 1
    async with res.sessions() as db:
        invoice = (await db.exec(select(Invoice).where(col(Invoice.transaction_id) == sale_id))).one()
    assert invoice.last_sent_at is not None


async def test_an_email_that_keeps_failing_is_given_up_after_its_last_attempt(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    res = resources(app)
    await queued_resends(api, world, app, 1)
    smtp.reply = "421 4.7.0 Try again later"
    at = datetime.now(UTC)
    outcomes = []
    for _ in range(delivery.MAX_ATTEMPTS):
        outcomes.append(await deliver_emails(res.sessions, res.mailer, res.secret, now=at))
        at += timedelta(days=1)

    assert [o.retrying for o in outcomes] == [1] * (delivery.MAX_ATTEMPTS - 1) + [0]
    assert outcomes[-1].failed == 1
    [given_up] = await emails(app)
    assert (given_up.status, given_up.attempts, given_up.message_encrypted) == (
        "FAILED",
        delivery.MAX_ATTEMPTS,
        None,
    )


# --- events ----------------------------------------------------------------------------------------


async def test_transaction_paid_is_recorded_for_charged_logged_and_marked_paid_sales_alike(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    charged = await paid_charge(api, admin, customer, "12.00")
    logged = await paid_log(api, admin, customer, "30.00")
    declined = await declined_charge(api, admin, customer)
    assert [e.type for e in await events_of(app, "transaction.paid")] == ["transaction.paid"] * 2
    marked = await act(api, MARK_PAID, admin, transactionId=declined["id"])
    assert marked["userErrors"] == [], marked

    paid = await events_of(app, "transaction.paid")

    data = [json.loads(event.data_json) for event in paid]
    assert [(d["id"], d["origin"], d["status"]) for d in data] == [
        (charged["id"], "CHARGED", "PAID"),
        (logged["id"], "LOGGED", "PAID"),
        (declined["id"], "CHARGED", "PAID"),
    ]
    assert data[0]["total"] == {"amount": "12.00", "currency": "USD", "minorUnits": 1200}
    assert data[2]["markedPaidAt"] is not None
    assert [line["description"] for line in data[1]["lines"]] == ["Service"]
    assert {(e.account_id, e.actor_type) for e in paid} == {(world.a.account_id, "USER")}
    assert all(e.id.startswith("evt_") for e in paid)


async def test_a_refused_mutation_records_no_event(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    before = await events_of(app)

    refused = await run(
        api,
        "mutation($i: LogTransactionInput!) { logTransaction(input: $i) { transaction { id } userErrors { code } } }",
        admin,
        customerId=world.a.customer_id,
        lines=[{"description": "Later", "unitPrice": "5.00"}],
        transactionDate=future,
    )

    assert refused["transaction"] is None
    assert [e.id for e in await events_of(app)] == [e.id for e in before]


@pytest.mark.parametrize("settings_overrides", [{"jobs": True, "jobs_interval": 60}])
async def test_a_serving_process_sends_at_once_when_its_commit_rings_the_bell(
    app: Starlette, api: Api, world: World
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)
    folder = Path(resources(app).settings.data_dir) / OUTBOX_DIR

    await paid_log(api, admin, world.a.customer_id)

    # The jobs' next pass is a minute away: only the bell can send it this soon.
    deadline = time.monotonic() + 10
    while [e.status for e in await emails(app)] != ["SENT"]:
        assert time.monotonic() < deadline, "the invoice email went out within seconds"
        await asyncio.sleep(0.05)
    assert len(list(folder.glob("*.eml"))) == 1


EMAILS = """
query($id: ID!) { customer(id: $id) { emails(first: 10) { totalCount edges { node {
  purpose to subject status attempts sentAt error } } } } }"""


async def test_the_customer_page_lists_each_email_with_how_it_went(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    sale_id = await queued_resends(api, world, app, 1)
    await deliver_outbox(app)
    smtp.reply = "550 5.1.1 Mailbox unavailable"
    await act(api, RESEND, world.a.caller("admin"), transactionId=sale_id)
    await deliver_outbox(app)

    log = (await api.gql(EMAILS, world.a.caller("viewer"), id=world.a.customer_id))["customer"]["emails"]
    elsewhere = await api.gql(EMAILS, world.b.caller("admin"), id=world.a.customer_id)

    assert log["totalCount"] == 2
    failed, sent = (edge["node"] for edge in log["edges"])
    assert (sent["purpose"], sent["to"], sent["status"], sent["attempts"], sent["error"]) == (
        "invoice",
        "c@alpha.test",
        "SENT",
        1,
        None,
    )
    assert sent["subject"].startswith("Invoice INV-")
    assert sent["sentAt"] is not None
    assert (failed["status"], failed["sentAt"]) == ("FAILED", None)
    assert "550" in failed["error"]
    assert elsewhere["customer"] is None
