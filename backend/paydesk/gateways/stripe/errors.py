"""Stripe's failures as typed errors, and the one place that turns each into an ``Outcome``.

The family mirrors stripe-python's ``stripe/_error.py``:

    StripeError
      CardError               402 / type card_error: the issuer or Stripe declined the card
      InvalidRequestError     other 4xx / invalid_request_error: our request was wrong
      IdempotencyError        idempotency_error: 400, the key was reused with other parameters;
                              409, a request with the key is still in flight (outcome unknown)
      RateLimitError          429 / rate_limit_error
      AuthenticationError     401: the secret key is wrong, revoked or expired
      PermissionDeniedError   403: a restricted key without the permission
      APIError                5xx or an unreadable answer: Stripe failed
      APIConnectionError      no answer at all: Stripe may or may not have acted

``should_retry`` says whether sending the same request again (with the same
Idempotency-Key) can help; Stripe's ``Stripe-Should-Retry`` header, when
present, decides it. Messages never carry a card number, a CVC or the secret
key: they are built from Stripe's error ``message`` (scrubbed of card-like
digit runs anyway) or from our own words, never from a request body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paydesk.gateways.base import Outcome, ResultCode
from paydesk.logs import scrub

AUTHENTICATION_REQUIRED = "authentication_required"
AUTHENTICATION_ADVICE = (
    "The bank asks the cardholder to authenticate; ask them to pay on the payment page or use another card."
)
# Stripe's decline codes (https://docs.stripe.com/declines/codes) worth their own words.
DECLINE_ADVICE = {
    AUTHENTICATION_REQUIRED: AUTHENTICATION_ADVICE,
    "insufficient_funds": "The card has insufficient funds; try again later or use another card.",
    "expired_card": "The card has expired; ask the customer for a new card.",
    "incorrect_cvc": "The CVC is wrong; check it with the cardholder and try again.",
    "invalid_cvc": "The CVC is wrong; check it with the cardholder and try again.",
    "incorrect_number": "The card number is wrong; check it with the cardholder.",
    "invalid_number": "The card number is wrong; check it with the cardholder.",
    "invalid_expiry_month": "The expiry month is wrong; check it with the cardholder.",
    "invalid_expiry_year": "The expiry year is wrong; check it with the cardholder.",
    "lost_card": "The card was reported lost; do not retry it.",
    "stolen_card": "The card was reported stolen; do not retry it.",
    "fraudulent": "The card was declined as suspected fraud; do not retry it.",
    "processing_error": "The card could not be processed; try again in a moment.",
}
DEFAULT_DECLINE_ADVICE = (
    "The bank declined the card; ask for another card or for the cardholder to call their bank."
)


class StripeError(Exception):
    """A Stripe call that did not succeed."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        code: str | None = None,
        decline_code: str | None = None,
        payment_intent: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        should_retry: bool = False,
    ) -> None:
        self.message = scrub(message)
        super().__init__(self.message)
        self.http_status = http_status
        self.code = code
        self.decline_code = decline_code
        # Stripe's PaymentIntent when the failed request involved one (a declined charge has one).
        self.payment_intent: Mapping[str, Any] = payment_intent or {}
        self.request_id = request_id
        self.should_retry = should_retry

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, http_status={self.http_status}, code={self.code!r})"

    @property
    def payment_intent_id(self) -> str | None:
        value = self.payment_intent.get("id")
        return value if isinstance(value, str) else None


class CardError(StripeError):
    pass


class InvalidRequestError(StripeError):
    pass


class IdempotencyError(StripeError):
    pass


class RateLimitError(StripeError):
    pass


class AuthenticationError(StripeError):
    pass


class PermissionDeniedError(StripeError):
    pass


class APIError(StripeError):
    pass


class APIConnectionError(StripeError):
    """No answer: whether Stripe acted is unknown until the charge is looked up."""


def error_from_response(status: int, body: object, headers: Mapping[str, str]) -> StripeError:
    """The typed error for a non-2xx answer; ``body`` is the decoded JSON (anything, if it was not JSON)."""
    error = body.get("error") if isinstance(body, dict) else None
    fields: dict[str, Any] = error if isinstance(error, dict) else {}
    kind = fields.get("type")
    cls = _error_class(status, kind if isinstance(kind, str) else None)
    intent = fields.get("payment_intent")
    return cls(
        _text(fields.get("message")) or f"Stripe answered HTTP {status}.",
        http_status=status,
        code=_text(fields.get("code")),
        decline_code=_text(fields.get("decline_code")),
        payment_intent=intent if isinstance(intent, dict) else None,
        request_id=headers.get("request-id"),
        should_retry=_should_retry(status, headers),
    )


def _error_class(status: int, kind: str | None) -> type[StripeError]:
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status >= 500:
        return APIError
    if status == 402 or kind == "card_error":
        return CardError
    if status == 429 or kind == "rate_limit_error":
        return RateLimitError
    if kind == "idempotency_error":
        return IdempotencyError
    if 400 <= status < 500:
        return InvalidRequestError
    return APIError


def _should_retry(status: int, headers: Mapping[str, str]) -> bool:
    hint = headers.get("stripe-should-retry")
    if hint in ("true", "false"):
        return hint == "true"
    # 409: a concurrent request with the same key still holds it; 429: slow down, then retry.
    return status in (409, 429) or status >= 500


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def outcome_for(error: StripeError) -> Outcome:
    """The Payments API outcome of a failed Stripe call."""
    if isinstance(error, CardError):
        decline = error.decline_code or error.code or "card_declined"
        return Outcome(
            ResultCode.BAD_DATA, error.message, decline, DECLINE_ADVICE.get(decline, DEFAULT_DECLINE_ADVICE)
        )
    if isinstance(error, AuthenticationError):
        # Stripe's 401 message quotes the (masked) key; ours says what to do instead.
        return Outcome(
            ResultCode.GATEWAY_CREDENTIALS_ERROR,
            "Stripe rejected the secret key.",
            advice="Check the Stripe secret key in the gateway settings.",
        )
    if isinstance(error, PermissionDeniedError):
        return Outcome(
            ResultCode.GATEWAY_CREDENTIALS_ERROR,
            error.message,
            advice="The Stripe key lacks a permission this needs; use a key that has it.",
        )
    if isinstance(error, APIConnectionError):
        return Outcome(
            ResultCode.CONNECTION_ERROR,
            error.message,
            advice="Stripe did not answer; the outcome is unknown until the charge is reconciled.",
        )
    if isinstance(error, IdempotencyError) and error.http_status == 409:
        # Another request with this key is still being processed: it may yet move money.
        return Outcome(
            ResultCode.CONNECTION_ERROR,
            error.message,
            advice="A request with this key is still in flight at Stripe; its outcome will be reconciled.",
        )
    if isinstance(error, APIError):
        return Outcome(
            ResultCode.REMOTE_GATEWAY_ERROR, error.message, advice="Stripe failed; try again later."
        )
    if isinstance(error, RateLimitError):
        return Outcome(
            ResultCode.BAD_DATA, error.message, advice="Stripe is limiting requests; try again shortly."
        )
    return Outcome(ResultCode.BAD_DATA, error.message)
