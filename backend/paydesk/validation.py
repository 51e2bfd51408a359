"""Checks shared by services: email syntax, ISO codes, lengths, time zones, locales."""

from __future__ import annotations

import re
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email

from paydesk.errors import ErrorCode, FieldPath, Problems
from paydesk.money import Money, MoneyError, is_currency

# Digits, spaces and the punctuation people write phone numbers with.
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,32}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HUNDRED = Decimal(100)
# Percentages are kept to hundredths (12.25 percent), as merchants quote them.
_PERCENT_STEP = Decimal("0.01")


def normalize_email(value: str) -> str | None:
    """The normalized address, or None when it is not a valid email."""
    try:
        return validate_email(
            value.strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError:
        return None


def clean_text(
    problems: Problems,
    value: str | None,
    field: FieldPath,
    *,
    max_length: int,
    required: bool = False,
    label: str,
) -> str | None:
    """Trimmed text, None for blank; records REQUIRED, too long or control characters."""
    text = value.strip() if value is not None else ""
    if not text:
        if required:
            problems.add(ErrorCode.REQUIRED, f"{label} is required.", field)
        return None
    if len(text) > max_length:
        problems.add(ErrorCode.INVALID, f"{label} is longer than {max_length} characters.", field)
    elif _CONTROL.search(text):
        problems.add(ErrorCode.INVALID, f"{label} contains control characters.", field)
    return text


def clean_required(
    problems: Problems, value: str | None, field: FieldPath, *, max_length: int, label: str
) -> str:
    """Like clean_text for a required value: the empty string stands in after a problem."""
    return clean_text(problems, value, field, max_length=max_length, required=True, label=label) or ""


def clean_email(
    problems: Problems, value: str | None, field: FieldPath, *, required: bool = False
) -> str | None:
    text = clean_text(problems, value, field, max_length=254, required=required, label="Email")
    if text is None:
        return None
    email = normalize_email(text)
    if email is None:
        problems.add(ErrorCode.INVALID, "This is not a valid email address.", field)
    return email


def clean_phone(problems: Problems, value: str | None, field: FieldPath) -> str | None:
    text = clean_text(problems, value, field, max_length=32, label="Phone")
    if text is not None and not _PHONE.match(text):
        problems.add(ErrorCode.INVALID, "A phone number has digits, spaces, +, -, ( and ) only.", field)
    return text


def clean_country(problems: Problems, value: str | None, field: FieldPath) -> str:
    text = clean_required(problems, value, field, max_length=2, label="Country")
    if not text:
        return ""
    code = text.upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        problems.add(ErrorCode.INVALID, "Use an ISO 3166-1 alpha-2 country code, e.g. US or DE.", field)
    return code


def is_timezone(value: str) -> bool:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def is_locale(value: str) -> bool:
    try:
        Locale.parse(value.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def clean_percent(problems: Problems, value: Decimal, field: FieldPath, *, label: str) -> str | None:
    """A percent more than 0 and at most 100 with at most 2 decimals, as a normalized string."""
    if not value.is_finite() or not 0 < value <= _HUNDRED:
        problems.add(ErrorCode.INVALID, f"{label} is more than 0 and at most 100.", field)
    elif value != value.quantize(_PERCENT_STEP):
        problems.add(ErrorCode.INVALID, f"{label} has at most 2 decimals.", field)
    else:
        return format(value.normalize(), "f")
    return None


def clean_positive_money(
    problems: Problems, amount: object, currency: str, field: FieldPath, *, label: str
) -> Money | None:
    """A positive amount in an ISO 4217 currency; problems on ``field + ("currency",)`` or ``("amount",)``."""
    code = currency.strip().upper()
    if not is_currency(code):
        problems.add(ErrorCode.INVALID, f"{currency!r} is no ISO 4217 currency.", (*field, "currency"))
        return None
    try:
        money = Money.parse(amount, code)
    except MoneyError as error:
        problems.add(ErrorCode.INVALID, f"{str(error)[:1].upper()}{str(error)[1:]}.", (*field, "amount"))
        return None
    if money.minor_units <= 0:
        problems.add(ErrorCode.INVALID, f"{label} is more than 0.", (*field, "amount"))
        return None
    return money
