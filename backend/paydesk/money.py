"""Money: integer minor units plus an ISO 4217 code.

Exponents come from ISO 4217 (the ``iso4217`` package: JPY 0, USD 2, KWD
3), never from Babel, whose CLDR digits differ for some currencies; Babel
only formats. Decimal strings exist only at the API edge; nothing here
touches a float.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from iso4217 import Currency

# Amounts travel as JSON numbers in minor units (Long), so they stay below 2**53.
MAX_MINOR_UNITS = 2**53 - 1
MAX_MINOR_DIGITS = len(str(MAX_MINOR_UNITS))


class MoneyError(ValueError):
    """An amount or currency that cannot be money."""


@cache
def exponent(currency: str) -> int:
    """The ISO 4217 minor-unit exponent; currencies without one (XAU) are refused."""
    try:
        value = Currency(currency).exponent
    except ValueError:
        raise MoneyError(f"{currency!r} is not an ISO 4217 currency code") from None
    if value is None:
        raise MoneyError(f"{currency} has no minor unit and cannot be used for payments")
    return int(value)


def all_currencies() -> list[str]:
    """Every ISO 4217 code, payable or not."""
    return [c.code for c in Currency]


def is_currency(code: str) -> bool:
    try:
        exponent(code)
    except MoneyError:
        return False
    return True


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Exact conversion; more decimals than the currency has is an error, never a rounding.

    Works on the decimal's digits and exponent alone, so an input such as
    "1e999999" is refused at once instead of being expanded or rounded.
    """
    if not amount.is_finite():
        raise MoneyError("amount must be a finite number")
    exp = exponent(currency)
    sign, digits, power = amount.as_tuple()
    assert isinstance(power, int)
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return 0
    power += len(digits) - len(significant)
    if power < -exp:
        raise MoneyError(f"{currency} amounts have at most {exp} decimal places")
    if len(significant) + power + exp > MAX_MINOR_DIGITS:
        raise MoneyError("amount is too large")
    value: int = int(significant) * 10 ** (power + exp)
    if value > MAX_MINOR_UNITS:
        raise MoneyError("amount is too large")
    return -value if sign else value


def parse_decimal(value: object) -> Decimal:
    """A decimal from a string or JSON number as sent by a client (never via float)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise MoneyError("amount must be a decimal string or number")
    text = repr(value) if isinstance(value, float) else str(value)
    try:
        result = Decimal(text.strip())
    except InvalidOperation:
        raise MoneyError(f"{text!r} is not a decimal number") from None
    if not result.is_finite():
        raise MoneyError("amount must be a finite number")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in the currency's minor unit (4900 USD is $49.00)."""

    minor_units: int
    currency: str

    @classmethod
    def parse(cls, amount: object, currency: str) -> Money:
        """Money from an API decimal (string or number) and a currency code."""
        code = currency.strip().upper()
        return cls(to_minor_units(parse_decimal(amount), code), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def amount(self) -> Decimal:
        """Major units with exactly the currency's decimals ("49.00", "1000", "12.345")."""
        return Decimal(self.minor_units).scaleb(-exponent(self.currency))

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor_units + other.minor_units, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor_units - other.minor_units, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} and {other.currency}")

    def format(self, locale: str = "en-US") -> str:
        """For people: "$49.00", "¥1,000", "KWD\u00a012.345", in the given BCP 47 locale."""
        return format_money(self.minor_units, self.currency, locale)


def format_money(minor_units: int, currency: str, locale: str) -> str:
    exp = exponent(currency)
    loc = _locale(locale)
    pattern = copy.copy(loc.currency_formats["standard"])
    # Babel's own digits come from CLDR; ISO 4217 decides here.
    pattern.frac_prec = (exp, exp)
    amount = Decimal(minor_units).scaleb(-exp)
    text = str(pattern.apply(amount, loc, currency=currency, currency_digits=False))
    # CLDR's currency spacing, which Babel leaves out: a bare code such as KWD
    # gets a no-break space between it and the digits.
    text = re.sub(rf"({currency})(?=[\d\-\u2212])", "\\1\u00a0", text)
    return re.sub(rf"(?<=\d)({currency})", "\u00a0\\1", text)


@cache
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_US")
