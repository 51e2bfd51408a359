"""A product's delivery email: what a buyer gets once a sale of it is paid (a download link, a licence
key, membership instructions), written by the merchant in the invoice templates' Jinja2 sandbox.

The subject and body are plain-text templates with ``customer_name``,
``merchant_name``, ``product_name``, ``quantity`` and ``transaction_id``;
they are checked with sample values when saved, so a paid sale never meets
a template that does not render.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.errors import ErrorCode, Problems
from paydesk.invoices import render
from paydesk.logs import get_logger
from paydesk.models import Account, Customer, Transaction
from paydesk.notify.email import Email
from paydesk.notify.templates import render as notify_render
from paydesk.outbox.emails import queue_email
from paydesk.products import repository as repo
from paydesk.transactions.records import AnyLine
from paydesk.validation import normalize_email

log = get_logger("paydesk.products")
# The outbox purpose of a delivery email (OutgoingEmail.purpose).
PURPOSE = "product_delivery"

MAX_SUBJECT = 200
MAX_BODY = 10_000
SAMPLE = {
    "customer_name": "Ada",
    "merchant_name": "Your shop",
    "product_name": "Two-person tent",
    "quantity": 1,
    "transaction_id": "txn_0000000000000000000000",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


def render_delivery(subject: str, body: str, context: Mapping[str, Any]) -> Rendered:
    """The email's subject (one line) and text; ``render.TemplateRefused`` when either does not render."""
    line = " ".join(render.render(subject, context, text=True).split())[:MAX_SUBJECT]
    return Rendered(line, render.render(body, context, text=True).strip() + "\n")


def clean_delivery(problems: Problems, subject: str | None, body: str | None) -> tuple[str, str] | None:
    """The subject and body to keep, checked with sample values; None (and problems) when they fail,
    or None with no problem when both are empty (no delivery email)."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject and not body:
        return None
    where = ("delivery_email",)
    if not body:
        problems.add(ErrorCode.REQUIRED, "Write what the buyer gets in the body.", (*where, "body"))
        return None
    subject = subject or "Your {{ product_name }} from {{ merchant_name }}"
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        problems.add(
            ErrorCode.INVALID,
            f"The subject is at most {MAX_SUBJECT} characters and the body {MAX_BODY}.",
            where,
        )
        return None
    for part, source in (("subject", subject), ("body", body)):
        try:
            render.render(source, SAMPLE, text=True)
        except render.TemplateRefused as refused:
            problems.add(ErrorCode.INVALID, f"The template does not render: {refused}", (*where, part))
            return None
    return subject, body


async def queue_deliveries(
    session: AsyncSession,
    secret: bytes,
    *,
    account: Account,
    customer: Customer,
    sale: Transaction,
    lines: Sequence[AnyLine],
) -> int:
    """Queue the delivery email of each product of a paid sale that has one; how many were queued.

    Nothing when the customer has no email address. Sent by the outbox job
    once the sale commits, and logged on the customer like every email.
    """
    address = normalize_email(customer.email or "")
    wanted = [line for line in lines if line.product_id]
    if address is None or not wanted:
        return 0
    found = {
        p.id: p for p in await repo.get_many(session, account.id, [line.product_id or "" for line in wanted])
    }
    queued = 0
    for line in wanted:
        product = found.get(line.product_id or "")
        if product is None or not product.delivery_body:
            continue
        context = {
            "customer_name": (customer.first_name or "").strip() or None,
            "merchant_name": account.name,
            "product_name": product.name,
            "quantity": line.quantity,
            "transaction_id": sale.id,
        }
        try:
            rendered = render_delivery(product.delivery_subject or "", product.delivery_body, context)
        except render.TemplateRefused as refused:
            log.warning("product.delivery_template_failed", product_id=product.id, error=str(refused))
            continue
        subject, text, html = notify_render(
            "product_delivery", subject=rendered.subject, body=rendered.text, merchant_name=account.name
        )
        email = Email(to=address, subject=subject, text=text, html=html)
        queue_email(
            session,
            secret,
            email,
            account_id=account.id,
            purpose=PURPOSE,
            customer_id=customer.id,
            subject_id=product.id,
        )
        queued += 1
    return queued
