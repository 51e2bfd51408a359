"""Checking a card before any gateway sees it (DESIGN.md, Rules: Cards).

Numbers may hold spaces or dashes; they are Luhn-checked and their brand
read from the number by pydantic-extra-types. Error messages never repeat
the number: pydantic's own errors quote their input, so they are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter, ValidationError
from pydantic_extra_types.payment import PaymentCardBrand, PaymentCardNumber

from paydesk.errors import ErrorCode, FieldPath, Problems
from paydesk.gateways.base import CardDetails

_NUMBER = TypeAdapter(PaymentCardNumber)
_BRANDS = {
    PaymentCardBrand.visa: "visa",
    PaymentCardBrand.mastercard: "mastercard",
    PaymentCardBrand.amex: "amex",
    PaymentCardBrand.discover: "discover",
    PaymentCardBrand.diners_club: "diners",
    PaymentCardBrand.jcb: "jcb",
    PaymentCardBrand.unionpay: "unionpay",
}
# Cards are issued for at most a couple of decades; anything further out is a typo.
MAX_YEARS_AHEAD = 30


@dataclass(frozen=True, slots=True)
class CheckedCard:
    details: CardDetails
    brand: str
    last4: str


def brand_of(number: PaymentCardNumber) -> str:
    return _BRANDS.get(number.brand, "unknown")


def detect_brand(digits: str) -> str:
    """The brand of a checked number's digits (visa, mastercard, amex, ..., else unknown)."""
    brand, _lengths = PaymentCardNumber._identify_brand(digits)
    return _BRANDS.get(brand, "unknown")


def full_year(year: int) -> int:
    """Two-digit years are read as 20YY."""
    return 2000 + year if 0 <= year < 100 else year


# The longest cardholder name kept (PaymentMethod.name_on_card).
MAX_NAME = 100


def check_card(
    problems: Problems,
    field: FieldPath,
    *,
    number: str,
    exp_month: int,
    exp_year: int,
    cvc: str | None,
    name: str | None,
    now: datetime,
) -> CheckedCard | None:
    """The card, or None after adding CARD_INVALID / CARD_EXPIRED problems on the right fields."""
    digits = number.replace(" ", "").replace("-", "")
    card_number: PaymentCardNumber | None = None
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        problems.add(ErrorCode.CARD_INVALID, "Enter the card number: 12 to 19 digits.", (*field, "number"))
    else:
        try:
            card_number = _NUMBER.validate_python(digits)
        except ValidationError:
            problems.add(ErrorCode.CARD_INVALID, "This card number is not valid.", (*field, "number"))
    year = full_year(exp_year)
    if not 1 <= exp_month <= 12:
        problems.add(ErrorCode.CARD_INVALID, "The expiry month must be 1 to 12.", (*field, "exp_month"))
    elif year < 2000 or year > now.year + MAX_YEARS_AHEAD:
        problems.add(ErrorCode.CARD_INVALID, "The expiry year is not valid.", (*field, "exp_year"))
    elif (year, exp_month) < (now.year, now.month):
        problems.add(ErrorCode.CARD_EXPIRED, "This card has expired.", (*field, "exp_year"))
    holder = (name or "").strip()
    if len(holder) > MAX_NAME:
        problems.add(
            ErrorCode.INVALID,
            f"The name on the card is at most {MAX_NAME} characters.",
            (*field, "name_on_card"),
        )
    brand = brand_of(card_number) if card_number is not None else None
    code = (cvc or "").strip()
    if code:
        length = 4 if brand == "amex" else 3
        if not code.isdigit() or len(code) != length:
            problems.add(ErrorCode.CARD_INVALID, f"The security code has {length} digits.", (*field, "cvc"))
    if card_number is None or brand is None or problems.items:
        return None
    details = CardDetails(
        number=str(card_number),
        exp_month=exp_month,
        exp_year=year,
        cvc=code or None,
        name=holder or None,
    )
    return CheckedCard(details, brand, str(card_number)[-4:])


def is_expired(exp_month: int | None, exp_year: int | None, now: datetime) -> bool:
    """A card works through the last day of its expiry month."""
    if exp_month is None or exp_year is None:
        return False
    return (exp_year, exp_month) < (now.year, now.month)
