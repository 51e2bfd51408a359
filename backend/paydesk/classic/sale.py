"""``reqType=sale``: the classic sale body, charged by the same service as GraphQL's chargeNow.

This module only translates. The body's fields become a ``ChargeInput``
(``products`` the order's lines, ``card_details`` a new card and the
cardholder's contact fields, ``use_card_on_file`` the customer's default
card, numbers of this account our ids) and ``transactions.service.charge_now``
does the rest, as for chargeNow: pricing, idempotency, the outcome table,
the invoice, the subscriptions and plans of recurring lines, and a new card
kept on file only when the sale is paid. The sale it returns becomes the
classic answer, its outcome's Payments API code first.

Defaults where the classic body leaves a product field out: ``quantity`` 1,
``type`` single, ``price`` the product's own. The idempotency key is
``data.idempotency_key``, else the ``Idempotency-Key`` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.billing.schedule import BillingUnit
from paydesk.classic.answers import Body, answer
from paydesk.classic.fields import Malformed, Reader
from paydesk.classic.references import ClassicLine, resolve_sale
from paydesk.classic.requests import Call
from paydesk.customers import service as customers
from paydesk.customers.fill import ContactDetails
from paydesk.gateways.base import ResultCode
from paydesk.invoices import service as invoices
from paydesk.models import Transaction
from paydesk.offers.lines import LineInput, LineKind
from paydesk.payment_methods.service import CardFields
from paydesk.transactions.orders import OrderInput
from paydesk.transactions.rules import Status
from paydesk.transactions.service import ChargeInput, charge_now

KINDS = {
    "single": LineKind.SINGLE,
    "subscription": LineKind.SUBSCRIPTION,
    "payment_plan": LineKind.PAYMENT_PLAN,
}
UNITS = {unit.value.lower(): unit for unit in BillingUnit}
# The card's name is the contact's name, cut to what a card on file keeps (PaymentMethod.name_on_card).
NAME_ON_CARD_LENGTH = 100
# card_details' contact fields and the ContactDetails field each fills.
CONTACT_FIELDS = {
    "contact_firstname": "first_name",
    "contact_lastname": "last_name",
    "contact_email": "email",
    "contact_address": "line1",
    "contact_city": "city",
    "contact_state": "state",
    "contact_zip": "postal_code",
    "contact_country": "country",
}
MESSAGES = {
    Status.PAID: "Approved.",
    Status.DECLINED: "The card was declined.",
    Status.FAILED: "The charge did not go through; nothing was taken.",
    Status.PENDING: "The gateway has not answered; the sale stays pending until its outcome is known.",
}


@dataclass(frozen=True)
class ClassicSale:
    """The body as read, before its numbers are looked up."""

    contact: int | str
    lines: list[ClassicLine]
    gateway: int | str | None
    invoice: int | str | None
    card: CardFields | None
    contact_details: ContactDetails | None
    idempotency_key: str | None


def read_sale(data: Reader, idempotency_header: str | None) -> ClassicSale:
    """The sale body, or Malformed at the first key that cannot be read."""
    contact = data.required_reference("contact_id")
    products = data.required("products", data.objects("products"))
    if not products:
        raise Malformed("products", "give at least one product.")
    lines = [_line(item) for item in products]
    details = data.object("card_details")
    on_file = data.flag("use_card_on_file")
    if details is not None and on_file:
        raise Malformed("use_card_on_file", "give either card_details or use_card_on_file, not both.")
    if details is None and not on_file:
        raise Malformed(
            "card_details", 'give card_details, or use_card_on_file "yes" to charge the card on file.'
        )
    card, contact_details = _card(details) if details is not None else (None, None)
    key = data.text("idempotency_key")
    return ClassicSale(
        contact=contact,
        lines=lines,
        gateway=data.reference("gateway_id"),
        invoice=data.reference("invoice_id"),
        card=card,
        contact_details=contact_details,
        idempotency_key=key if key is not None else idempotency_header,
    )


def _line(item: Reader) -> ClassicLine:
    product = item.required_reference("id")
    kind = KINDS[item.choice("type", tuple(KINDS), default="single") or "single"]
    unit = item.choice("unit", tuple(UNITS))
    quantity = item.whole("quantity")
    line = LineInput(
        quantity=1 if quantity is None else quantity,
        unit_price=item.decimal("price"),
        kind=kind,
        unit=UNITS[unit] if unit else None,
        payment_count=item.whole("payment_count"),
    )
    return ClassicLine(item.key("id"), product, line)


def _card(details: Reader) -> tuple[CardFields, ContactDetails | None]:
    number = details.required("card_number", details.text("card_number"))
    month = details.required("card_expire_month", details.whole("card_expire_month"))
    year = details.required("card_expire_year", details.whole("card_expire_year"))
    given = {field: details.text(key) for key, field in CONTACT_FIELDS.items()}
    name = " ".join(
        part.strip() for part in (given["first_name"], given["last_name"]) if part and part.strip()
    )
    card = CardFields(
        number=number,
        exp_month=month,
        exp_year=year,
        cvc=details.text("card_code"),
        name=name[:NAME_ON_CARD_LENGTH] or None,
    )
    contact = ContactDetails(**given) if any(v is not None for v in given.values()) else None
    return card, contact


async def prepare(session: AsyncSession, call: Call) -> ChargeInput:
    """The sale in the request's ``data`` as chargeNow's input, its numbers looked up in the account."""
    sale = read_sale(call.data, call.idempotency_header)
    ids = await resolve_sale(
        session,
        call.principal.account_id,
        contact=sale.contact,
        lines=sale.lines,
        gateway=sale.gateway,
        invoice=sale.invoice,
        invoice_key="invoice_id",
    )
    return ChargeInput(
        order=OrderInput(customer_id=ids.customer_id, lines=ids.lines),
        card=sale.card,
        gateway_id=ids.gateway_id,
        invoice_template_id=ids.template_id,
        idempotency_key=sale.idempotency_key,
        contact=sale.contact_details,
    )


async def sell(session: AsyncSession, call: Call, request: ChargeInput) -> Body:
    """Charge the sale; the classic answer for whatever outcome it had."""
    sale = await charge_now(session, call.services, call.principal, request)
    return await sale_answer(session, call.principal, sale)


def result_code(sale: Transaction) -> ResultCode:
    """The outcome's Payments API code; a sale still waiting for its gateway is 7, connection."""
    if sale.status == Status.PENDING:
        return ResultCode.CONNECTION_ERROR
    if sale.result_code:
        return ResultCode[sale.result_code]
    return ResultCode.GOOD if sale.status == Status.PAID else ResultCode.BAD_DATA


async def sale_answer(session: AsyncSession, principal: Principal, sale: Transaction) -> Body:
    customer = await customers.get_customer(session, principal, sale.customer_id)
    assert customer is not None, "a sale's customer is of its account"
    issued = await invoices.invoice_for_transactions(session, principal.account_id, [sale.id])
    invoice = issued[0] if issued else None
    template_id = invoice.template_id if invoice else sale.invoice_template_id
    template = (
        await invoices.get_template(session, principal.account_id, template_id) if template_id else None
    )
    code = result_code(sale)
    message = MESSAGES.get(sale.status, f"The sale is {sale.status.lower()}.")
    if sale.status in (Status.DECLINED, Status.FAILED) and sale.result_message:
        message = sale.result_message  # the decline in plain words, as the gateway gave it
    fields: dict[str, Any] = {
        "transaction_id": sale.id,
        "external_txn": sale.external_id,
        "contact_id": customer.number,
        "invoice_id": template.number if template else None,
        "invoice_number": invoice.number if invoice else None,
    }
    return answer(code, message, **fields)
