"""``POST /1/transaction/processManual``: the classic JSON sale, charged or logged by GraphQL's services.

This module only translates, as ``sale`` does for payments.php. With
``"chargeNow": "chargeNow"`` the body becomes a ``ChargeInput`` for
``transactions.service.charge_now`` (``payer`` a new card, or the customer's
default card when it is absent; ``billing_address`` the cardholder's
address, which fills the customer's blanks); with anything else it becomes a
``LogInput`` for ``log_transaction``, dated ``trans_date`` (Unix seconds),
and ``payer`` is not read. Each product of ``offer.products`` has exactly one
``price`` entry: ``payment_count`` 1 is a single payment, 2 or more a payment
plan of that many payments each ``unit``, 0 a subscription each ``unit``; a
product's ``type`` (as in payments.php) wins. ``delay`` is chargeNow's
``trialDays``. The answer is payments.php's sale answer.

Keys this service has no counterpart for are refused when they ask for
something (``tax``, ``shipping``, ``hasTaxes``, ``hasShipping`` true: no
taxes or shipping are charged here) and ignored otherwise (``owner``,
``uid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.classic.answers import Body, Vocabulary
from paydesk.classic.fields import Malformed, Reader
from paydesk.classic.references import ClassicLine, resolve_sale
from paydesk.classic.requests import Call
from paydesk.classic.sale import KINDS, UNITS, sale_answer
from paydesk.customers.fill import ContactDetails, fill_blanks
from paydesk.offers.lines import LineInput, LineKind
from paydesk.payment_methods.service import CardFields
from paydesk.transactions.orders import OrderInput
from paydesk.transactions.service import ChargeInput, LogInput, charge_now, log_transaction

CHARGE_NOW = "chargeNow"
# The classic object type that pays: contacts (objectID 0, the only one accepted).
CONTACTS = 0
# billing_address's keys and the ContactDetails field each fills.
ADDRESS_FIELDS = {
    "address": "line1",
    "address2": "line2",
    "city": "city",
    "state": "state",
    "zip": "postal_code",
    "country": "country",
}
NOTHING_ADDED = "must be false: no taxes or shipping are charged here."

MANUAL_KEYS = Vocabulary(
    top={
        "customer_id": "contact_id",
        "gateway_id": "gateway_id",
        "invoice_template_id": "invoice_template",
        "payment_method_id": "payer",
        "idempotency_key": "Idempotency-Key",
        "lines": "offer.products",
        "currency": "offer.products",
        "trial_days": "delay",
        "transaction_date": "trans_date",
    },
    lines=("offer", "products"),
    line={
        "product_id": ("id",),
        "description": ("id",),
        "quantity": ("quantity",),
        "unit_price": ("price", 0, "price"),
        # A line's kind comes from its price entry or its type: the product entry is named.
        "kind": (),
        "unit": ("price", 0, "unit"),
        "payment_count": ("price", 0, "payment_count"),
    },
    card=("payer",),
    card_fields={"number": "ccnumber", "exp_month": "expire_month", "exp_year": "expire_year", "cvc": "code"},
    contact=("billing_address",),
    contact_fields={name: key for key, name in ADDRESS_FIELDS.items()},
)


@dataclass(frozen=True)
class ManualSale:
    """The body as read, before its numbers are looked up."""

    contact: int | str
    lines: list[ClassicLine]
    gateway: int | str | None
    invoice: int | str | None
    charge: bool
    card: CardFields | None
    billing: ContactDetails | None
    date: datetime | None
    delay: int


@dataclass(frozen=True)
class Logged:
    """A sale to log, and the billing address that fills the customer's blanks."""

    request: LogInput
    billing: ContactDetails | None


def read_manual(data: Reader) -> ManualSale:
    """The processManual body, or Malformed at the first key that cannot be read."""
    object_id = data.whole("objectID")
    if object_id not in (None, CONTACTS):
        raise Malformed("objectID", f"must be {CONTACTS}: contacts are who pay.")
    contact = data.required_reference("contact_id")
    offer = data.required("offer", data.object("offer"))
    products = offer.required("products", offer.objects("products"))
    if not products:
        raise Malformed(offer.key("products"), "give at least one product.")
    for name in ("hasTaxes", "hasShipping"):
        if data.flag(name):
            raise Malformed(name, NOTHING_ADDED)
    charge = (data.text("chargeNow") or "").strip() == CHARGE_NOW
    payer = data.object("payer") if charge else None
    return ManualSale(
        contact=contact,
        lines=[_line(item) for item in products],
        gateway=data.reference("gateway_id"),
        invoice=data.reference("invoice_template"),
        charge=charge,
        card=_card(payer) if payer is not None else None,
        billing=_billing(data.object("billing_address")),
        date=None if charge else _date(data),
        delay=data.whole("delay") or 0,
    )


def _line(item: Reader) -> ClassicLine:
    product = item.required_reference("id")
    for name in ("tax", "shipping"):
        if item.flag(name):
            raise Malformed(item.key(name), NOTHING_ADDED)
    prices = item.required("price", item.objects("price"))
    if len(prices) != 1:
        raise Malformed(item.key("price"), "give exactly one price entry.")
    (price,) = prices
    count = price.whole("payment_count")
    count = 1 if count is None else count
    named = item.choice("type", tuple(KINDS))
    if named is not None:
        kind = KINDS[named]
    elif count < 0:
        raise Malformed(price.key("payment_count"), "must be 0 (a subscription), 1 or more.")
    else:
        kind = (
            LineKind.SINGLE
            if count == 1
            else (LineKind.SUBSCRIPTION if count == 0 else LineKind.PAYMENT_PLAN)
        )
    unit = price.choice("unit", tuple(UNITS)) if kind is not LineKind.SINGLE else None
    quantity = item.whole("quantity")
    line = LineInput(
        quantity=1 if quantity is None else quantity,
        unit_price=price.required("price", price.decimal("price")),
        kind=kind,
        unit=UNITS[unit] if unit else None,
        payment_count=count if kind is LineKind.PAYMENT_PLAN else None,
    )
    return ClassicLine(item.key("id"), product, line)


def _card(payer: Reader) -> CardFields:
    return CardFields(
        number=payer.required("ccnumber", payer.text("ccnumber")),
        exp_month=payer.required("expire_month", payer.whole("expire_month")),
        exp_year=payer.required("expire_year", payer.whole("expire_year")),
        cvc=payer.text("code"),
    )


def _billing(address: Reader | None) -> ContactDetails | None:
    if address is None:
        return None
    given = {field: address.text(key) for key, field in ADDRESS_FIELDS.items()}
    return ContactDetails(**given) if any(v is not None for v in given.values()) else None


def _date(data: Reader) -> datetime | None:
    seconds = data.whole("trans_date")
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise Malformed("trans_date", "must be a date in Unix seconds, such as 1431551200.") from None


async def prepare(session: AsyncSession, call: Call) -> ChargeInput | Logged:
    """The sale as chargeNow's or logTransaction's input, its numbers looked up in the account."""
    sale = read_manual(call.data)
    ids = await resolve_sale(
        session,
        call.principal.account_id,
        contact=sale.contact,
        lines=sale.lines,
        gateway=sale.gateway,
        invoice=sale.invoice,
        invoice_key="invoice_template",
    )
    order = OrderInput(customer_id=ids.customer_id, lines=ids.lines, trial_days=sale.delay)
    if not sale.charge:
        logged = LogInput(
            order=order,
            transaction_date=sale.date,
            invoice_template_id=ids.template_id,
            idempotency_key=call.idempotency_header,
        )
        return Logged(logged, sale.billing)
    return ChargeInput(
        order=order,
        card=sale.card,
        gateway_id=ids.gateway_id,
        invoice_template_id=ids.template_id,
        idempotency_key=call.idempotency_header,
        contact=sale.billing,
    )


async def process(session: AsyncSession, call: Call, request: ChargeInput | Logged) -> Body:
    """Charge or log the sale; the classic answer for its outcome."""
    if isinstance(request, Logged):
        if request.billing is not None:
            await fill_blanks(session, call.principal, request.request.order.customer_id, request.billing)
        sale = await log_transaction(session, call.services, call.principal, request.request)
    else:
        sale = await charge_now(session, call.services, call.principal, request)
    answer = await sale_answer(session, call.principal, sale)
    answer.pop("contact_id")
    return answer
