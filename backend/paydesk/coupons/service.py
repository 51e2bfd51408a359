"""The rules for coupons: creating them, checking one a sale names, and counting redemptions.

A coupon takes either a percentage (10 means 10 percent, at most two
decimals) or a fixed amount in one currency off a sale's subtotal. Codes
match whatever case a payer types, so they are unique per account ignoring
case. A redemption is counted in the same database transaction that records
the sale, by one conditional UPDATE, so a cap holds however many sales race
for the last use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids, pricing
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.coupons import repository as repo
from paydesk.customers import service as customers
from paydesk.errors import DomainError, ErrorCode, FieldPath, Problems, fail
from paydesk.models import Coupon, CouponRedemption
from paydesk.money import Money
from paydesk.products.service import PriceInput
from paydesk.validation import clean_percent, clean_positive_money

# What payers type at a checkout: short, unambiguous, no spaces (64 is the column's size).
_CODE = re.compile(r"^[A-Za-z0-9_-]{3,64}$")
# Where a checkout names the coupon: every COUPON_INVALID points there.
COUPON_FIELD: FieldPath = ("coupon_code",)


def coupon_invalid(message: str) -> DomainError:
    """The one error a checkout gets for a coupon it cannot use, whatever the reason."""
    return fail(ErrorCode.COUPON_INVALID, message, COUPON_FIELD)


def code_key(code: str) -> str:
    """The form codes are unique and looked up in: trimmed and upper-cased."""
    return code.strip().upper()


def _percent(problems: Problems, value: Decimal) -> str | None:
    return clean_percent(problems, value, ("percent_off",), label="A percent off")


def _amount(problems: Problems, price: PriceInput) -> Money | None:
    return clean_positive_money(
        problems, price.amount, price.currency, ("amount_off",), label="An amount off"
    )


async def _check_code(problems: Problems, session: AsyncSession, account_id: str, code: str) -> str:
    text = code.strip()
    if not _CODE.match(text):
        message = "A code has 3 to 64 letters, digits, - and _."
        problems.add(ErrorCode.INVALID, message, ("code",))
    elif await repo.with_code_key(session, account_id, code_key(text)) is not None:
        problems.add(ErrorCode.INVALID, "A coupon with this code already exists.", ("code",))
    return text


def _check_limits(problems: Problems, expires_at: datetime | None, max_redemptions: int | None) -> None:
    if expires_at is not None and expires_at.tzinfo is None:
        problems.add(ErrorCode.INVALID, "Give the expiry with a time zone.", ("expires_at",))
    elif expires_at is not None and expires_at <= utcnow():
        problems.add(ErrorCode.INVALID, "The expiry must be in the future.", ("expires_at",))
    if max_redemptions is not None and max_redemptions < 1:
        problems.add(ErrorCode.INVALID, "A coupon may be redeemed at least once.", ("max_redemptions",))


async def create_coupon(
    session: AsyncSession,
    principal: Principal,
    *,
    code: str,
    customer_id: str | None = None,
    percent_off: Decimal | None = None,
    amount_off: PriceInput | None = None,
    expires_at: datetime | None = None,
    max_redemptions: int | None = None,
) -> Coupon:
    """A new coupon of the caller's account; every problem with the input is reported at once."""
    problems = Problems()
    clean_code = await _check_code(problems, session, principal.account_id, code)
    percent: str | None = None
    money: Money | None = None
    if (percent_off is None) == (amount_off is None):
        problems.add(ErrorCode.INVALID, "Give either a percent off or an amount off.", ("percent_off",))
    elif percent_off is not None:
        percent = _percent(problems, percent_off)
    elif amount_off is not None:
        money = _amount(problems, amount_off)
    if customer_id is not None and await customers.get_customer(session, principal, customer_id) is None:
        problems.add(ErrorCode.NOT_FOUND, "No customer with this id.", ("customer_id",))
    _check_limits(problems, expires_at, max_redemptions)
    problems.raise_any()
    coupon = Coupon(
        id=ids.new_id(ids.COUPON),
        account_id=principal.account_id,
        code=clean_code,
        code_key=code_key(clean_code),
        customer_id=customer_id,
        percent_off=percent,
        amount_off=money.minor_units if money else None,
        amount_currency=money.currency if money else None,
        expires_at=expires_at,
        max_redemptions=max_redemptions,
    )
    session.add(coupon)
    try:
        await session.flush()
    except IntegrityError:
        # Another request created the same code between our check and this insert.
        raise fail(ErrorCode.INVALID, "A coupon with this code already exists.", ("code",)) from None
    return coupon


async def applicable_coupon(
    session: AsyncSession, account_id: str, code: str, *, customer_id: str, currency: str, now: datetime
) -> Coupon:
    """The coupon ``code`` names, if this customer may use it now on a sale in ``currency``.

    Whether a use is still left is checked here for a clear early answer, and
    enforced again by ``redeem`` when the sale is recorded.
    """
    coupon = await repo.with_code_key(session, account_id, code_key(code))
    if coupon is None:
        raise coupon_invalid("There is no coupon with this code.")
    if coupon.expires_at is not None and coupon.expires_at <= now:
        raise coupon_invalid(f"This coupon expired on {coupon.expires_at:%Y-%m-%d %H:%M} UTC.")
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise coupon_invalid("This coupon is used up.")
    if coupon.customer_id is not None and coupon.customer_id != customer_id:
        raise coupon_invalid("This coupon is for another customer.")
    if coupon.amount_currency is not None and coupon.amount_currency != currency.strip().upper():
        raise coupon_invalid(f"This coupon takes {coupon.amount_currency} off; the sale is in {currency}.")
    return coupon


def discount_of(coupon: Coupon, subtotal_minor: int) -> int:
    """What the coupon takes off a subtotal: a percentage rounded half-up, or its amount at most."""
    if coupon.percent_off is not None:
        return pricing.percent_of(subtotal_minor, Decimal(coupon.percent_off))
    assert coupon.amount_off is not None, "a coupon is a percent or an amount off"
    return min(coupon.amount_off, subtotal_minor)


async def redeem(
    session: AsyncSession,
    coupon_id: str,
    *,
    transaction_id: str,
    customer_id: str,
    amount: int,
    currency: str,
) -> None:
    """Count one use of the coupon on a sale, or raise COUPON_INVALID when none is left.

    The cap is enforced by the database, not by a read before the write; the
    caller's boundary commits the count with the sale (or rolls both back).
    """
    if not await repo.take_redemption(session, coupon_id):
        raise coupon_invalid("This coupon is used up.")
    session.add(
        CouponRedemption(
            coupon_id=coupon_id,
            transaction_id=transaction_id,
            customer_id=customer_id,
            amount=amount,
            currency=currency,
        )
    )
    await session.flush()


async def release(session: AsyncSession, coupon_id: str, *, transaction_id: str) -> None:
    """Give a coupon back when the sale it was reserved for was not paid."""
    await repo.give_back(session, coupon_id, transaction_id)


async def get_coupon(session: AsyncSession, principal: Principal, coupon_id: str) -> Coupon | None:
    return await repo.get(session, principal.account_id, coupon_id)


async def coupons_by_ids(session: AsyncSession, account_id: str, coupon_ids: Sequence[str]) -> list[Coupon]:
    return await repo.get_many(session, account_id, coupon_ids)


async def redemptions_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[CouponRedemption]:
    """The coupons these customers used, newest first."""
    return await repo.redemptions_of(session, account_id, customer_ids)
