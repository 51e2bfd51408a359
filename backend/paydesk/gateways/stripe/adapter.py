"""StripeGateway: the gateway protocol over Stripe's PaymentMethods, Customers, PaymentIntents and Refunds.

Tokens. A card Stripe will charge off-session is a PaymentMethod attached to
a Customer, and a PaymentIntent needs both ids, so our token is
``"cus_...:pm_..."``. Callers store it and hand it back; they never look
inside it.

Customers. Each tokenization makes one Stripe Customer (``metadata
[paydesk_customer]`` names ours) unless the PaymentMethod is attached to one
already. Looking an existing one up would need Stripe's search, which lags
writes by up to a minute (an hour in outages), so it could not prevent a
duplicate anyway; a Customer per card is harmless because every charge names
both ids.

Raw card numbers. Creating a PaymentMethod from a card number needs the
Stripe account's raw card data access; a ``gateway_token`` (a ``pm_`` id
made by Stripe.js or Elements in the payer's browser) keeps the number away
from paydesk altogether.

Idempotency. Every POST carries a key derived from the caller's:
``request.idempotency_key`` itself for the call that moves money (charge,
refund, void), and ``{key}:payment_method``, ``{key}:customer``,
``{key}:attach`` for the steps of a tokenization, so a retried tokenization
replays each step instead of making a second Customer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import httpx

from paydesk.gateways.base import (
    GOOD,
    CardDetails,
    ChargeLookup,
    ChargeRequest,
    ChargeResult,
    Outcome,
    RefundRequest,
    RefundResult,
    ResultCode,
    TokenizeRequest,
    TokenizeResult,
    VoidRequest,
    VoidResult,
)
from paydesk.gateways.stripe.amounts import AmountError, stripe_currencies, to_stripe_amount
from paydesk.gateways.stripe.client import DEFAULT_API_BASE, FormValue, StripeClient, object_id, path_segment
from paydesk.gateways.stripe.errors import InvalidRequestError, StripeError, outcome_for
from paydesk.gateways.stripe.intents import REFERENCE_KEY, intent_outcome, lookup, search_query
from paydesk.logs import scrub

CARD_BRANDS = frozenset({"amex", "diners", "discover", "jcb", "mastercard", "unionpay", "visa"})
TOKEN_SEPARATOR = ":"
# Stripe caps a metadata value at 500 characters.
METADATA_VALUE_MAX = 500
# Our refund reason codes Stripe has a word for; OTHER has none.
_STRIPE_REFUND_REASONS = {
    "DUPLICATE": "duplicate",
    "FRAUDULENT": "fraudulent",
    "REQUESTED_BY_CUSTOMER": "requested_by_customer",
}
# How many PaymentIntents a reference could have: one, unless someone reused it by hand.
SEARCH_LIMIT = 10
SETTLED = Outcome(ResultCode.BAD_DATA, "This charge has settled at Stripe; refund it instead.")
_STRIPE_ID = re.compile(r"[A-Za-z0-9_]+")
_UNEXPECTED_STATUS = re.compile(r"status of (\w+)")


class StripeGateway:
    """One merchant's Stripe account. ``credentials`` is the stored ``{"secret_key": "sk_..."}``."""

    kind = "stripe"
    # Stripe's search lags behind writes, by up to an hour when it is degraded: only after
    # this long does a PaymentIntent that search cannot find prove the charge never happened.
    absence_proves_after = timedelta(hours=2)
    # PaymentIntents confirmed here capture at once; a captured payment can only be refunded.
    void_window: timedelta | None = None

    def __init__(
        self, credentials: Mapping[str, Any], http: httpx.AsyncClient, api_base: str = DEFAULT_API_BASE
    ) -> None:
        secret_key = credentials.get("secret_key")
        if not isinstance(secret_key, str) or not secret_key.startswith(("sk_", "rk_")):
            raise ValueError("Stripe credentials need a secret_key that starts with sk_ or rk_")
        self.test_mode = secret_key.startswith(("sk_test_", "rk_test_"))
        self._client = StripeClient(http, secret_key, api_base=api_base)

    def __repr__(self) -> str:
        return f"StripeGateway(test_mode={self.test_mode})"

    def currencies(self) -> list[str]:
        return stripe_currencies()

    async def tokenize(self, request: TokenizeRequest) -> TokenizeResult:
        if request.card is None and not is_stripe_id(request.gateway_token, "pm_"):
            return TokenizeResult(
                Outcome(ResultCode.BAD_DATA, "A card or a Stripe PaymentMethod id (pm_...) is needed.")
            )
        try:
            method = await self._payment_method(request)
            if method.get("type") != "card" or not isinstance(method.get("card"), dict):
                return TokenizeResult(
                    Outcome(ResultCode.BAD_DATA, "This Stripe PaymentMethod is not a card.")
                )
            customer = method.get("customer")
            if not isinstance(customer, str):
                customer = await self._new_customer(request)
                method = await self._client.post(
                    f"/v1/payment_methods/{path_segment(object_id(method))}/attach",
                    {"customer": customer},
                    idempotency_key=f"{request.idempotency_key}:attach",
                )
            pm_id = object_id(method)
        except StripeError as error:
            return TokenizeResult(outcome_for(error))
        return _tokenized(customer, pm_id, method)

    async def _payment_method(self, request: TokenizeRequest) -> dict[str, Any]:
        if request.card is None:
            assert request.gateway_token is not None
            return await self._client.get(f"/v1/payment_methods/{path_segment(request.gateway_token)}")
        return await self._client.post(
            "/v1/payment_methods",
            _card_params(request.card),
            idempotency_key=f"{request.idempotency_key}:payment_method",
        )

    async def _new_customer(self, request: TokenizeRequest) -> str:
        customer = await self._client.post(
            "/v1/customers",
            {"email": request.email, "metadata": {"paydesk_customer": request.customer_ref}},
            idempotency_key=f"{request.idempotency_key}:customer",
        )
        return object_id(customer)

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        ids = parse_token(request.token)
        if ids is None:
            return ChargeResult(Outcome(ResultCode.BAD_DATA, "This is not a Stripe card token."))
        try:
            amount = to_stripe_amount(request.amount)
        except AmountError as error:
            return ChargeResult(Outcome(ResultCode.BAD_DATA, str(error)))
        customer, payment_method = ids
        params: dict[str, FormValue] = {
            "amount": amount,
            "currency": request.amount.currency.lower(),
            "customer": customer,
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "off_session": True if request.off_session else None,
            "description": request.description,
            "metadata": {REFERENCE_KEY: request.reference},
        }
        try:
            intent = await self._client.post(
                "/v1/payment_intents", params, idempotency_key=request.idempotency_key
            )
            intent_id = object_id(intent)
        except StripeError as error:
            # A declined charge still has a PaymentIntent; its id goes on the transaction.
            return ChargeResult(outcome_for(error), error.payment_intent_id)
        return ChargeResult(intent_outcome(intent), intent_id)

    async def find_charge(self, idempotency_key: str, reference: str) -> ChargeLookup:
        """Search PaymentIntents by ``metadata[paydesk_reference]``.

        Stripe's search lags writes (under a minute, up to an hour in
        outages), so "not found" right after a lost answer is not proof that
        Stripe never saw the charge; the reconciler should look again later.
        The exact alternative is to replay: ``charge()`` again with the same
        ChargeRequest (same Idempotency-Key) returns Stripe's first answer for
        24 hours, or makes the charge if Stripe never saw it.
        """
        try:
            found = await self._client.get(
                "/v1/payment_intents/search", {"query": search_query(reference), "limit": SEARCH_LIMIT}
            )
        except StripeError as error:
            return ChargeLookup(outcome_for(error))
        data = found.get("data")
        return lookup(
            [intent for intent in data if isinstance(intent, dict)] if isinstance(data, list) else []
        )

    async def refund(self, request: RefundRequest) -> RefundResult:
        """Refund part or all of a PaymentIntent; Stripe's ``pending`` counts as done (it settles later)."""
        if not is_stripe_id(request.external_id, "pi_"):
            return RefundResult(Outcome(ResultCode.BAD_DATA, "This is not a Stripe PaymentIntent id."))
        try:
            amount = to_stripe_amount(request.amount)
        except AmountError as error:
            return RefundResult(Outcome(ResultCode.BAD_DATA, str(error)))
        params: dict[str, FormValue] = {
            "payment_intent": request.external_id,
            "amount": amount,
            # Stripe takes only duplicate, fraudulent or requested_by_customer (sent for none given);
            # OTHER sends none. Our words and code go in metadata.
            "metadata": {
                # Our refund's key, so Stripe's charge.refunded can be matched to it.
                "paydesk_refund": request.idempotency_key,
                "paydesk_reason": scrub(request.reason)[:METADATA_VALUE_MAX] if request.reason else None,
                "paydesk_reason_code": request.reason_code,
            },
        }
        stripe_reason = _STRIPE_REFUND_REASONS.get(request.reason_code or "REQUESTED_BY_CUSTOMER")
        if stripe_reason is not None:
            params["reason"] = stripe_reason
        try:
            refund = await self._client.post("/v1/refunds", params, idempotency_key=request.idempotency_key)
            refund_id = object_id(refund)
        except StripeError as error:
            return RefundResult(outcome_for(error))
        return RefundResult(_refund_outcome(refund), refund_id)

    async def void(self, request: VoidRequest) -> VoidResult:
        """Cancel a PaymentIntent; Stripe captures card payments at once, so most can only be refunded."""
        if not is_stripe_id(request.external_id, "pi_"):
            return VoidResult(Outcome(ResultCode.BAD_DATA, "This is not a Stripe PaymentIntent id."))
        try:
            intent = await self._client.post(
                f"/v1/payment_intents/{path_segment(request.external_id)}/cancel",
                {},
                idempotency_key=request.idempotency_key,
            )
        except InvalidRequestError as error:
            return VoidResult(_cancel_refused(error))
        except StripeError as error:
            return VoidResult(outcome_for(error))
        if intent.get("status") == "canceled":
            return VoidResult(GOOD)
        return VoidResult(
            Outcome(ResultCode.REMOTE_GATEWAY_ERROR, f"Stripe left the payment {intent.get('status')}.")
        )


def parse_token(token: str) -> tuple[str, str] | None:
    """``(customer id, payment method id)`` from our token, None when it is not one."""
    customer, _, method = token.partition(TOKEN_SEPARATOR)
    if is_stripe_id(customer, "cus_") and is_stripe_id(method, "pm_"):
        return customer, method
    return None


def is_stripe_id(value: str | None, prefix: str) -> bool:
    return value is not None and value.startswith(prefix) and _STRIPE_ID.fullmatch(value) is not None


def _card_params(card: CardDetails) -> dict[str, FormValue]:
    return {
        "type": "card",
        "card": {
            "number": card.number.replace(" ", "").replace("-", ""),
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "cvc": card.cvc,
        },
        "billing_details": {"name": card.name},
    }


def _tokenized(customer: str, pm_id: str, method: Mapping[str, Any]) -> TokenizeResult:
    found = method.get("card")
    card: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    brand = card.get("brand")
    return TokenizeResult(
        GOOD,
        token=f"{customer}{TOKEN_SEPARATOR}{pm_id}",
        brand=brand if brand in CARD_BRANDS else "unknown",
        last4=card.get("last4"),
        exp_month=card.get("exp_month"),
        exp_year=card.get("exp_year"),
        fingerprint=card.get("fingerprint"),
    )


def _refund_outcome(refund: Mapping[str, Any]) -> Outcome:
    status = refund.get("status")
    if status in ("succeeded", "pending"):
        return GOOD
    reason = refund.get("failure_reason")
    if status == "failed" and reason == "insufficient_funds":
        return Outcome(ResultCode.GATEWAY_ACCOUNT_ERROR, "The Stripe balance is too low to refund this.")
    if status == "failed" and reason in ("lost_or_stolen_card", "expired_or_canceled_card"):
        return Outcome(
            ResultCode.BAD_DATA, "The card can no longer take a refund; pay the customer another way."
        )
    if status == "failed":
        return Outcome(
            ResultCode.REMOTE_GATEWAY_ERROR, f"Stripe could not refund this ({reason or 'no reason given'})."
        )
    return Outcome(ResultCode.BAD_DATA, f"Stripe left the refund {status}.")


def _cancel_refused(error: InvalidRequestError) -> Outcome:
    if error.code == "payment_intent_unexpected_state":
        status = error.payment_intent.get("status")
        if status is None and (match := _UNEXPECTED_STATUS.search(error.message)):
            status = match.group(1)
        if status == "succeeded":
            return SETTLED
        if status == "canceled":
            return GOOD
    return outcome_for(error)
