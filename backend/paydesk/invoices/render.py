"""Invoice templates: merchants' Jinja2, compiled and rendered in a sandbox.

A template is an HTML fragment (no ``<html>`` or ``<head>``): the public
invoice page puts it inside the hosted pages' layout, whose stylesheet is
the only one allowed (inline ``style`` and ``<script>`` are blocked by the
page's Content-Security-Policy). Every value is HTML-escaped; a missing
variable is an error, and ``None`` prints as nothing.

Context variables
-----------------
``account.name``
    The merchant's name.
``customer.first_name``, ``customer.last_name``, ``customer.email``
    May be empty. ``customer.name`` is first and last name joined.
``invoice.number``
    ``INV-000001``: per account, consecutive, without gaps.
``invoice.issued_at``
    When it was issued (an aware UTC datetime); ``invoice.issued_on`` is
    that day in the account's time zone, written out in its locale
    ("March 14, 2025").
``transaction.status``
    ``PAID``, ``REFUNDED``, ...; ``transaction.status_label`` reads
    "Paid", "Partially refunded". ``transaction.transaction_date`` (UTC
    datetime) and ``transaction.transaction_on`` (like ``issued_on``).
``transaction.amount_refunded``
    What was given back so far (an amount; zero when nothing was).
``lines``
    The sale's lines in order, each with ``description``, ``quantity``
    and the amounts ``unit_price``, ``subtotal`` (what the line charged
    before its discount), ``discount`` and ``total``; ``note`` says what a
    payment plan's line is ("Payment 1 of 6, then $150.00 every month"),
    empty for other lines.
``subtotal``, ``discount``, ``total``
    The sale's amounts; ``subtotal - discount = total``.
``currency``
    ISO 4217 code of every amount.

An amount prints formatted in the account's locale ("$1,234.50",
"¥1,000", "KWD 12.345"); it also has ``minor_units`` (an integer, e.g.
``{% if discount.minor_units %}``), ``amount`` (a decimal string such as
"1234.50") and ``currency``.

What the sandbox refuses
------------------------
Underscore attributes, changing lists or dicts, ``str.format`` and ``%``
on strings, macros, ``include``/``import``/``extends``, ``range`` beyond
1,000 items, more than 10,000 loop iterations in all, huge ``*`` and
``**`` results, more than 1 MB of output, and filters outside a short
list of safe ones (``safe`` among them: every value stays escaped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from jinja2 import Template, TemplateError, nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.runtime import Context, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from paydesk.money import Money
from paydesk.notify.templates import long_date, sentence_end

MAX_BODY_BYTES = 100 * 1024
MAX_OUTPUT_CHARS = 1_000_000
MAX_LOOP_ITERATIONS = 10_000
MAX_RANGE = 1_000
MAX_SEQUENCE = 10_000
MAX_INT_BITS = 4_096
DEFAULT_TEMPLATE_NAME = "Standard"

# The name each for-loop's iterable is passed through; templates may not use it.
_BUDGET = "__paydesk_loop_budget"
# Filters whose output stays about the size of their input.
_FILTERS = (
    *("abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float"),
    *("forceescape", "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max"),
    *("min", "reject", "rejectattr", "reverse", "round", "select", "selectattr", "sort", "string"),
    *("striptags", "sum", "title", "trim", "truncate", "unique", "upper", "urlencode", "wordcount"),
)
# String methods whose result is never longer than the string.
_STR_METHODS = frozenset(
    {
        *("capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha", "isdigit"),
        *("islower", "isspace", "istitle", "isupper", "lower", "lstrip", "removeprefix", "removesuffix"),
        *("rfind", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title"),
        "upper",
    }
)
# printf-style widths or precisions of four digits or more, or taken from an argument.
_WIDE_PERCENT = re.compile(r"%[^a-zA-Z%]*(\d{4}|\*)")
_ERRORS = (TemplateError, ArithmeticError, LookupError, TypeError, ValueError, RecursionError, SyntaxError)


class TemplateRefused(Exception):
    """A template that does not compile or render; the message says why, for its author."""


def _finalize(value: Any) -> Any:
    return "" if value is None else value


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            if _WIDE_PERCENT.search(left):
                raise SecurityError("widths and precisions of 1000 or more are not allowed")
        elif operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
            if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("the product is too large")
        elif (
            operator == "**" and _is_int(left) and _is_int(right) and left.bit_length() * right > MAX_INT_BITS
        ):
            raise SecurityError("the power is too large")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and callable(value) and attr not in _STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Any:
        if super().wrap_str_format(value) is None:
            return None

        def refused(*args: Any, **kwargs: Any) -> str:
            raise SecurityError("str.format is not available in invoice templates")

        return refused


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_repeat(sequence: Any, times: Any) -> None:
    if isinstance(sequence, str | list | tuple) and _is_int(times) and len(sequence) * times > MAX_SEQUENCE:
        raise SecurityError(f"a repeated string or list may have at most {MAX_SEQUENCE} items")


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() may give at most {MAX_RANGE} numbers")
    return numbers


class _LoopBudget:
    """Counts the iterations of every for-loop of one render."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def __call__(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.left -= 1
            if self.left < 0:
                raise SecurityError(f"loops may run at most {MAX_LOOP_ITERATIONS} times in all")
            yield item


def _environment(*, autoescape: bool = True) -> _Sandbox:
    env = _Sandbox(
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters = {name: FILTERS[name] for name in _FILTERS}
    # paydesk's own date and sentence filters, as its built-in emails use them.
    env.filters.update(long_date=long_date, sentence_end=sentence_end)
    # No namespace() (it carries values out of loops) nor lipsum() (text of any length).
    env.globals = {"range": _range, "dict": dict}
    env.globals.update((name, DEFAULT_NAMESPACE[name]) for name in ("cycler", "joiner"))
    return env


_ENV = _environment()
# The same sandbox for plain text (emails merchants write, e.g. a product's delivery email): no escaping.
_TEXT_ENV = _environment(autoescape=False)


def _parse(source: str, env: _Sandbox = _ENV) -> nodes.Template:
    """The template's syntax tree, refused when it uses what the sandbox leaves out, its loops counted."""
    tree = env.parse(source)
    if any(True for _ in tree.find_all((nodes.Macro, nodes.CallBlock))):
        raise TemplateRefused("Macros are not available in templates.")
    if any(True for _ in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport))):
        raise TemplateRefused("Templates cannot extend, include or import other templates.")
    if any(name.name == _BUDGET for name in tree.find_all(nodes.Name)):
        raise TemplateRefused(f"{_BUDGET} is a reserved name.")
    for loop in tree.find_all(nodes.For):
        budget = nodes.Name(_BUDGET, "load", lineno=loop.lineno, environment=env)
        loop.iter = nodes.Call(budget, [loop.iter], [], None, None, lineno=loop.lineno, environment=env)
    return tree


@lru_cache(maxsize=64)
def compile_template(source: str, *, text: bool = False) -> Template:
    """The compiled template (``text``: plain text, unescaped); TemplateRefused when it is too large or
    does not compile."""
    if len(source.encode()) > MAX_BODY_BYTES:
        raise TemplateRefused(f"A template is at most {MAX_BODY_BYTES // 1024} KB.")
    env = _TEXT_ENV if text else _ENV
    try:
        return env.from_string(_parse(source, env))
    except TemplateRefused:
        raise
    except _ERRORS as error:
        raise TemplateRefused(_describe(error)) from None


def render(source: str, context: Mapping[str, Any], *, text: bool = False) -> str:
    """The template's HTML (or plain ``text``) for ``context``; TemplateRefused when it fails or breaks a
    sandbox limit."""
    template = compile_template(source, text=text)
    parts: list[str] = []
    size = 0
    try:
        for chunk in template.generate({**context, _BUDGET: _LoopBudget(MAX_LOOP_ITERATIONS)}):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise SecurityError(f"a template may write at most {MAX_OUTPUT_CHARS} characters")
            parts.append(chunk)
    except _ERRORS as error:
        raise TemplateRefused(_describe(error)) from None
    return "".join(parts)


def check(source: str) -> None:
    """Compile ``source`` and render it with sample data; TemplateRefused with the reason if that fails."""
    render(source, sample_context())


def _describe(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "The template nests too deeply."
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    lineno = getattr(error, "lineno", None)
    return f"Line {lineno}: {message}" if lineno else str(message)


@cache
def default_source() -> str:
    """The built-in template every account starts with."""
    return resources.files("paydesk.invoices").joinpath("templates/default.html").read_text(encoding="utf-8")


# The context, as the templates see it.


@dataclass(frozen=True)
class Amount:
    """Money for a template: prints formatted in the account's locale."""

    minor_units: int
    currency: str
    formatted: str

    @property
    def amount(self) -> str:
        return str(Money(self.minor_units, self.currency).amount)

    def __str__(self) -> str:
        return self.formatted


@dataclass(frozen=True)
class AccountView:
    name: str


@dataclass(frozen=True)
class CustomerView:
    first_name: str | None
    last_name: str | None
    email: str | None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class InvoiceView:
    number: str
    issued_at: datetime
    issued_on: str


@dataclass(frozen=True)
class TransactionView:
    status: str
    transaction_date: datetime
    transaction_on: str
    amount_refunded: Amount

    @property
    def status_label(self) -> str:
        return self.status.replace("_", " ").capitalize()


@dataclass(frozen=True)
class LineView:
    description: str
    quantity: int
    unit_price: Amount
    subtotal: Amount
    discount: Amount
    total: Amount
    note: str


@dataclass(frozen=True)
class LineAmounts:
    """One line in minor units, as the service reads it from the sale."""

    description: str
    quantity: int
    unit_price: int
    subtotal: int
    discount: int
    total: int
    # A payment plan's line: which payment this is, of how many, one every ``unit`` (MONTH, ...).
    plan_payment: int | None = None
    payment_count: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Localization:
    """How an account writes money and days."""

    locale: str
    timezone: str

    def day(self, moment: datetime) -> str:
        return str(
            format_date(
                moment.astimezone(_zone(self.timezone)).date(), format="long", locale=_locale(self.locale)
            )
        )


def context_of(
    *,
    account: AccountView,
    customer: CustomerView,
    number: str,
    issued_at: datetime,
    status: str,
    transaction_date: datetime,
    currency: str,
    lines: Sequence[LineAmounts],
    totals: tuple[int, int, int],
    where: Localization,
    refunded: int = 0,
) -> dict[str, Any]:
    """The variables a template sees (see the module docstring); ``totals`` is (subtotal, discount, total)."""

    def amount(minor_units: int) -> Amount:
        return Amount(minor_units, currency, Money(minor_units, currency).format(where.locale))

    def note(line: LineAmounts) -> str:
        if line.plan_payment is None or not line.payment_count:
            return ""
        text = f"Payment {line.plan_payment} of {line.payment_count}"
        if line.plan_payment < line.payment_count and line.unit:
            every = line.unit.lower()
            text += f", then {amount(line.quantity * line.unit_price)} every {every}"
        return text

    subtotal, discount, total = totals
    return {
        "account": account,
        "customer": customer,
        "invoice": InvoiceView(number, issued_at, where.day(issued_at)),
        "transaction": TransactionView(
            status, transaction_date, where.day(transaction_date), amount(refunded)
        ),
        "lines": [
            LineView(
                line.description,
                line.quantity,
                amount(line.unit_price),
                amount(line.subtotal),
                amount(line.discount),
                amount(line.total),
                note(line),
            )
            for line in lines
        ],
        "subtotal": amount(subtotal),
        "discount": amount(discount),
        "total": amount(total),
        "currency": currency,
    }


def sample_context() -> dict[str, Any]:
    """Made-up values of every variable, to try a new template with."""
    when = datetime(2025, 3, 14, 15, 9, tzinfo=UTC)
    lines = [
        LineAmounts("Consulting, March", 3, 45_000, 135_000, 13_500, 121_500),
        LineAmounts("Travel", 1, 12_050, 12_050, 0, 12_050),
        LineAmounts("Course, in 3 payments", 1, 20_000, 20_000, 0, 20_000, 1, 3, "MONTH"),
    ]
    return context_of(
        account=AccountView("Example Shop"),
        customer=CustomerView("Ada", "Lovelace", "ada@example.com"),
        number="INV-000001",
        issued_at=when,
        status="PAID",
        transaction_date=when,
        currency="USD",
        lines=lines,
        totals=(167_050, 13_500, 153_550),
        where=Localization("en-US", "UTC"),
    )


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@cache
def _locale(tag: str) -> Any:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_US")
