"""What an account's settings may be set to: the choices the portal offers, from the lists the checks use.

Currencies are the ISO 4217 codes paydesk can take payments in (``money``),
time zones the IANA names this machine's zoneinfo knows, and locales the
ones babel formats money and dates for: exactly what ``updateAccount``
accepts, so a picker never offers a value the API refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from babel.numbers import get_currency_name

from paydesk.money import all_currencies, is_currency

_NAMES_IN = Locale.parse("en")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@cache
def currencies() -> tuple[Choice, ...]:
    """Payable ISO 4217 currencies, by code: "USD", "US Dollar"."""
    return tuple(
        Choice(code, get_currency_name(code, locale=_NAMES_IN))
        for code in sorted(all_currencies())
        if is_currency(code)
    )


@cache
def time_zones() -> tuple[str, ...]:
    """IANA time zone names, sorted; the zoneinfo aliases for this machine ("localtime") left out."""
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC"))


@cache
def locales() -> tuple[Choice, ...]:
    """Babel's locales as BCP 47 tags ("en-US"), by their English name: "English (United States)"."""
    found = []
    for identifier in locale_identifiers():
        try:
            locale = Locale.parse(identifier)
        except (ValueError, UnknownLocaleError):
            continue
        if identifier == "root":
            continue
        found.append(Choice(identifier.replace("_", "-"), locale.get_display_name(_NAMES_IN) or identifier))
    return tuple(sorted(found, key=lambda choice: (choice.label.casefold(), choice.value)))
