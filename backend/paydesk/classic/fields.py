"""Reading the ``data`` of a classic request: JSON in a form field, read as the classic API read it.

Numbers may arrive as JSON numbers or as strings ("quantity": "1"), and
unknown keys are ignored. JSON is parsed with decimals for fractions (never
a float near money) and without NaN or infinities. Anything that cannot be
read raises ``Malformed`` naming the key by its path (``products[1].unit``);
messages never repeat the value, since a card number may be anywhere in a
malformed request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from paydesk.money import MoneyError, parse_decimal

Path = tuple[str | int, ...]
T = TypeVar("T")

# Whole numbers here are quantities, counts, months, years and per-account numbers: 18 digits is more
# than any of them can be, and keeps int() away from the thousands of digits a hostile body could hold.
MAX_DIGITS = 18
_WHOLE = re.compile(rf"^[+-]?\d{{1,{MAX_DIGITS}}}$")
# An opaque id: a prefix, an underscore and the random part (paydesk.ids).
_OPAQUE_ID = re.compile(r"^[a-z]{1,8}_[A-Za-z0-9]{1,64}$")
YES = frozenset({"yes", "true", "1", "y", "on"})
NO = frozenset({"no", "false", "0", "n", "off", ""})
# Text values are short (names, a card number, a postal code); a longer one is not one of them.
MAX_TEXT = 1000


class Malformed(Exception):
    """A request the classic API cannot read: result code 2, naming the key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def key_of(path: Path) -> str:
    """A path as the classic API names it: ("products", 1, "unit") is ``products[1].unit``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "data"


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def parse_data(raw: object, key: str = "data") -> Reader:
    """A JSON object sent as text: the ``data`` field (missing or blank is an empty one), or a body."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Reader({})
    if not isinstance(raw, str):
        raise Malformed(key, f"send {key} as a JSON text field, not a file.")
    try:
        value = json.loads(raw, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise Malformed(key, "is not valid JSON.") from None
    if not isinstance(value, dict):
        raise Malformed(key, "must be a JSON object.")
    return Reader(value)


@dataclass(frozen=True)
class Reader:
    """One JSON object of the request and where it sits in ``data``."""

    value: Mapping[str, object]
    path: Path = ()

    def key(self, name: str | int) -> str:
        return key_of((*self.path, name))

    def get(self, name: str) -> object:
        """The value under ``name``; None when missing or null."""
        return self.value.get(name)

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def required(self, name: str, value: T | None) -> T:
        """``value`` read from ``name``, which must be there: ``data.required("id", data.text("id"))``."""
        if value is None:
            raise Malformed(self.key(name), "is required.")
        return value

    def text(self, name: str) -> str | None:
        """A string (a JSON number is taken as its digits, e.g. a postal code sent as 93105)."""
        value = self.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise Malformed(self.key(name), "must be a string.")
        text = str(value) if isinstance(value, int) else value
        if len(text) > MAX_TEXT:
            raise Malformed(self.key(name), f"must be a string of at most {MAX_TEXT} characters.")
        return text

    def whole(self, name: str) -> int | None:
        """A whole number, sent as a JSON number or a string of digits."""
        value = self.get(name)
        if value is None:
            return None
        number = _whole(value)
        if number is None:
            raise Malformed(self.key(name), f"must be a whole number of at most {MAX_DIGITS} digits.")
        return number

    def decimal(self, name: str) -> Decimal | None:
        """A decimal amount, sent as a JSON number or a string ("49.00")."""
        value = self.get(name)
        if value is None:
            return None
        try:
            return parse_decimal(value)
        except MoneyError:
            raise Malformed(self.key(name), "must be a decimal amount such as 49.00.") from None

    def flag(self, name: str) -> bool:
        """Yes or no: true/false, or "yes", "no", "true", "false", "1", "0"; missing is no."""
        value = self.get(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        word = str(value).strip().lower() if isinstance(value, str | int) else None
        if word in YES:
            return True
        if word in NO:
            return False
        raise Malformed(self.key(name), 'must be "yes" or "no" (or true or false).')

    def choice(self, name: str, choices: tuple[str, ...], *, default: str | None = None) -> str | None:
        """One of ``choices``, in any case."""
        text = self.text(name)
        if text is None or not text.strip():
            return default
        word = text.strip().lower()
        if word not in choices:
            raise Malformed(self.key(name), f"must be one of {', '.join(choices)}.")
        return word

    def reference(self, name: str) -> int | str | None:
        """An object of the account: its number (49 or "49") or its opaque id ("cus_...")."""
        value = self.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number = _whole(value)
        if number is not None:
            return number
        if isinstance(value, str) and _OPAQUE_ID.match(value.strip()):
            return value.strip()
        raise Malformed(self.key(name), "must be a number (such as 49) or an id.")

    def required_reference(self, name: str) -> int | str:
        found = self.reference(name)
        if found is None:
            raise Malformed(self.key(name), "is required.")
        return found

    def object(self, name: str) -> Reader | None:
        value = self.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise Malformed(self.key(name), "must be a JSON object.")
        return Reader(value, (*self.path, name))

    def objects(self, name: str) -> list[Reader] | None:
        """A list of JSON objects; None when missing."""
        value = self.get(name)
        if value is None:
            return None
        if not isinstance(value, list):
            raise Malformed(self.key(name), "must be a list.")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise Malformed(key_of((*self.path, name, index)), "must be a JSON object.")
            items.append(Reader(item, (*self.path, name, index)))
        return items


def _whole(value: object) -> int | None:
    """A whole number from an int, an integral decimal or a string of digits; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 10**MAX_DIGITS else None
    if isinstance(value, Decimal):
        # adjusted() is the exponent of the leading digit: checked before int() can expand "1e999999".
        if not value.is_finite() or value.adjusted() >= MAX_DIGITS or value != value.to_integral_value():
            return None
        return int(value)
    if isinstance(value, str) and _WHOLE.match(value.strip()):
        return int(value.strip())
    return None
