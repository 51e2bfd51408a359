"""A product's delivery email: written by the merchant, checked when saved, and sent through the
outbox (a real SMTP server, aiosmtpd) when a sale of it is paid, a sale logged as made elsewhere too."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from starlette.applications import Starlette

from tests.api.test_sales import card, charged, logged, run
from tests.helpers import Api, World, deliver_outbox
from tests.outbox.smtp import Smtp
from tests.outbox.test_outbox import emails

CREATE_PRODUCT = """
mutation($i: CreateProductInput!) {
  createProduct(input: $i) { product { id deliveryEmail { subject body } } userErrors { field code message } }
}"""
UPDATE_PRODUCT = """
mutation($i: UpdateProductInput!) {
  updateProduct(input: $i) { product { id deliveryEmail { subject body } } userErrors { field code } }
}"""
LICENCE = """Hello {{ customer_name or "there" }},

Thank you for buying {{ quantity }} x {{ product_name }}.
Your licence key: PD-{{ transaction_id[-6:] | upper }}
Download: https://downloads.example.test/tent-guide.pdf"""


async def product(api: Api, world: World, **delivery: Any) -> dict[str, Any]:
    payload = await run(
        api,
        CREATE_PRODUCT,
        world.a.caller("admin"),
        name="Tent guide",
        price={"amount": "12.00", "currency": "USD"},
        deliveryEmail=delivery or None,
    )
    return dict(payload)


def parsed(message: Any) -> EmailMessage:
    found = message_from_bytes(message.content, policy=policy.default)
    assert isinstance(found, EmailMessage)
    return found


async def test_a_logged_sale_of_a_product_with_a_delivery_email_sends_it(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    made = await product(api, world, body=LICENCE)
    assert made["userErrors"] == [], made
    product_id = made["product"]["id"]
    assert made["product"]["deliveryEmail"]["subject"] == "Your {{ product_name }} from {{ merchant_name }}"

    sale = await logged(
        api, world.a.caller("rep"), world.a.customer_id, lines=[{"productId": product_id, "quantity": 2}]
    )
    assert smtp.messages == []  # queued with the sale, sent after it commits
    await deliver_outbox(app)

    (envelope,) = smtp.messages
    message = parsed(envelope)
    assert envelope.rcpt_tos == ["c@alpha.test"]
    assert message["Subject"] == "Your Tent guide from Account alpha"
    text = message.get_body(("plain",))
    assert text is not None
    content = text.get_content()
    assert "Thank you for buying 2 x Tent guide." in content
    assert f"Your licence key: PD-{sale['id'][-6:].upper()}" in content
    html = message.get_body(("html",))
    assert html is not None
    assert "Tent guide" in html.get_content()
    (row,) = [e for e in await emails(app) if e.purpose == "product_delivery"]
    assert (row.status, row.subject_id) == ("SENT", product_id)


async def test_a_charged_sale_sends_it_and_a_product_without_one_sends_nothing(
    app: Starlette, api: Api, world: World, smtp: Smtp
) -> None:
    with_email = (await product(api, world, subject="Your {{ product_name }}", body="Here it is."))[
        "product"
    ]["id"]
    without = (await product(api, world))["product"]["id"]

    await charged(
        api,
        world.a.caller("rep"),
        world.a.customer_id,
        lines=[{"productId": with_email}, {"productId": without}],
        card=card("4242424242424242"),
    )
    declined = await charged(
        api,
        world.a.caller("rep"),
        world.a.customer_id,
        lines=[{"productId": with_email}],
        card=card("4000000000000341"),
    )
    await deliver_outbox(app)

    assert declined["status"] == "DECLINED"
    assert [parsed(m)["Subject"] for m in smtp.messages] == ["Your Tent guide"]


async def test_a_template_that_does_not_render_is_refused_when_saved(api: Api, world: World) -> None:
    broken = await product(api, world, body="Key: {{ licence_key }")
    unknown = await product(api, world, body="Key: {{ nope.key }}")
    empty = await product(api, world, subject="Hi", body="")

    assert [(e["field"], e["code"]) for e in broken["userErrors"]] == [
        (["input", "deliveryEmail", "body"], "INVALID")
    ]
    assert [(e["field"], e["code"]) for e in unknown["userErrors"]] == [
        (["input", "deliveryEmail", "body"], "INVALID")
    ]
    assert [(e["field"], e["code"]) for e in empty["userErrors"]] == [
        (["input", "deliveryEmail", "body"], "REQUIRED")
    ]
    made = await product(api, world, body="Fine.")
    removed = await run(
        api, UPDATE_PRODUCT, world.a.caller("admin"), productId=made["product"]["id"], deliveryEmail=None
    )
    assert removed["product"]["deliveryEmail"] is None
