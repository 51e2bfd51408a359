"""What a Stripe PaymentIntent says about a charge, in the gateway protocol's terms.

A PaymentIntent confirmed with ``confirm=true`` ends in one of Stripe's
statuses (https://docs.stripe.com/payments/paymentintents/lifecycle):

    succeeded                 approved: GOOD
    requires_action           the bank wants 3-D Secure; we cannot do it for the
                              cardholder, so it is a decline (authentication_required)
    requires_payment_method   the card was declined; ``last_payment_error`` says why
    processing                not known yet: like a lost answer, reconciled later
    canceled                  voided at Stripe (cancel succeeds only before capture)
    requires_confirmation / requires_capture   not states our requests lead to
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from paydesk.gateways.base import GOOD, ChargeLookup, ChargeStatus, Outcome, ResultCode
from paydesk.gateways.stripe.errors import (
    AUTHENTICATION_ADVICE,
    AUTHENTICATION_REQUIRED,
    CardError,
    outcome_for,
)

REFERENCE_KEY = "paydesk_reference"
PROCESSING = Outcome(
    ResultCode.CONNECTION_ERROR,
    "Stripe is still processing this payment.",
    advice="The outcome is not known yet; it will be reconciled.",
)
# Which of several PaymentIntents with one reference tells what became of the charge.
_PRECEDENCE = {
    "succeeded": 0,
    "processing": 1,
    "requires_action": 2,
    "requires_payment_method": 2,
    "canceled": 3,
}


def intent_outcome(intent: Mapping[str, Any]) -> Outcome:
    """The outcome of a confirmed PaymentIntent, from its status."""
    status = intent.get("status")
    if status == "succeeded":
        return GOOD
    if status == "requires_action":
        return Outcome(
            ResultCode.BAD_DATA,
            "The bank asks the cardholder to authenticate this payment.",
            AUTHENTICATION_REQUIRED,
            AUTHENTICATION_ADVICE,
        )
    if status == "requires_payment_method":
        return _declined(intent.get("last_payment_error"))
    if status == "processing":
        return PROCESSING
    if status == "canceled":
        return Outcome(ResultCode.BAD_DATA, "The payment was canceled at Stripe.")
    return Outcome(ResultCode.REMOTE_GATEWAY_ERROR, f"Stripe left the payment in status {status}.")


def _declined(error: object) -> Outcome:
    fields: Mapping[str, Any] = error if isinstance(error, Mapping) else {}
    message = fields.get("message")
    return outcome_for(
        CardError(
            message if isinstance(message, str) else "The card was declined.",
            code=_text(fields.get("code")) or "card_declined",
            decline_code=_text(fields.get("decline_code")),
        )
    )


def lookup(intents: Sequence[Mapping[str, Any]]) -> ChargeLookup:
    """What the PaymentIntents found for one reference say about our charge."""
    if not intents:
        return ChargeLookup(GOOD)
    intent = min(intents, key=lambda i: (_PRECEDENCE.get(str(i.get("status")), 4), -_created(i)))
    status, intent_id = intent.get("status"), _text(intent.get("id"))
    if status == "succeeded":
        return ChargeLookup(GOOD, ChargeStatus.SUCCEEDED, intent_id)
    if status == "canceled":
        return ChargeLookup(GOOD, ChargeStatus.VOIDED, intent_id)
    if status in ("requires_action", "requires_payment_method"):
        return ChargeLookup(intent_outcome(intent), ChargeStatus.DECLINED, intent_id)
    if status == "processing":
        # Seen, but not decided: the lookup has to be made again later.
        return ChargeLookup(PROCESSING, None, intent_id)
    return ChargeLookup(intent_outcome(intent), ChargeStatus.FAILED, intent_id)


def search_query(reference: str) -> str:
    """Stripe's search query for our reference; quotes and backslashes inside are escaped."""
    escaped = reference.replace("\\", "\\\\").replace("'", "\\'")
    return f"metadata['{REFERENCE_KEY}']:'{escaped}'"


def _created(intent: Mapping[str, Any]) -> int:
    created = intent.get("created")
    return created if isinstance(created, int) else 0


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
