"""Building an order from a saved offer or lines: currency, lines, discount and totals.

Currency (DESIGN.md, Money movement): the input's currency if given, else
the saved offer's, else the products' (which must agree), else the
account's default. A saved offer's lines are taken as saved; a one-off
discount and a coupon are added, capped at the subtotal, and spread over
the lines so the line discounts sum exactly (pricing.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.billing.schedule import BillingUnit
from paydesk.clock import utcnow
from paydesk.coupons import service as coupons
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.models import Account, Coupon, OfferLine, Product
from paydesk.money import Money, MoneyError, is_currency
from paydesk.offers import service as offers
from paydesk.offers.lines import Line, LineInput, LineKind, check_lines, product_ids
from paydesk.pricing import PricedLine, Totals, price
from paydesk.products import repository as products


@dataclass(frozen=True)
class OrderInput:
    customer_id: str
    offer_id: str | None = None
    lines: Sequence[LineInput] | None = None
    currency: str | None = None
    coupon_code: str | None = None
    # A one-off discount as sent: (amount, currency).
    discount: tuple[object, str] | None = None
    # Days of free trial before the recurring lines' first charge (0: none).
    trial_days: int = 0


@dataclass(frozen=True)
class Order:
    currency: str
    lines: list[Line]
    totals: Totals
    offer_id: str | None
    coupon: Coupon | None
    coupon_amount: int
    # Days before the recurring lines' first charge; their orders open with it (0: charged now).
    trial_days: int = 0

    @property
    def recurring(self) -> list[Line]:
        return [line for line in self.lines if line.kind is not LineKind.SINGLE]


MAX_TRIAL_DAYS = 730


def _check_trial(problems: Problems, request: OrderInput, lines: Sequence[Line]) -> None:
    """A trial is 0 to 730 days, for an order with a recurring line, none of them with a first payment."""
    days = request.trial_days
    if days == 0:
        return
    if not 0 < days <= MAX_TRIAL_DAYS:
        problems.add(ErrorCode.INVALID, f"A trial is 0 to {MAX_TRIAL_DAYS} days.", ("trial_days",))
        return
    if all(line.kind is LineKind.SINGLE for line in lines):
        problems.add(
            ErrorCode.INVALID,
            "A trial delays subscriptions and payment plans; this sale has neither.",
            ("trial_days",),
        )
    for index, line in enumerate(lines):
        if line.first_payment is not None:
            where = ("offer_id",) if request.offer_id else ("lines", index, "first_payment")
            problems.add(
                ErrorCode.INVALID,
                "A plan with a trial starts with its regular installment: no first payment.",
                where,
            )


def _from_offer_line(line: OfferLine) -> Line:
    return Line(
        product_id=line.product_id,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        kind=LineKind(line.kind),
        unit=BillingUnit(line.unit) if line.unit else None,
        payment_count=line.payment_count,
        first_payment=line.first_payment,
    )


async def build_order(
    session: AsyncSession, principal: Principal, account: Account, request: OrderInput
) -> Order:
    """The checked order, or a DomainError listing what is wrong."""
    if (request.offer_id is None) == (request.lines is None):
        raise fail(ErrorCode.INVALID, "Give either a saved offer or lines.", ("lines",))
    problems = Problems()
    wanted = request.currency.strip().upper() if request.currency else None
    if wanted is not None and not is_currency(wanted):
        raise fail(ErrorCode.INVALID, f"{request.currency!r} is not an ISO 4217 currency.", ("currency",))
    offer_id = None
    if request.offer_id is not None:
        offer = await offers.get_offer(session, principal, request.offer_id)
        if offer is None:
            raise not_found("offer", ("offer_id",))
        if wanted is not None and wanted != offer.currency:
            raise fail(ErrorCode.INVALID, f"The offer is in {offer.currency}.", ("currency",))
        currency = offer.currency
        lines = [_from_offer_line(line) for line in await offers.lines_of(session, [offer.id])]
        offer_id = offer.id
    else:
        assert request.lines is not None
        found = {
            p.id: p
            for p in await products.get_many(session, principal.account_id, product_ids(request.lines))
        }
        currency = wanted or _products_currency(problems, request.lines, found) or account.default_currency
        problems.raise_any()  # lines are read in the order's currency, so it must be settled first
        lines = check_lines(problems, request.lines, currency, found)
    discount = _one_off(problems, request.discount, currency)
    _check_trial(problems, request, lines)
    problems.raise_any()
    coupon = None
    if request.coupon_code and request.coupon_code.strip():
        coupon = await coupons.applicable_coupon(
            session,
            principal.account_id,
            request.coupon_code,
            customer_id=request.customer_id,
            currency=currency,
            now=utcnow(),
        )
    priced = [
        PricedLine(
            line.quantity,
            line.unit_price,
            line.kind.value,
            line.first_payment,
            trial=request.trial_days > 0 and line.kind is not LineKind.SINGLE,
        )
        for line in lines
    ]
    subtotal = sum(p.due_now for p in priced)
    if discount > subtotal:
        raise fail(ErrorCode.INVALID, "The discount is larger than the subtotal.", ("discount", "amount"))
    # The coupon takes off what the one-off discount left, so together they never pass the subtotal.
    coupon_amount = (
        min(coupons.discount_of(coupon, subtotal), subtotal - discount) if coupon is not None else 0
    )
    totals = price(priced, discount=discount + coupon_amount)
    return Order(currency, lines, totals, offer_id, coupon, coupon_amount, trial_days=request.trial_days)


def _products_currency(
    problems: Problems, lines: Sequence[LineInput], found: dict[str, Product]
) -> str | None:
    """The products' shared currency; None (and a problem) when they disagree."""
    currencies = {
        found[line.product_id].currency for line in lines if line.product_id and line.product_id in found
    }
    if len(currencies) > 1:
        problems.add(
            ErrorCode.INVALID,
            "The products are priced in different currencies; give a currency.",
            ("currency",),
        )
        return None
    return next(iter(currencies), None)


def _one_off(problems: Problems, discount: tuple[object, str] | None, currency: str) -> int:
    if discount is None:
        return 0
    amount, code = discount
    if code.strip().upper() != currency:
        problems.add(ErrorCode.INVALID, f"The discount must be in {currency}.", ("discount", "currency"))
        return 0
    try:
        money = Money.parse(amount, currency)
    except MoneyError as error:
        problems.add(ErrorCode.INVALID, f"Discount: {error}.", ("discount", "amount"))
        return 0
    if money.minor_units < 0:
        problems.add(ErrorCode.INVALID, "A discount cannot be negative.", ("discount", "amount"))
        return 0
    return money.minor_units
