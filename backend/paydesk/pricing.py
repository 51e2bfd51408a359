"""Pricing: what each line costs now, and how a discount is shared out.

Everything is integer minor units (see ``paydesk.money``); a Decimal appears
only as a percentage, and no float is ever involved. The rules:

- Half-up rounding. A percent discount is rounded once, half-up, in the
  minor unit, from the exact Decimal product (10% of $19.99 is $2.00, 12.5%
  of 4 cents is 1 cent). Rounding once, on the whole order, keeps the result
  independent of how the order is split into lines, and half-up is what a
  person computing the discount by hand expects.
- Largest remainder. An order discount is spread over the lines in
  proportion to what each line costs now (Hamilton's method: floor shares,
  then the leftover units one by one to the largest remainders, the earlier
  line first on a tie). Rounding each line's share on its own can lose or
  invent a cent; this way the line discounts always sum exactly to the
  order's, no line's share exceeds its amount, and a dearer line never gets
  less than a cheaper one.
- The cap. A one-off discount plus a coupon can exceed the subtotal; the
  discount is then capped at the subtotal, because a total below zero would
  be a payout to the customer, which a discount must never become.
- Lines. A SINGLE line costs quantity x unitPrice; a SUBSCRIPTION line
  charges quantity x unitPrice now (its first period) and each period after;
  a PAYMENT_PLAN line's unitPrice is one installment (quantity x unitPrice),
  and a firstPayment replaces the whole first installment, whatever the
  quantity. Discounts apply to what is charged now.
- Trials. A SUBSCRIPTION or PAYMENT_PLAN line sold with a free trial charges
  nothing now: its first period or installment comes when the trial ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Decimal, Inexact, localcontext
from typing import NamedTuple

__all__ = ["LINE_KINDS", "LineTotals", "PricedLine", "Totals", "allocate", "percent_of", "price"]

LINE_KINDS = frozenset({"SINGLE", "SUBSCRIPTION", "PAYMENT_PLAN"})

_HUNDRED = Decimal(100)


def _minor(value: int, name: str) -> int:
    """A non-negative count of minor units (or a quantity); bools and floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def percent_of(amount_minor: int, percent: Decimal) -> int:
    """``percent`` percent (10 means 10%) of an amount, rounded half-up in the minor unit."""
    _minor(amount_minor, "amount")
    if not isinstance(percent, Decimal) or not percent.is_finite():
        raise ValueError("percent must be a finite Decimal")
    if not 0 <= percent <= _HUNDRED:
        raise ValueError("percent must be between 0 and 100")
    if amount_minor == 0 or percent == 0:
        return 0
    # The product has at most as many digits as its two factors together, so
    # with that precision (and Inexact trapped) nothing is rounded before the
    # one half-up rounding at the end.
    digits = len(str(amount_minor)) + len(percent.as_tuple().digits) + 2
    with localcontext() as ctx:
        ctx.prec = digits
        ctx.Emin, ctx.Emax = MIN_EMIN, MAX_EMAX
        ctx.traps[Inexact] = True
        exact = (Decimal(amount_minor) * percent).scaleb(-2)
        ctx.traps[Inexact] = False
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` units over lines in proportion to ``weights`` (largest remainder).

    The shares sum exactly to ``total``; when ``total`` is at most the sum of
    the weights (as a capped discount is), no share exceeds its weight. A
    positive total over weights that are all zero has no proportion to follow
    and is refused, as are negative numbers.
    """
    _minor(total, "total")
    for weight in weights:
        _minor(weight, "weight")
    if total == 0:
        return [0] * len(weights)
    whole = sum(weights)
    if whole == 0:
        raise ValueError("cannot allocate a positive total over weights that are all zero")
    shares = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    leftover = total - sum(shares)
    # Fewer than len(weights) units are left, and only lines with a non-zero
    # remainder receive one (the remainders sum to leftover x whole).
    ranked = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in ranked[:leftover]:
        shares[i] += 1
    return shares


@dataclass(frozen=True, slots=True)
class PricedLine:
    """One line's pricing: quantity, unitPrice (minor units), kind and a plan's firstPayment."""

    quantity: int
    unit_price: int
    kind: str = "SINGLE"
    first_payment: int | None = None
    # A recurring line in a free trial: nothing is due for it now.
    trial: bool = False

    def __post_init__(self) -> None:
        _minor(self.quantity, "quantity")
        _minor(self.unit_price, "unit_price")
        if self.kind not in LINE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(sorted(LINE_KINDS))}")
        if self.first_payment is not None:
            _minor(self.first_payment, "first_payment")
            if self.kind != "PAYMENT_PLAN":
                raise ValueError("only a PAYMENT_PLAN line has a first_payment")

    @property
    def due_now(self) -> int:
        """What this line charges now: the sale, the first period, or the first installment (nothing
        for a recurring line in a trial)."""
        if self.trial and self.kind != "SINGLE":
            return 0
        if self.kind == "PAYMENT_PLAN" and self.first_payment is not None:
            return self.first_payment
        return self.quantity * self.unit_price

    @property
    def recurring(self) -> int:
        """What each later period or installment charges; 0 for a SINGLE line."""
        if self.kind == "SINGLE":
            return 0
        return self.quantity * self.unit_price


class LineTotals(NamedTuple):
    """One line's share of an order: what it costs now, its discount, and the difference."""

    line_subtotal: int
    line_discount: int
    line_total: int


@dataclass(frozen=True, slots=True)
class Totals:
    """An order's amounts due now, in minor units; ``lines`` follow the input order."""

    subtotal: int
    discount: int
    total: int
    lines: tuple[LineTotals, ...]

    @property
    def line_subtotals(self) -> list[int]:
        return [line.line_subtotal for line in self.lines]

    @property
    def line_discounts(self) -> list[int]:
        return [line.line_discount for line in self.lines]

    @property
    def line_totals(self) -> list[int]:
        return [line.line_total for line in self.lines]


def price(
    lines: Sequence[PricedLine],
    *,
    discount: int = 0,
    percent_off: Decimal | None = None,
    amount_off: int | None = None,
) -> Totals:
    """Price an order: subtotal of what is due now, the discount (one-off plus coupon, capped
    at the subtotal) spread over the lines by largest remainder, and the totals."""
    _minor(discount, "discount")
    if percent_off is not None and amount_off is not None:
        raise ValueError("a coupon is either percent_off or amount_off, not both")
    subtotals = [line.due_now for line in lines]
    subtotal = sum(subtotals)
    coupon = 0
    if percent_off is not None:
        coupon = percent_of(subtotal, percent_off)
    elif amount_off is not None:
        coupon = _minor(amount_off, "amount_off")
    order_discount = min(discount + coupon, subtotal)
    shares = allocate(order_discount, subtotals)
    return Totals(
        subtotal=subtotal,
        discount=order_discount,
        total=subtotal - order_discount,
        lines=tuple(LineTotals(s, d, s - d) for s, d in zip(subtotals, shares, strict=True)),
    )
