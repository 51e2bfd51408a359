"""The emails an account can rewrite: what each is for, the values its template gets, and samples.

Each kind's built-in wording is paydesk's own template of the same name in
``paydesk/notify/templates`` (subject, plain text and HTML); a rewritten one
is a subject and a plain-text body, rendered in the invoice templates'
sandbox with the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from importlib import resources
from typing import Any

from paydesk.models import Account


class Kind(StrEnum):
    RECEIPT = "RECEIPT"
    DUNNING_NOTICE = "DUNNING_NOTICE"
    RENEWAL_REMINDER = "RENEWAL_REMINDER"
    PLAN_COMPLETED = "PLAN_COMPLETED"


@dataclass(frozen=True)
class Variable:
    name: str
    description: str


@dataclass(frozen=True)
class KindInfo:
    kind: Kind
    # The built-in templates' name (notify/templates/{builtin}.*) and the outbox purpose of its emails.
    builtin: str
    title: str
    when: str
    variables: tuple[Variable, ...]
    sample: Mapping[str, Any]

    def default_subject(self) -> str:
        return _source(f"{self.builtin}.subject.txt")

    def default_body(self) -> str:
        return _source(f"{self.builtin}.txt")


def switched_on(account: Account, kind: Kind) -> bool:
    """Whether the account sends ``kind`` now; each email keeps the setting that already switched it."""
    if kind is Kind.RECEIPT:
        return account.email_invoices
    if kind is Kind.DUNNING_NOTICE:
        return account.dunning_email_card_link
    if kind is Kind.RENEWAL_REMINDER:
        return account.renewal_reminder_days is not None
    return account.email_plan_completed


def _source(name: str) -> str:
    text = resources.files("paydesk.notify").joinpath(f"templates/{name}").read_text(encoding="utf-8")
    return text.strip() + ("\n" if not name.endswith("subject.txt") else "")


_MERCHANT = Variable("merchant_name", "The account's name.")
_CUSTOMER = Variable("customer_name", "The customer's first name; empty when unknown.")
_DESCRIPTION = Variable("description", "What the subscription or plan is, e.g. Gear club membership.")
_SAMPLE = {"merchant_name": "Your shop", "customer_name": "Ada"}

KINDS: dict[Kind, KindInfo] = {
    Kind.RECEIPT: KindInfo(
        Kind.RECEIPT,
        "receipt",
        "Receipt with the invoice",
        "After a paid sale when the account emails invoices, and when staff resend an invoice.",
        (
            _MERCHANT,
            _CUSTOMER,
            Variable("number", "The invoice number, e.g. INV-000042."),
            Variable("total", "The invoice total, formatted for the account's locale, e.g. $49.00."),
            Variable("url", "The link to the invoice page."),
        ),
        {**_SAMPLE, "number": "INV-000042", "total": "$49.00", "url": "https://pay.example/invoice/sample"},
    ),
    Kind.DUNNING_NOTICE: KindInfo(
        Kind.DUNNING_NOTICE,
        "dunning_notice",
        "Dunning notice",
        "After each declined installment when the dunning policy emails a card link.",
        (
            _MERCHANT,
            _CUSTOMER,
            _DESCRIPTION,
            Variable("amount", "The declined installment, formatted, e.g. $9.99."),
            Variable("next_try", "The day the card is tried again (use |long_date); empty when never."),
            Variable("url", "The fresh link where the customer puts a new card on file."),
            Variable("expires_at", "When that link stops working (use |long_date)."),
        ),
        {
            **_SAMPLE,
            "description": "Gear club membership",
            "amount": "$9.99",
            "next_try": date(2026, 3, 17),
            "url": "https://pay.example/card/sample",
            "expires_at": datetime(2026, 4, 13, 12, 0),
        },
    ),
    Kind.RENEWAL_REMINDER: KindInfo(
        Kind.RENEWAL_REMINDER,
        "renewal_reminder",
        "Upcoming renewal reminder",
        "The account's renewalReminderDays before each subscription charge.",
        (
            _MERCHANT,
            _CUSTOMER,
            _DESCRIPTION,
            Variable("amount", "What will be charged, formatted, e.g. $9.99."),
            Variable("charge_day", "The day of the charge (use |long_date)."),
        ),
        {
            **_SAMPLE,
            "description": "Gear club membership",
            "amount": "$9.99",
            "charge_day": date(2026, 3, 17),
        },
    ),
    Kind.PLAN_COMPLETED: KindInfo(
        Kind.PLAN_COMPLETED,
        "plan_completed",
        "Plan paid in full",
        "When a payment plan's last installment is paid, or its balance paid off, if the account sends it.",
        (_MERCHANT, _CUSTOMER, _DESCRIPTION),
        {**_SAMPLE, "description": "Kayak in 6 installments"},
    ),
}
