"""The account's own wording of its emails: the receipt, the dunning notice, the renewal reminder and
the plan-completed note. Rewritten, checked and previewed over the API, then sent in that wording
through the outbox to a real SMTP server; going back to the built-in wording; scoped to the account."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from starlette.applications import Starlette

from paydesk.email_templates.kinds import KINDS
from paydesk.invoices import render as sandbox
from paydesk.models import EmailTemplate
from paydesk.notify.templates import render as builtin_render
from tests.actions.common import paid_charge
from tests.api.test_sales import card, charged, run
from tests.helpers import Api, World, deliver_outbox, resources
from tests.outbox.smtp import Smtp
from tests.outbox.test_reminders import ORDERS, pass_at

TEMPLATES = """
query { emailTemplates { kind title sentWhen enabled subject body isCustom updatedAt defaultSubject defaultBody
  variables { name description } } }"""
UPDATE = """
mutation($i: UpdateEmailTemplateInput!) {
  updateEmailTemplate(input: $i) { emailTemplate { kind subject body isCustom updatedAt }
    userErrors { field code message } }
}"""
RESET = """
mutation($i: ResetEmailTemplateInput!) {
  resetEmailTemplate(input: $i) { emailTemplate { kind subject isCustom } userErrors { field code } }
}"""
PREVIEW = """
query($i: EmailTemplatePreviewInput!) {
  emailTemplatePreview(input: $i) { preview { subject text html } userErrors { field code message } }
}"""
UPDATE_ACCOUNT = """
mutation($i: UpdateAccountInput!) {
  updateAccount(input: $i) { account { emailInvoices emailPlanCompleted } userErrors { code } }
}"""
PAY_OFF = """
mutation($i: PayRemainingBalanceInput!) {
  payRemainingBalance(input: $i) { subscription { status } userErrors { field code } }
}"""


def received(smtp: Smtp) -> list[EmailMessage]:
    found = []
    for envelope in smtp.messages:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def part(message: EmailMessage, kind: str) -> str:
    body = message.get_body((kind,))
    assert body is not None
    return str(body.get_content())


async def templates(api: Api, caller: Any) -> dict[str, dict[str, Any]]:
    return {t["kind"]: t for t in (await api.gql(TEMPLATES, caller))["emailTemplates"]}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_builtin_wording_renders_in_the_merchants_sandbox_as_it_is_sent(kind: Any) -> None:
    """The wording an admin starts editing from is the one paydesk sends: same text, same values."""
    info = KINDS[kind]
    subject, text, _html = builtin_render(info.builtin, **info.sample)
    assert " ".join(sandbox.render(info.default_subject(), info.sample, text=True).split()) == subject
    assert sandbox.render(info.default_body(), info.sample, text=True).strip() == text.strip()
    for variable in info.variables:
        assert variable.name in info.sample


async def test_every_email_is_listed_with_its_builtin_wording_and_its_switch(api: Api, world: World) -> None:
    admin, viewer = world.a.caller("admin"), world.a.caller("viewer")
    await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)

    listed = await templates(api, viewer)

    assert list(listed) == ["RECEIPT", "DUNNING_NOTICE", "RENEWAL_REMINDER", "PLAN_COMPLETED"]
    assert {k: t["enabled"] for k, t in listed.items()} == {
        "RECEIPT": True,
        "DUNNING_NOTICE": False,
        "RENEWAL_REMINDER": False,
        "PLAN_COMPLETED": False,
    }
    for t in listed.values():
        assert (t["isCustom"], t["updatedAt"]) == (False, None)
        assert (t["subject"], t["body"]) == (t["defaultSubject"], t["defaultBody"])
        assert t["variables"]
        assert t["title"]
        assert t["sentWhen"]
    assert "{{ url }}" in listed["RECEIPT"]["body"]
    assert "url" in [v["name"] for v in listed["DUNNING_NOTICE"]["variables"]]


@pytest.mark.parametrize(
    ("subject", "body", "field", "code"),
    [
        ("", "Hello", "subject", "REQUIRED"),
        ("Hi", "  ", "body", "REQUIRED"),
        ("Hi {{ nope }}", "Hello", "subject", "INVALID"),
        ("Hi", "Hello {{ invoice_number }}", "body", "INVALID"),
        ("Hi", "{% if %}", "body", "INVALID"),
        # Fine with a name, broken for a customer with none: checked both ways.
        ("Hi", "Hello {{ customer_name.upper() }}", "body", "INVALID"),
        ("Hi", "{% for x in range(100000) %}x{% endfor %}", "body", "INVALID"),
    ],
)
async def test_a_wording_that_does_not_render_is_refused_at_its_field(
    api: Api, world: World, subject: str, body: str, field: str, code: str
) -> None:
    admin = world.a.caller("admin")

    payload = await run(api, UPDATE, admin, kind="RECEIPT", subject=subject, body=body)

    assert payload["emailTemplate"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)]
    assert "Traceback" not in str(payload)
    assert (await templates(api, admin))["RECEIPT"]["isCustom"] is False


async def test_only_admins_rewrite_an_email(api: Api, world: World) -> None:
    for role in ("rep", "viewer"):
        payload = await run(
            api, UPDATE, world.a.caller(role), kind="RECEIPT", subject="Hi", body="Hello {{ url }}"
        )
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert (await templates(api, world.a.caller("admin")))["RECEIPT"]["isCustom"] is False


async def test_the_preview_renders_sample_values_with_the_accounts_name_and_escapes_the_html(
    api: Api, world: World
) -> None:
    admin = world.a.caller("admin")
    body = "Thanks {{ customer_name }} <script>alert(1)</script>\nYour invoice: {{ url }}\nTotal {{ total }}"

    result = (
        await api.gql(
            PREVIEW,
            admin,
            i={"kind": "RECEIPT", "subject": "{{ number }} from {{ merchant_name }}", "body": body},
        )
    )["emailTemplatePreview"]

    assert result["userErrors"] == []
    preview = result["preview"]
    assert preview["subject"] == "INV-000042 from Account alpha"
    assert preview["text"] == (
        "Thanks Ada <script>alert(1)</script>\nYour invoice: https://pay.example/invoice/sample\nTotal $49.00\n"
    )
    assert "<script>" not in preview["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview["html"]
    assert '<a href="https://pay.example/invoice/sample"' in preview["html"]
    # Nothing was saved by previewing.
    assert (await templates(api, admin))["RECEIPT"]["isCustom"] is False

    # The built-in wording, unchanged, previews as paydesk sends it (its own HTML, with the button).
    listed = await templates(api, admin)
    builtin = (
        await api.gql(
            PREVIEW,
            admin,
            i={"kind": "RECEIPT", "subject": listed["RECEIPT"]["subject"], "body": listed["RECEIPT"]["body"]},
        )
    )["emailTemplatePreview"]["preview"]
    assert "View your invoice" in builtin["html"]

    refused = (
        await api.gql(PREVIEW, admin, i={"kind": "PLAN_COMPLETED", "subject": "Hi", "body": "{{ url }}"})
    )["emailTemplatePreview"]
    assert refused["preview"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "body"], "INVALID")]


async def test_the_receipt_goes_out_in_the_accounts_wording_until_it_goes_back_to_the_builtin_one(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)
    saved = await run(
        api,
        UPDATE,
        admin,
        kind="RECEIPT",
        subject="Thanks from {{ merchant_name }}: {{ number }}",
        body="Dear {{ customer_name or 'customer' }},\n\nYour receipt for {{ total }}: {{ url }}\n",
    )
    assert saved["userErrors"] == []
    assert (saved["emailTemplate"]["isCustom"], saved["emailTemplate"]["updatedAt"] is not None) == (
        True,
        True,
    )

    await paid_charge(api, admin, world.a.customer_id, total="49.00")
    await deliver_outbox(app)

    (message,) = received(smtp)
    assert str(message["Subject"]).startswith("Thanks from Account alpha: INV-")
    text = part(message, "plain")
    assert "Your receipt for $49.00: http://" in text
    url = text.split("$49.00: ")[1].split()[0]
    assert "/invoice/" in url
    assert f'<a href="{url}"' in part(message, "html")
    # Account b still sends the built-in wording.
    assert (await templates(api, world.b.caller("admin")))["RECEIPT"]["isCustom"] is False

    reset = await run(api, RESET, admin, kind="RECEIPT")
    assert reset["emailTemplate"]["isCustom"] is False
    smtp.messages.clear()
    await paid_charge(api, admin, world.a.customer_id, total="49.00")
    await deliver_outbox(app)
    (message,) = received(smtp)
    assert str(message["Subject"]).startswith("Invoice INV-")

    # Saving the built-in wording unchanged keeps it built-in.
    builtin = (await templates(api, admin))["RECEIPT"]
    same = await run(api, UPDATE, admin, kind="RECEIPT", subject=builtin["subject"], body=builtin["body"])
    assert same["emailTemplate"]["isCustom"] is False


async def test_a_stored_wording_that_fails_when_sent_falls_back_to_the_builtin_one(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailInvoices=True)
    async with resources(app).sessions() as db:
        db.add(EmailTemplate(account_id=world.a.account_id, kind="RECEIPT", subject="Hi", body="{{ 1 / 0 }}"))
        await db.commit()

    await paid_charge(api, admin, world.a.customer_id)
    await deliver_outbox(app)

    (message,) = received(smtp)
    assert str(message["Subject"]).startswith("Invoice INV-")


async def test_the_reminder_and_the_plan_note_go_out_in_the_accounts_wording(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    admin = world.a.caller("admin")
    await run(api, UPDATE_ACCOUNT, admin, emailPlanCompleted=True)
    for kind, subject, body in (
        ("PLAN_COMPLETED", "All paid: {{ description }}", "{{ description }} is yours, {{ customer_name }}."),
        (
            "RENEWAL_REMINDER",
            "Renewing {{ charge_day|long_date }}",
            "{{ amount }} on {{ charge_day|long_date }}.",
        ),
    ):
        saved = await run(api, UPDATE, admin, kind=kind, subject=subject, body=body)
        assert saved["userErrors"] == [], saved
    await run(
        api,
        "mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { userErrors { code } } }",
        admin,
        renewalReminderDays=2,
    )
    plan = {
        "description": "Kayak",
        "unitPrice": "10.00",
        "kind": "PAYMENT_PLAN",
        "unit": "MONTH",
        "paymentCount": 3,
    }
    club = {"description": "Club", "unitPrice": "5.00", "kind": "SUBSCRIPTION", "unit": "MONTH"}
    await charged(api, admin, world.a.customer_id, lines=[plan, club], card=card("4242424242424242"))
    orders = (await api.gql(ORDERS, admin, id=world.a.customer_id))["customer"]["subscriptions"]
    by_kind = {o["kind"]: o for o in orders}
    await deliver_outbox(app)
    smtp.messages.clear()

    # Paying a plan's balance off completes it: the note goes out (it did only for a last installment).
    paid_off = await run(api, PAY_OFF, admin, subscriptionId=by_kind["PAYMENT_PLAN"]["id"])
    assert (paid_off["subscription"]["status"], paid_off["userErrors"]) == ("COMPLETED", [])
    await deliver_outbox(app)
    (note,) = received(smtp)
    assert str(note["Subject"]) == "All paid: Kayak"
    assert part(note, "plain").strip().startswith("Kayak is yours,")

    smtp.messages.clear()
    charge_day = date.fromisoformat(by_kind["SUBSCRIPTION"]["nextChargeDate"])
    await pass_at(app, date.fromordinal(charge_day.toordinal() - 2))
    (reminder,) = received(smtp)
    assert (
        str(reminder["Subject"]) == f"Renewing {charge_day.day} {charge_day.strftime('%B')} {charge_day.year}"
    )
    assert part(reminder, "plain").strip().startswith("$5.00 on ")
