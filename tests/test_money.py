"""Money: ISO 4217 exponents, exact parsing at the API edge, rendering and formatting."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paydesk.graphql.money import Money as ApiMoney
from paydesk.money import MAX_MINOR_UNITS, Money, MoneyError, exponent, is_currency

CURRENCIES = ["USD", "JPY", "KWD", "EUR", "BHD", "CLP"]


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("JPY", 0), ("CLP", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3)],
)
def test_exponent_comes_from_iso_4217(currency: str, expected: int) -> None:
    assert exponent(currency) == expected
    assert is_currency(currency) is True


@pytest.mark.parametrize(
    ("currency", "message"),
    [
        ("XAU", "XAU has no minor unit and cannot be used for payments"),
        ("XTS", "XTS has no minor unit and cannot be used for payments"),
        ("ABC", "'ABC' is not an ISO 4217 currency code"),
        ("usd", "'usd' is not an ISO 4217 currency code"),
    ],
)
def test_currencies_without_minor_unit_or_unknown_are_refused(currency: str, message: str) -> None:
    with pytest.raises(MoneyError) as caught:
        exponent(currency)

    assert str(caught.value) == message
    assert is_currency(currency) is False


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("49", "USD", Money(4900, "USD")),
        ("49.00", "USD", Money(4900, "USD")),
        (" 49.5 ", "usd", Money(4950, "USD")),
        ("-5.25", "USD", Money(-525, "USD")),
        ("1.000", "USD", Money(100, "USD")),
        ("1e3", "USD", Money(100000, "USD")),
        ("1000", "JPY", Money(1000, "JPY")),
        ("12.345", "KWD", Money(12345, "KWD")),
        ("90071992547409.91", "USD", Money(MAX_MINOR_UNITS, "USD")),
        (1, "USD", Money(100, "USD")),
        (1.1, "USD", Money(110, "USD")),
        (0.1, "USD", Money(10, "USD")),
        (1e3, "JPY", Money(1000, "JPY")),
        (Decimal("1.10"), "USD", Money(110, "USD")),
    ],
)
def test_parse_strings_and_json_numbers(amount: object, currency: str, expected: Money) -> None:
    assert Money.parse(amount, currency) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("1.001", "USD", "USD amounts have at most 2 decimal places"),
        ("1.5", "JPY", "JPY amounts have at most 0 decimal places"),
        ("12.3456", "KWD", "KWD amounts have at most 3 decimal places"),
        (0.30000000000000004, "USD", "USD amounts have at most 2 decimal places"),
        (1e-7, "USD", "USD amounts have at most 2 decimal places"),
        ("NaN", "USD", "amount must be a finite number"),
        ("sNaN", "USD", "amount must be a finite number"),
        ("Infinity", "USD", "amount must be a finite number"),
        ("-Infinity", "USD", "amount must be a finite number"),
        (float("nan"), "USD", "amount must be a finite number"),
        (float("inf"), "USD", "amount must be a finite number"),
        (True, "USD", "amount must be a decimal string or number"),
        (False, "USD", "amount must be a decimal string or number"),
        (None, "USD", "amount must be a decimal string or number"),
        ("", "USD", "'' is not a decimal number"),
        ("forty", "USD", "'forty' is not a decimal number"),
        ("90071992547409.92", "USD", "amount is too large"),
        (1e20, "USD", "amount is too large"),
        ("10", "XAU", "XAU has no minor unit and cannot be used for payments"),
        ("10", "ZZZ", "'ZZZ' is not an ISO 4217 currency code"),
    ],
)
def test_parse_refuses(amount: object, currency: str, message: str) -> None:
    with pytest.raises(MoneyError) as caught:
        Money.parse(amount, currency)

    assert str(caught.value) == message


def test_parse_refuses_an_exponent_beyond_the_decimal_context() -> None:
    with pytest.raises(MoneyError, match="amount is too large"):
        Money.parse("1e999999", "USD")


def test_parse_never_rounds_a_tiny_amount_to_zero() -> None:
    with pytest.raises(MoneyError, match="at most 2 decimal places"):
        Money.parse("1e-999999999", "USD")


def test_parse_refuses_a_huge_exponent_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(MoneyError, match="amount is too large"):
        Money.parse("1e100000", "USD")
    elapsed = time.perf_counter() - started

    assert elapsed < 0.05


@pytest.mark.parametrize(
    ("money", "rendered"),
    [
        (Money(4900, "USD"), "49.00"),
        (Money(1000, "JPY"), "1000"),
        (Money(12345, "KWD"), "12.345"),
        (Money(-5, "USD"), "-0.05"),
        (Money(0, "USD"), "0.00"),
        (Money(0, "JPY"), "0"),
        (Money(0, "KWD"), "0.000"),
        (Money(MAX_MINOR_UNITS, "KWD"), "9007199254740.991"),
    ],
)
def test_amount_has_exactly_the_currency_decimals(money: Money, rendered: str) -> None:
    assert str(money.amount) == rendered


def test_zero() -> None:
    assert Money.zero("EUR") == Money(0, "EUR")


def test_add_and_sub_in_one_currency() -> None:
    assert Money(100, "USD") + Money(250, "USD") == Money(350, "USD")
    assert Money(100, "USD") - Money(250, "USD") == Money(-150, "USD")


@pytest.mark.parametrize("operation", [Money.__add__, Money.__sub__])
def test_add_and_sub_across_currencies_are_refused(operation: object) -> None:
    with pytest.raises(MoneyError) as caught:
        operation(Money(100, "USD"), Money(100, "EUR"))  # type: ignore[operator]

    assert str(caught.value) == "cannot combine USD and EUR"


NBSP = "\xa0"


@pytest.mark.parametrize(
    ("money", "locale", "formatted"),
    [
        (Money(4900, "USD"), "en-US", "$49.00"),
        (Money(-4900, "USD"), "en-US", "-$49.00"),
        (Money(123456789, "USD"), "en-US", "$1,234,567.89"),
        (Money(123450, "EUR"), "en-US", "€1,234.50"),
        (Money(1000, "JPY"), "en-US", "¥1,000"),
        (Money(4900, "USD"), "de-DE", f"49,00{NBSP}$"),
        (Money(123450, "EUR"), "de-DE", f"1.234,50{NBSP}€"),
        (Money(1000, "JPY"), "de-DE", f"1.000{NBSP}¥"),
        (Money(12345, "KWD"), "de-DE", f"12,345{NBSP}KWD"),
        (Money(1, "BHD"), "de-DE", f"0,001{NBSP}BHD"),
        (Money(1000, "JPY"), "ja-JP", "￥1,000"),  # CLDR ja: the full-width yen sign
        (Money(4900, "USD"), "ja-JP", "$49.00"),
        (Money(12345, "KWD"), "ja-JP", "KWD\u00a012.345"),
        (Money(4900, "USD"), "en_US", "$49.00"),
        (Money(4900, "USD"), "xx-YY", "$49.00"),  # an unknown locale falls back to en-US
    ],
)
def test_format_in_locales(money: Money, locale: str, formatted: str) -> None:
    assert money.format(locale) == formatted


def test_format_defaults_to_en_us() -> None:
    assert Money(4900, "USD").format() == "$49.00"


def test_format_separates_a_currency_code_from_the_digits() -> None:
    assert Money(12345, "KWD").format("en-US") == "KWD\u00a012.345"


# "1E+3", "5e-2": a digit, the exponent mark, maybe a sign, a digit (currency codes like EUR hold an E).
EXPONENT = re.compile(r"\d[eE][+-]?\d")
minor_units = st.integers(min_value=-MAX_MINOR_UNITS, max_value=MAX_MINOR_UNITS)


@settings(max_examples=200)
@given(units=minor_units, currency=st.sampled_from(CURRENCIES))
def test_amount_round_trips_through_parse(units: int, currency: str) -> None:
    money = Money(units, currency)

    assert Money.parse(str(money.amount), currency) == money


@settings(max_examples=200)
@given(
    units=minor_units,
    currency=st.sampled_from(CURRENCIES),
    locale=st.sampled_from(["en-US", "de-DE", "ja-JP", "fr-FR", "ar-KW"]),
)
def test_format_never_uses_exponent_notation(units: int, currency: str, locale: str) -> None:
    money = Money(units, currency)

    formatted = money.format(locale)
    rendered = str(money.amount)

    assert EXPONENT.search(formatted) is None
    assert EXPONENT.search(rendered) is None


def test_the_apis_money_from_minor_units_is_the_domains() -> None:
    for currency in ("USD", "JPY", "KWD", "EUR"):
        for minor in (0, 1, -1, 5, 4900, 123456789, -250, 2**53 - 1):
            made = ApiMoney.minor(minor, currency)
            expected = ApiMoney.of(Money(minor, currency))
            assert made == expected
            assert str(made.amount) == str(expected.amount)  # the same digits and exponent, not only equal
