"""How a sale paid outside paydesk was paid, and why money went back: what staff record beside amounts.

A logged sale (made at a trade show, through another system) and a sale
marked paid keep how they were paid (``PaidWith``), a reference (cheque
number, transfer reference, the other system's id) and staff's note. A
refund keeps a reason code beside its free-text reason; gateways that take
one (Stripe) are told it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from paydesk.errors import FieldPath, Problems
from paydesk.models import Transaction
from paydesk.validation import clean_text

REFERENCE_LENGTH = 255
NOTE_LENGTH = 500


class PaidWith(StrEnum):
    CASH = "CASH"
    CHEQUE = "CHEQUE"
    BANK_TRANSFER = "BANK_TRANSFER"
    CARD_ELSEWHERE = "CARD_ELSEWHERE"
    OTHER = "OTHER"


class RefundReason(StrEnum):
    DUPLICATE = "DUPLICATE"
    FRAUDULENT = "FRAUDULENT"
    REQUESTED_BY_CUSTOMER = "REQUESTED_BY_CUSTOMER"
    OTHER = "OTHER"


@dataclass(frozen=True)
class PaidOutside:
    """How a sale was paid outside paydesk, as staff record it; every part optional."""

    paid_with: PaidWith | None = None
    reference: str | None = None
    note: str | None = None


def clean_paid_outside(problems: Problems, given: PaidOutside, at: FieldPath = ()) -> PaidOutside:
    """Trimmed text within its limits; problems at ``at`` + the field's name."""
    reference = clean_text(
        problems, given.reference, (*at, "reference"), max_length=REFERENCE_LENGTH, label="The reference"
    )
    note = clean_text(problems, given.note, (*at, "note"), max_length=NOTE_LENGTH, label="The note")
    return PaidOutside(given.paid_with, reference, note)


_HOW = {
    PaidWith.CASH: "in cash",
    PaidWith.CHEQUE: "by cheque",
    PaidWith.BANK_TRANSFER: "by bank transfer",
    PaidWith.CARD_ELSEWHERE: "by card on another system",
    PaidWith.OTHER: "another way",
}


def describe(paid: PaidOutside, lead: str) -> str:
    """One sentence for the sale's events, e.g. "Paid elsewhere by cheque (reference 001234). At the desk"."""
    text = lead + (f" {_HOW[paid.paid_with]}" if paid.paid_with else "")
    text += f" (reference {paid.reference})." if paid.reference else "."
    return f"{text} {paid.note}" if paid.note else text


def record_paid_outside(sale: Transaction, paid: PaidOutside) -> None:
    """Keep on the sale how it was paid outside (replacing what an earlier record said)."""
    sale.paid_with = paid.paid_with.value if paid.paid_with else None
    sale.reference = paid.reference
    sale.note = paid.note
