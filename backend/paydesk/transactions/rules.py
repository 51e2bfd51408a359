"""Which action a sale allows now, and why not: DESIGN.md's table "Transaction actions by status".

One pure function decides, from facts about the sale, for the mutations
(which refuse with INVALID_STATE and the same reason) and for
``Transaction.availableActions`` alike, so the two can never disagree.
Who may act is a separate question: ``ROLE_FOR`` and ``refund_limit_problem``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from paydesk.auth.roles import Role, allows


class Status:
    PAID = "PAID"
    DECLINED = "DECLINED"
    FAILED = "FAILED"
    PENDING = "PENDING"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    VOIDED = "VOIDED"
    WRITTEN_OFF = "WRITTEN_OFF"


class Origin:
    CHARGED = "CHARGED"
    LOGGED = "LOGGED"


class Action(StrEnum):
    REFUND = "REFUND"
    VOID = "VOID"
    WRITE_OFF = "WRITE_OFF"
    MARK_PAID = "MARK_PAID"
    RESEND_INVOICE = "RESEND_INVOICE"
    RERUN_COMMISSION = "RERUN_COMMISSION"


# The least role each action needs (DESIGN.md, Roles). A REP may refund up to the account's limit.
ROLE_FOR = {
    Action.REFUND: Role.ADMIN,
    Action.VOID: Role.ADMIN,
    Action.WRITE_OFF: Role.ADMIN,
    Action.MARK_PAID: Role.ADMIN,
    Action.RESEND_INVOICE: Role.REP,
    Action.RERUN_COMMISSION: Role.ADMIN,
}


def role_refusal(role: Role, action: Action) -> str | None:
    """Why ``role`` may not take ``action``, in the words availableActions shows; None when it may."""
    needed = ROLE_FOR[action]
    if allows(role, needed):
        return None
    return f"Needs the {needed.value} role or higher; you have {role.value}."


# Statuses of a sale whose money was received at some point.
WAS_PAID = frozenset({Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED})


@dataclass(frozen=True)
class Facts:
    """What the rules look at. ``void_window`` is how long the sale's gateway lets a charge be voided."""

    status: str
    origin: str
    total: int
    # Refunds that SUCCEEDED or are PENDING.
    refunded: int
    # Any refund at all was made (a FAILED one included): the gateway will not void after that.
    has_refunds: bool
    has_invoice: bool
    marked_paid: bool
    void_in_flight: bool
    created_at: datetime
    charged_through_gateway: bool
    void_window: timedelta | None
    # The amount under an open or lost dispute: the bank holds it, so it cannot be refunded too.
    disputed: int = 0

    @property
    def refundable(self) -> int:
        if self.status not in (Status.PAID, Status.PARTIALLY_REFUNDED):
            return 0
        return max(self.total - self.refunded - self.disputed, 0)


def status_for_amounts(total: int, refunded: int) -> str:
    """PAID, PARTIALLY_REFUNDED or REFUNDED: what a paid sale's refunds make it."""
    if refunded <= 0:
        return Status.PAID
    return Status.REFUNDED if refunded >= total else Status.PARTIALLY_REFUNDED


def refused(action: Action, facts: Facts, now: datetime) -> str | None:
    """Why ``action`` is not allowed on the sale now, in words for staff; None when it is."""
    if facts.status == Status.PENDING and action is not Action.RESEND_INVOICE:
        return "The gateway's answer on this charge is not known yet; wait until it is reconciled."
    if action is Action.REFUND:
        if facts.status not in (Status.PAID, Status.PARTIALLY_REFUNDED):
            return f"Only a paid sale can be refunded; this one is {_words(facts.status)}."
        if facts.void_in_flight:
            return "A void of this sale is at the gateway; try again when it has answered."
        if facts.refundable <= 0:
            if facts.disputed > 0:
                return "The rest of this sale is under a dispute (or was lost to one): the bank holds it."
            return "Nothing is left to refund."
        return None
    if action is Action.VOID:
        if facts.status != Status.PAID:
            if facts.status == Status.PARTIALLY_REFUNDED:
                return "Part of this sale was refunded; refund the rest instead."
            return f"Only a paid sale can be voided; this one is {_words(facts.status)}."
        if facts.has_refunds:
            return "A refund was made on this sale; refund the rest instead."
        if facts.void_in_flight:
            return "A void of this sale is already at the gateway."
        if facts.disputed > 0:
            return "This sale is disputed; its charge has settled and cannot be voided."
        if facts.charged_through_gateway:
            if facts.void_window is None:
                return "This gateway captures charges at once, so they cannot be voided; refund instead."
            if now - facts.created_at >= facts.void_window:
                return "This charge has settled, so it cannot be voided; refund it instead."
        return None
    if action is Action.WRITE_OFF:
        if facts.status not in (Status.DECLINED, Status.FAILED):
            return f"Only a declined or failed sale can be written off; this one is {_words(facts.status)}."
        return None
    if action is Action.MARK_PAID:
        if facts.status not in (Status.DECLINED, Status.FAILED, Status.WRITTEN_OFF):
            return (
                "Only a declined, failed or written-off sale can be marked paid; "
                f"this one is {_words(facts.status)}."
            )
        return None
    if action is Action.RESEND_INVOICE:
        if not facts.has_invoice:
            return "This sale has no invoice: invoices are issued when a sale is paid."
        return None
    if facts.status not in WAS_PAID:
        return f"Commissions are owed on paid sales only; this one is {_words(facts.status)}."
    return None


def refund_limit_problem(
    role: Role, limit: int | None, limit_currency: str, amount: int, currency: str
) -> str | None:
    """Why a caller of ``role`` may not refund ``amount``; None when they may (DESIGN.md, Roles)."""
    if role in (Role.ADMIN, Role.OWNER):
        return None
    if role is not Role.REP or limit is None:
        return "Refunds need the ADMIN role or higher."
    if currency != limit_currency:
        return f"A REP may refund in {limit_currency} only; this sale is in {currency}."
    if amount > limit:
        return "This refund is larger than what a REP may refund; ask an ADMIN."
    return None


def _words(status: str) -> str:
    return status.lower().replace("_", " ")


# Stripe's dispute statuses whose amount the bank holds (open) or took (lost); won and
# warning_closed give it back.
HOLDING_DISPUTE = frozenset(
    {"warning_needs_response", "warning_under_review", "needs_response", "under_review", "lost"}
)


def held_by_dispute(status: str | None, amount: int | None) -> int:
    """What a dispute in ``status`` keeps from being refunded."""
    return amount or 0 if status in HOLDING_DISPUTE else 0
