"""Mark paid, write off and resend invoice over the API (DESIGN.md, "Transaction actions by status").

markTransactionPaid turns a DECLINED, FAILED or WRITTEN_OFF sale PAID as
paid outside paydesk: the origin stays, ``markedPaidAt`` is the given
``paidAt`` (default now, never in the future, always with a time zone), an
event says so with the note, the invoice is issued now, and later refunds
are only recorded. writeOffTransaction keeps its reason on the event.
resendInvoice queues the invoice's email in the outbox (to the customer or
a given address); the outbox job sends it through a real SMTP server
(aiosmtpd on loopback, set as PAYDESK_SMTP_URL) after the change commits,
then sets ``lastSentAt`` and adds an "invoice_sent" event. A sale without an
invoice and a bad or missing address are userErrors that change nothing; a
mail server that refuses the recipient has the email given up, and nothing
else changes. REPs may resend.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.gateways.base import ChargeStatus
from paydesk.models import SandboxRefund
from tests.actions.common import (
    MARK_PAID,
    REFUND,
    RESEND,
    SALE,
    WRITE_OFF,
    act,
    declined_charge,
    failed_charge,
    paid_charge,
    paid_log,
)
from tests.api.test_sales import CREATE_CUSTOMER, problems, run, sandbox_charges
from tests.helpers import Api, Caller, World, deliver_outbox, resources
from tests.net import free_port

# The sale, and when its invoice was issued.
SALE_QUERY = f"query($id: ID!) {{ transaction(id: $id) {{ {SALE} invoice {{ issuedAt url }} }} }}"
UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { emailInvoices } userErrors { code } }
}"""
ACCOUNT_NAME = "Account alpha"


# --- a real SMTP server ---------------------------------------------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message; with ``refusal`` set it refuses every recipient."""

    port: int
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refusal: str | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refusal is not None:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def settings_overrides(inbox: Inbox) -> dict[str, Any]:
    return {"smtp_url": f"smtp://127.0.0.1:{inbox.port}"}


# --- helpers --------------------------------------------------------------------------------------


async def read(api: Api, caller: Caller, transaction_id: str) -> dict[str, Any]:
    return dict((await api.gql(SALE_QUERY, caller, id=transaction_id))["transaction"])


async def gateway_refunds(app: Starlette, charge_id: str) -> list[SandboxRefund]:
    async with resources(app).sessions() as db:
        return list(await db.exec(select(SandboxRefund).where(col(SandboxRefund.charge_id) == charge_id)))


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def events(sale: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["note"]) for e in sale["events"]]


async def resend(api: Api, caller: Caller, transaction_id: str, **input: Any) -> dict[str, Any]:
    return await act(api, RESEND, caller, transactionId=transaction_id, **input)


async def customer_without_email(api: Api, caller: Caller) -> str:
    payload = await run(api, CREATE_CUSTOMER, caller, firstName="Noemail")
    assert payload["userErrors"] == [], payload
    return str(payload["customer"]["id"])


# --- mark paid ------------------------------------------------------------------------------------


async def test_a_declined_charge_marked_paid_keeps_its_origin_and_gets_an_invoice_now(
    app: Starlette, api: Api, world: World
) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    sale = await declined_charge(api, admin, customer)
    assert sale["invoice"] is None
    paid_at = "2024-03-01T10:30:00+02:00"

    before = datetime.now(UTC)
    payload = await act(api, MARK_PAID, admin, transactionId=sale["id"], note="Cheque 1042", paidAt=paid_at)
    after = datetime.now(UTC)

    assert payload["userErrors"] == [], payload
    marked = await read(api, admin, sale["id"])
    assert (marked["status"], marked["origin"]) == ("PAID", "CHARGED")
    assert when(marked["markedPaidAt"]) == when(paid_at)
    assert ("marked_paid", "Paid outside paydesk on 2024-03-01. Cheque 1042") in events(marked)
    assert next(e for e in marked["events"] if e["kind"] == "marked_paid")["amount"]["minorUnits"] == 10000
    assert marked["invoice"] is not None
    assert before - timedelta(seconds=1) <= when(marked["invoice"]["issuedAt"]) <= after
    assert "invoice_issued" in [kind for kind, _ in events(marked)]
    assert marked["refundableAmount"]["amount"] == "100.00"
    assert payload["transaction"]["status"] == "PAID"
    # The gateway's own record of the declined charge is untouched.
    [row] = await sandbox_charges(app, sale["id"])
    assert (row.status, row.decline_code) == (ChargeStatus.DECLINED.value, "generic_decline")


async def test_paid_at_defaults_to_now(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await failed_charge(api, admin, world.a.customer_id)

    before = datetime.now(UTC)
    payload = await act(api, MARK_PAID, admin, transactionId=sale["id"])
    after = datetime.now(UTC)

    assert payload["userErrors"] == [], payload
    marked = await read(api, admin, sale["id"])
    assert marked["status"] == "PAID"
    assert before - timedelta(seconds=1) <= when(marked["markedPaidAt"]) <= after
    [(_, note)] = [e for e in events(marked) if e[0] == "marked_paid"]
    assert note == f"Paid outside paydesk on {when(marked['markedPaidAt']):%Y-%m-%d}."


@pytest.mark.parametrize(
    "paid_at",
    [
        pytest.param((datetime.now(UTC) + timedelta(days=1)).isoformat(), id="tomorrow"),
        pytest.param("2024-03-01T10:30:00", id="no time zone"),
    ],
)
async def test_paid_at_in_the_future_or_without_a_time_zone_is_invalid(
    api: Api, world: World, paid_at: str
) -> None:
    admin = world.a.caller("admin")
    sale = await declined_charge(api, admin, world.a.customer_id)
    unchanged = await read(api, admin, sale["id"])

    payload = await act(api, MARK_PAID, admin, transactionId=sale["id"], paidAt=paid_at)

    assert payload["transaction"] is None
    assert problems(payload) == [(["input", "paidAt"], "INVALID")]
    assert await read(api, admin, sale["id"]) == unchanged


async def test_a_sale_marked_paid_is_refunded_by_record_only(app: Starlette, api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await declined_charge(api, admin, world.a.customer_id)
    marked = await act(api, MARK_PAID, admin, transactionId=sale["id"], note="Bank transfer")
    assert marked["userErrors"] == [], marked

    payload = await act(api, REFUND, admin, transactionId=sale["id"], amount="30.00", reason="Damaged")

    assert payload["userErrors"] == [], payload
    refunded = payload["transaction"]
    assert refunded["status"] == "PARTIALLY_REFUNDED"
    [refund] = refunded["refunds"]
    assert (refund["status"], refund["throughGateway"], refund["externalId"]) == ("SUCCEEDED", False, None)
    assert refund["amount"]["amount"] == "30.00"
    assert (
        "refunded",
        "Recorded only: the sale was marked paid outside paydesk, so the money goes back the same way."
        " Damaged",
    ) in events(refunded)
    assert refunded["refundableAmount"]["amount"] == "70.00"
    [charge] = await sandbox_charges(app, sale["id"])
    assert await gateway_refunds(app, charge.id) == []  # the gateway never heard of the refund


async def test_only_declined_failed_or_written_off_sales_can_be_marked_paid(api: Api, world: World) -> None:
    admin, customer = world.a.caller("admin"), world.a.customer_id
    paid = await paid_charge(api, admin, customer)
    logged = await paid_log(api, admin, customer)

    for sale in (paid, logged):
        payload = await act(api, MARK_PAID, admin, transactionId=sale["id"])
        assert problems(payload) == [(["input", "transactionId"], "INVALID_STATE")]
        assert payload["transaction"] is None
    again = await declined_charge(api, admin, customer)
    assert (await act(api, MARK_PAID, admin, transactionId=again["id"]))["userErrors"] == []
    twice = await act(api, MARK_PAID, admin, transactionId=again["id"])
    assert problems(twice) == [(["input", "transactionId"], "INVALID_STATE")]


# --- write off ------------------------------------------------------------------------------------


async def test_a_write_off_keeps_its_reason_and_can_still_be_marked_paid(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sale = await failed_charge(api, admin, world.a.customer_id)

    payload = await act(
        api, WRITE_OFF, admin, transactionId=sale["id"], reason="  Customer closed the shop  "
    )

    assert payload["userErrors"] == [], payload
    written_off = payload["transaction"]
    assert written_off["status"] == "WRITTEN_OFF"
    last = written_off["events"][-1]
    assert (last["kind"], last["note"], last["amount"]["minorUnits"]) == (
        "written_off",
        "Customer closed the shop",
        10000,
    )
    assert written_off["invoice"] is None
    twice = await act(api, WRITE_OFF, admin, transactionId=sale["id"])
    assert problems(twice) == [(["input", "transactionId"], "INVALID_STATE")]
    marked = await act(api, MARK_PAID, admin, transactionId=sale["id"], note="Paid in cash after all")
    assert marked["userErrors"] == [], marked
    assert (marked["transaction"]["status"], marked["transaction"]["origin"]) == ("PAID", "CHARGED")
    assert marked["transaction"]["invoice"] is not None


# --- resend invoice -------------------------------------------------------------------------------


async def test_resend_queues_the_invoice_email_which_the_outbox_sends_and_then_sets_last_sent_at(
    app: Starlette, api: Api, world: World, inbox: Inbox
) -> None:
    admin = world.a.caller("admin")
    sale = await paid_charge(api, admin, world.a.customer_id)
    issued = await read(api, admin, sale["id"])
    invoice = issued["invoice"]
    assert invoice["lastSentAt"] is None
    assert inbox.messages == []  # the account does not email invoices by itself (emailInvoices is off)

    payload = await resend(api, admin, sale["id"])

    assert payload["userErrors"] == [], payload
    assert payload["invoice"]["id"] == invoice["id"]
    # Committed and queued, not sent: nothing talks to the mail server inside the mutation.
    assert inbox.messages == []
    queued = await read(api, admin, sale["id"])
    assert queued["invoice"]["lastSentAt"] is None
    assert "invoice_sent" not in [kind for kind, _ in events(queued)]

    before = datetime.now(UTC)
    assert (await deliver_outbox(app)).sent == 1
    after = datetime.now(UTC)

    [(recipients, message)] = inbox.messages
    assert recipients == ["c@alpha.test"]
    assert message["To"] == "c@alpha.test"
    assert message["Subject"] == f"Invoice {invoice['number']} from {ACCOUNT_NAME}"
    text = message.get_body(("plain",))
    assert text is not None
    assert invoice["url"] in text.get_content()
    sent = await read(api, admin, sale["id"])
    assert before - timedelta(seconds=1) <= when(sent["invoice"]["lastSentAt"]) <= after
    assert events(sent)[-1] == ("invoice_sent", invoice["number"])
    assert (await deliver_outbox(app)).sent == 0  # sent once


async def test_resend_to_a_given_address(app: Starlette, api: Api, world: World, inbox: Inbox) -> None:
    rep = world.a.caller("rep")
    sale = await paid_log(api, world.a.caller("admin"), world.a.customer_id)

    payload = await resend(api, rep, sale["id"], email=" Books@Example.com ")
    await deliver_outbox(app)

    assert payload["userErrors"] == [], payload
    assert (await read(api, rep, sale["id"]))["invoice"]["lastSentAt"] is not None
    [(recipients, message)] = inbox.messages
    assert recipients == ["books@example.com"]
    assert message["To"] == "books@example.com"


async def test_with_email_invoices_on_a_sale_marked_paid_emails_its_invoice(
    app: Starlette, api: Api, world: World, inbox: Inbox
) -> None:
    admin = world.a.caller("admin")
    setting = await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)
    assert setting == {"account": {"emailInvoices": True}, "userErrors": []}
    sale = await declined_charge(api, admin, world.a.customer_id)
    await deliver_outbox(app)
    assert inbox.messages == []

    payload = await act(api, MARK_PAID, admin, transactionId=sale["id"])
    await deliver_outbox(app)

    assert payload["userErrors"] == [], payload
    invoice = payload["transaction"]["invoice"]
    assert (await read(api, admin, sale["id"]))["invoice"]["lastSentAt"] is not None
    [(recipients, message)] = inbox.messages
    assert recipients == ["c@alpha.test"]
    assert message["Subject"] == f"Invoice {invoice['number']} from {ACCOUNT_NAME}"


async def test_a_sale_without_an_invoice_cannot_resend(
    app: Starlette, api: Api, world: World, inbox: Inbox
) -> None:
    admin = world.a.caller("admin")
    sale = await declined_charge(api, admin, world.a.customer_id)

    payload = await resend(api, admin, sale["id"])
    await deliver_outbox(app)

    assert payload["invoice"] is None
    assert problems(payload) == [(["input", "transactionId"], "INVALID_STATE")]
    assert inbox.messages == []


async def test_an_invalid_or_missing_address_is_invalid_on_email(
    app: Starlette, api: Api, world: World, inbox: Inbox
) -> None:
    admin = world.a.caller("admin")
    sale = await paid_log(api, admin, world.a.customer_id)
    nobody = await customer_without_email(api, admin)
    unaddressed = await paid_log(api, admin, nobody)

    malformed = await resend(api, admin, sale["id"], email="not an address")
    missing = await resend(api, admin, unaddressed["id"])
    await deliver_outbox(app)

    for payload in (malformed, missing):
        assert payload["invoice"] is None
        assert problems(payload) == [(["input", "email"], "INVALID")]
    assert inbox.messages == []
    for sale_id in (sale["id"], unaddressed["id"]):
        untouched = await read(api, admin, sale_id)
        assert untouched["invoice"]["lastSentAt"] is None
        assert "invoice_sent" not in [kind for kind, _ in events(untouched)]
    given = await resend(api, admin, unaddressed["id"], email="accounts@example.com")
    await deliver_outbox(app)
    assert given["userErrors"] == [], given
    assert [recipients for recipients, _ in inbox.messages] == [["accounts@example.com"]]


async def test_a_mail_server_that_refuses_the_recipient_gives_the_email_up_and_changes_nothing_else(
    app: Starlette, api: Api, world: World, inbox: Inbox
) -> None:
    admin = world.a.caller("admin")
    sale = await paid_charge(api, admin, world.a.customer_id)
    first = await resend(api, admin, sale["id"])
    assert first["userErrors"] == [], first
    await deliver_outbox(app)
    before = await read(api, admin, sale["id"])
    inbox.refusal = "550 5.1.1 Mailbox unavailable"

    payload = await resend(api, admin, sale["id"])
    delivered = await deliver_outbox(app)

    assert payload["userErrors"] == [], payload
    assert (delivered.sent, delivered.failed, delivered.retrying) == (0, 1, 0)  # a 5xx is final
    assert await read(api, admin, sale["id"]) == before
    assert before["invoice"]["lastSentAt"] is not None
    assert len(inbox.messages) == 1
    assert (await deliver_outbox(app)).failed == 0  # given up, not tried again


async def test_reps_may_resend_and_viewers_may_not(
    app: Starlette, api: Api, world: World, inbox: Inbox
) -> None:
    sale = await paid_log(api, world.a.caller("admin"), world.a.customer_id)

    by_rep = await resend(api, world.a.caller("rep"), sale["id"])
    by_viewer = await resend(api, world.a.caller("viewer"), sale["id"])
    await deliver_outbox(app)

    assert by_rep["userErrors"] == [], by_rep
    assert by_rep["invoice"] is not None
    assert problems(by_viewer) == [(None, "FORBIDDEN")]
    assert len(inbox.messages) == 1
