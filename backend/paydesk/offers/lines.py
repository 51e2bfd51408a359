"""Order lines as staff and partners send them, checked into exact lines.

The same lines make a saved offer, a logged sale, a charge and a payment
request, so they are read in one place (DESIGN.md, Money movement):

- a line is a product or a free-text description with a unit price;
- a product's price is used when no unitPrice is given, but only in the
  order's currency: a product priced in another currency needs one;
- SINGLE lines have no unit, payment count or first payment; SUBSCRIPTION
  lines need a unit; PAYMENT_PLAN lines need a unit and at least two
  payments, and may set a first payment ("pay $100 now, the rest later"),
  which is the whole first installment whatever the quantity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from paydesk.billing.schedule import BillingUnit
from paydesk.errors import ErrorCode, FieldPath, Problems
from paydesk.models import Product
from paydesk.money import MoneyError, parse_decimal, to_minor_units

MAX_LINES = 100
MAX_QUANTITY = 10_000
MAX_PAYMENTS = 360  # thirty years of monthly installments
DESCRIPTION_LENGTH = 500


class LineKind(StrEnum):
    SINGLE = "SINGLE"
    SUBSCRIPTION = "SUBSCRIPTION"
    PAYMENT_PLAN = "PAYMENT_PLAN"


@dataclass(frozen=True)
class LineInput:
    """One line as received; amounts are still the caller's decimals."""

    product_id: str | None = None
    description: str | None = None
    quantity: int = 1
    unit_price: object = None
    kind: LineKind = LineKind.SINGLE
    unit: BillingUnit | None = None
    payment_count: int | None = None
    first_payment: object = None


@dataclass(frozen=True)
class Line:
    """A checked line: amounts in the order currency's minor units."""

    product_id: str | None
    description: str
    quantity: int
    unit_price: int
    kind: LineKind
    unit: BillingUnit | None = None
    payment_count: int | None = None
    first_payment: int | None = None

    @property
    def total(self) -> int:
        """quantity x unit price (for a PAYMENT_PLAN line: one installment)."""
        return self.quantity * self.unit_price


def product_ids(lines: Sequence[LineInput]) -> list[str]:
    return sorted({line.product_id for line in lines if line.product_id})


def check_lines(
    problems: Problems,
    lines: Sequence[LineInput],
    currency: str,
    products: Mapping[str, Product],
    *,
    field: FieldPath = ("lines",),
) -> list[Line]:
    """The lines, checked; problems are recorded at ["lines", "<i>", ...]."""
    if not lines:
        problems.add(ErrorCode.REQUIRED, "Add at least one line.", field)
        return []
    if len(lines) > MAX_LINES:
        problems.add(ErrorCode.INVALID, f"An order has at most {MAX_LINES} lines.", field)
        return []
    checked = [
        _check_line(problems, line, currency, products, (*field, index)) for index, line in enumerate(lines)
    ]
    return [line for line in checked if line is not None]


def _money(problems: Problems, value: object, currency: str, field: FieldPath, *, label: str) -> int | None:
    try:
        minor = to_minor_units(parse_decimal(value), currency)
    except MoneyError as error:
        problems.add(ErrorCode.INVALID, f"{label}: {error}.", field)
        return None
    if minor < 0:
        problems.add(ErrorCode.INVALID, f"{label} cannot be negative.", field)
        return None
    return minor


def _check_line(
    problems: Problems, line: LineInput, currency: str, products: Mapping[str, Product], at: FieldPath
) -> Line | None:
    before = len(problems.items)
    product = products.get(line.product_id) if line.product_id else None
    if line.product_id and (product is None or product.archived_at is not None):
        problems.add(ErrorCode.NOT_FOUND, "No active product with this id.", (*at, "product_id"))
        product = None
    description = (line.description or "").strip() or (product.name if product else "")
    if not description and not line.product_id:
        problems.add(ErrorCode.REQUIRED, "A line needs a product or a description.", (*at, "description"))
    elif len(description) > DESCRIPTION_LENGTH:
        problems.add(ErrorCode.INVALID, f"At most {DESCRIPTION_LENGTH} characters.", (*at, "description"))
    if not 1 <= line.quantity <= MAX_QUANTITY:
        problems.add(ErrorCode.INVALID, f"Quantity is 1 to {MAX_QUANTITY}.", (*at, "quantity"))
    unit_price: int | None = None
    if line.unit_price is not None:
        unit_price = _money(problems, line.unit_price, currency, (*at, "unit_price"), label="Unit price")
    elif product is not None and product.currency == currency:
        unit_price = product.price
    elif product is not None:
        problems.add(
            ErrorCode.INVALID,
            f"The product is priced in {product.currency}; give a unitPrice in {currency}.",
            (*at, "unit_price"),
        )
    elif not line.product_id:
        problems.add(ErrorCode.REQUIRED, "A free-text line needs a unitPrice.", (*at, "unit_price"))
    first_payment = _check_schedule(problems, line, currency, at)
    if len(problems.items) > before or unit_price is None:
        return None
    return Line(
        product_id=product.id if product else None,
        description=description,
        quantity=line.quantity,
        unit_price=unit_price,
        kind=line.kind,
        unit=line.unit,
        payment_count=line.payment_count,
        first_payment=first_payment,
    )


def _check_schedule(problems: Problems, line: LineInput, currency: str, at: FieldPath) -> int | None:
    """The unit, payment count and first payment each kind needs; the first payment in minor units."""
    if line.kind is LineKind.SINGLE:
        for name, value in (
            ("unit", line.unit),
            ("payment_count", line.payment_count),
            ("first_payment", line.first_payment),
        ):
            if value is not None:
                problems.add(ErrorCode.INVALID, "Only recurring lines have this.", (*at, name))
        return None
    if line.unit is None:
        problems.add(ErrorCode.REQUIRED, "Say how often it recurs.", (*at, "unit"))
    if line.kind is LineKind.SUBSCRIPTION:
        for name, value in (("payment_count", line.payment_count), ("first_payment", line.first_payment)):
            if value is not None:
                problems.add(ErrorCode.INVALID, "Only payment plans have this.", (*at, name))
        return None
    if line.payment_count is None:
        problems.add(ErrorCode.REQUIRED, "Say how many payments the plan has.", (*at, "payment_count"))
    elif not 2 <= line.payment_count <= MAX_PAYMENTS:
        problems.add(
            ErrorCode.INVALID, f"A payment plan has 2 to {MAX_PAYMENTS} payments.", (*at, "payment_count")
        )
    if line.first_payment is None:
        return None
    return _money(problems, line.first_payment, currency, (*at, "first_payment"), label="First payment")
