"""The card form: reading what the payer typed, and placing each problem next to its field.

What is kept to show the form again is the name and the expiry only; the
card number and the security code exist only in the ``CardFields`` handed to
the service, and are never put back into a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from starlette.datastructures import FormData

from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, Problem, Problems
from paydesk.logs import scrub
from paydesk.payment_methods.cards import check_card
from paydesk.payment_methods.service import CardFields

FIELDS = ("name", "number", "exp_month", "exp_year", "cvc")
# Out-of-range stand-ins for an expiry that is not a number, so the service's own checks name the field:
# month 0 is "must be 1 to 12" and year -1 is "not valid" (0 would read as 2000, an expired card).
_NOT_A_MONTH = 0
_NOT_A_YEAR = -1
# Longer than any real value of the field; more is cut, not stored.
_MAX_LENGTH = {"name": 100, "number": 40, "exp_month": 4, "exp_year": 8, "cvc": 8}


@dataclass(frozen=True)
class Kept:
    """What the form shows again after a failed attempt."""

    name: str = ""
    exp_month: str = ""
    exp_year: str = ""


@dataclass
class FormErrors:
    """Messages by field name, and the ones that belong to no field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> FormErrors:
        errors = cls()
        for problem in problems:
            text = scrub(problem.message)
            name = _field_name(problem)
            if name is None:
                errors.general.append(text)
            else:
                errors.fields[name] = f"{errors.fields[name]} {text}" if name in errors.fields else text
        return errors


def _field_name(problem: Problem) -> str | None:
    path = problem.field or ()
    if len(path) == 2 and path[0] == "card" and path[1] in FIELDS:
        return str(path[1])
    return None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip()[: _MAX_LENGTH[name]] if isinstance(value, str) else ""


def _number(value: str, fallback: int) -> int:
    return int(value) if value.isascii() and value.isdigit() else fallback


def read(form: FormData) -> tuple[CardFields, Kept]:
    """The card as typed, and what may be shown again."""
    kept = Kept(_text(form, "name"), _text(form, "exp_month"), _text(form, "exp_year"))
    card = CardFields(
        number=_text(form, "number"),
        exp_month=_number(kept.exp_month, _NOT_A_MONTH),
        exp_year=_number(kept.exp_year, _NOT_A_YEAR),
        cvc=_text(form, "cvc") or None,
        name=kept.name or None,
    )
    return card, kept


def incomplete(card: CardFields) -> list[Problem]:
    """Problems of a card sent without its security code, which this page requires.

    Such a form is not an attempt at a card, so it is checked here and never
    reaches the service (which would count it toward locking the link).
    """
    if card.cvc:
        return []
    problems = Problems()
    check_card(
        problems,
        ("card",),
        number=card.number,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        cvc=None,
        name=card.name,
        now=utcnow(),
    )
    problems.add(ErrorCode.REQUIRED, "Enter the security code from the back of the card.", ("card", "cvc"))
    return problems.items
