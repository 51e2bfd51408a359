"""StripeGateway against a fake Stripe behind ``httpx.MockTransport``.

Response bodies are Stripe's own example objects from its API reference
(PaymentMethod, Customer, PaymentIntent, Refund, search_result, error), with
only the fields a test is about changed.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from structlog.testing import capture_logs

from paydesk.gateways.base import (
    CardDetails,
    ChargeLookup,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    Outcome,
    RefundRequest,
    RefundResult,
    ResultCode,
    TokenizeRequest,
    TokenizeResult,
    VoidRequest,
    VoidResult,
)
from paydesk.gateways.stripe import StripeClient, StripeGateway
from paydesk.gateways.stripe.client import STRIPE_VERSION, encode_form
from paydesk.gateways.stripe.errors import (
    AUTHENTICATION_ADVICE,
    APIConnectionError,
    CardError,
    error_from_response,
)
from paydesk.money import Money, is_currency

SECRET = "sk_test_26PHem9AhJZvU623DfE1x4sd"
CARD_NUMBER = "4000056655665556"
CVC = "731"
API_BASE = "https://stripe.test"
CUSTOMER_ID = "cus_NffrFeUfNV2Hib"
PM_ID = "pm_1Q0PsIJvEtkwdCNYMSaVuRz6"
PI_ID = "pi_3MtwBwLkdIwHu7ix28a3tqPa"
TOKEN = f"{CUSTOMER_ID}:{PM_ID}"

# https://docs.stripe.com/api/payment_methods/object
PAYMENT_METHOD: dict[str, Any] = {
    "id": PM_ID,
    "object": "payment_method",
    "allow_redisplay": "unspecified",
    "billing_details": {
        "address": {
            "city": None,
            "country": None,
            "line1": None,
            "line2": None,
            "postal_code": None,
            "state": None,
        },
        "email": None,
        "name": "John Doe",
        "phone": None,
    },
    "card": {
        "brand": "visa",
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "unchecked"},
        "country": "US",
        "display_brand": "visa",
        "exp_month": 8,
        "exp_year": 2026,
        "fingerprint": "mToisGZ01V71BCos",
        "funding": "credit",
        "generated_from": None,
        "last4": "5556",
        "networks": {"available": ["visa"], "preferred": None},
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    },
    "created": 1726673582,
    "customer": None,
    "livemode": False,
    "metadata": {},
    "type": "card",
}

# https://docs.stripe.com/api/customers/object
CUSTOMER: dict[str, Any] = {
    "id": CUSTOMER_ID,
    "object": "customer",
    "address": None,
    "balance": 0,
    "created": 1680893993,
    "currency": None,
    "default_source": None,
    "delinquent": False,
    "description": None,
    "email": "jennyrosen@example.com",
    "invoice_prefix": "0759376C",
    "invoice_settings": {
        "custom_fields": None,
        "default_payment_method": None,
        "footer": None,
        "rendering_options": None,
    },
    "livemode": False,
    "metadata": {},
    "name": "Jenny Rosen",
    "next_invoice_sequence": 1,
    "phone": None,
    "preferred_locales": [],
    "shipping": None,
    "tax_exempt": "none",
    "test_clock": None,
}

# https://docs.stripe.com/api/payment_intents/object
PAYMENT_INTENT: dict[str, Any] = {
    "id": PI_ID,
    "object": "payment_intent",
    "amount": 2000,
    "amount_capturable": 0,
    "amount_details": {"tip": {}},
    "amount_received": 0,
    "application": None,
    "application_fee_amount": None,
    "automatic_payment_methods": None,
    "canceled_at": None,
    "cancellation_reason": None,
    "capture_method": "automatic",
    "client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
    "confirmation_method": "automatic",
    "created": 1680800504,
    "currency": "usd",
    "customer": CUSTOMER_ID,
    "description": None,
    "invoice": None,
    "last_payment_error": None,
    "latest_charge": None,
    "livemode": False,
    "metadata": {"paydesk_reference": "txn_1"},
    "next_action": None,
    "on_behalf_of": None,
    "payment_method": PM_ID,
    "payment_method_options": {
        "card": {
            "installments": None,
            "mandate_options": None,
            "network": None,
            "request_three_d_secure": "automatic",
        }
    },
    "payment_method_types": ["card"],
    "processing": None,
    "receipt_email": None,
    "review": None,
    "setup_future_usage": None,
    "shipping": None,
    "source": None,
    "statement_descriptor": None,
    "statement_descriptor_suffix": None,
    "status": "requires_payment_method",
    "transfer_data": None,
    "transfer_group": None,
}

# https://docs.stripe.com/api/refunds/object
REFUND: dict[str, Any] = {
    "id": "re_1Nispe2eZvKYlo2Cd31jOCgZ",
    "object": "refund",
    "amount": 1000,
    "balance_transaction": "txn_1Nispe2eZvKYlo2CYezqFhEx",
    "charge": "ch_1NirD82eZvKYlo2CIvbtLWuY",
    "created": 1692942318,
    "currency": "usd",
    "destination_details": {"card": {"reference_status": "pending", "type": "refund"}, "type": "card"},
    "metadata": {},
    "payment_intent": PI_ID,
    "reason": "requested_by_customer",
    "receipt_number": None,
    "source_transfer_reversal": None,
    "status": "succeeded",
    "transfer_reversal": None,
}


def pm(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(PAYMENT_METHOD), **changes}


def intent(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(PAYMENT_INTENT), **changes}


def succeeded(**changes: Any) -> dict[str, Any]:
    return intent(
        status="succeeded", amount_received=2000, latest_charge="ch_3MtwBwLkdIwHu7ix28a3tqPa", **changes
    )


def stripe_error(type_: str, message: str, **fields: Any) -> dict[str, Any]:
    """Stripe's error envelope: https://docs.stripe.com/api/errors."""
    return {"error": {"type": type_, "message": message, **fields}}


def card_declined(decline_code: str, message: str, code: str = "card_declined") -> dict[str, Any]:
    last_error = {"code": code, "decline_code": decline_code, "message": message, "type": "card_error"}
    return stripe_error(
        "card_error",
        message,
        code=code,
        decline_code=decline_code,
        charge="ch_3MtwBwLkdIwHu7ix28a3tqPa",
        doc_url=f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
        payment_intent=intent(last_payment_error=last_error),
        request_log_url="https://dashboard.stripe.com/test/logs/req_xyz",
    )


def search_result(*intents: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "search_result",
        "url": "/v1/payment_intents/search",
        "has_more": False,
        "next_page": None,
        "data": list(intents),
    }


Reply = tuple[int, Any] | type[httpx.TransportError]


@dataclass
class FakeStripe:
    """Answers by (method, path); a route's replies are used in turn, the last one repeats."""

    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self.routes[(method, path)] = list(replies)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        replies = self.routes[(request.method, request.url.path)]
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if isinstance(reply, type):
            raise reply("simulated", request=request)
        status, body = reply
        headers = {"Request-Id": f"req_{len(self.requests)}"}
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST"]


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


@pytest.fixture
def fake() -> FakeStripe:
    return FakeStripe()


@pytest.fixture
async def http(fake: FakeStripe) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake.handle)) as client:
        yield client


@pytest.fixture
def gateway(http: httpx.AsyncClient) -> StripeGateway:
    return StripeGateway({"secret_key": SECRET}, http, API_BASE)


def card(number: str = CARD_NUMBER) -> CardDetails:
    return CardDetails(number=number, exp_month=8, exp_year=2026, cvc=CVC)


def tokenize_request(**changes: Any) -> TokenizeRequest:
    fields: dict[str, Any] = {
        "card": card(),
        "gateway_token": None,
        "customer_ref": "cus_paydesk0000000000000001",
        "idempotency_key": "paydesk:tokenize:pmt_1",
        "email": "jennyrosen@example.com",
    }
    return TokenizeRequest(**{**fields, **changes})


def charge_request(amount: Money | None = None, **changes: Any) -> ChargeRequest:
    fields: dict[str, Any] = {
        "amount": amount or Money(2000, "USD"),
        "token": TOKEN,
        "idempotency_key": "paydesk:charge:txn_1",
        "reference": "txn_1",
        "off_session": True,
        "description": "Order 1001",
    }
    return ChargeRequest(**{**fields, **changes})


def refund_request(**changes: Any) -> RefundRequest:
    fields: dict[str, Any] = {
        "external_id": PI_ID,
        "amount": Money(1000, "USD"),
        "idempotency_key": "paydesk:refund:rfd_1",
        "reason": "Customer returned the item",
    }
    return RefundRequest(**{**fields, **changes})


VOID = VoidRequest(external_id=PI_ID, idempotency_key="paydesk:void:txn_1")


# --- tokenize ---


async def test_tokenize_card_creates_a_payment_method_and_customer_and_attaches(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.on("POST", "/v1/payment_methods", (200, pm()))
    fake.on("POST", "/v1/customers", (200, CUSTOMER))
    fake.on("POST", f"/v1/payment_methods/{PM_ID}/attach", (200, pm(customer=CUSTOMER_ID)))

    result = await gateway.tokenize(tokenize_request())

    assert result == TokenizeResult(
        Outcome(ResultCode.GOOD),
        token=TOKEN,
        brand="visa",
        last4="5556",
        exp_month=8,
        exp_year=2026,
        fingerprint="mToisGZ01V71BCos",
    )
    create, customer, attach = fake.requests
    assert [(r.method, r.url.path) for r in fake.requests] == [
        ("POST", "/v1/payment_methods"),
        ("POST", "/v1/customers"),
        ("POST", f"/v1/payment_methods/{PM_ID}/attach"),
    ]
    assert form(create) == {
        "type": "card",
        "card[number]": CARD_NUMBER,
        "card[exp_month]": "8",
        "card[exp_year]": "2026",
        "card[cvc]": CVC,
    }
    assert form(customer) == {
        "email": "jennyrosen@example.com",
        "metadata[paydesk_customer]": "cus_paydesk0000000000000001",
    }
    assert form(attach) == {"customer": CUSTOMER_ID}
    assert [r.headers["Idempotency-Key"] for r in fake.requests] == [
        "paydesk:tokenize:pmt_1:payment_method",
        "paydesk:tokenize:pmt_1:customer",
        "paydesk:tokenize:pmt_1:attach",
    ]


async def test_the_card_travels_only_in_the_payment_method_body(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.on("POST", "/v1/payment_methods", (200, pm()))
    fake.on("POST", "/v1/customers", (200, CUSTOMER))
    fake.on("POST", f"/v1/payment_methods/{PM_ID}/attach", (200, pm(customer=CUSTOMER_ID)))

    await gateway.tokenize(tokenize_request(card=card("4000 0566 5566 5556")))

    create = fake.requests[0]
    assert form(create)["card[number]"] == CARD_NUMBER
    assert create.headers["Content-Type"] == "application/x-www-form-urlencoded"
    for request in fake.requests:
        assert CARD_NUMBER not in str(request.url)
        assert all(CARD_NUMBER not in value and CVC not in value for value in request.headers.values())
    assert all(CARD_NUMBER not in r.content.decode() for r in fake.requests[1:])


async def test_every_request_is_authenticated_pinned_and_timed(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.on("GET", f"/v1/payment_methods/{PM_ID}", (200, pm(customer=CUSTOMER_ID)))

    await gateway.tokenize(tokenize_request(card=None, gateway_token=PM_ID))

    (request,) = fake.requests
    assert str(request.url) == f"{API_BASE}/v1/payment_methods/{PM_ID}"
    assert request.headers["Authorization"] == f"Bearer {SECRET}"
    assert request.headers["Stripe-Version"] == STRIPE_VERSION
    assert "Idempotency-Key" not in request.headers
    assert request.extensions["timeout"] == {"connect": 5.0, "read": 40.0, "write": 10.0, "pool": 5.0}


async def test_tokenize_a_gateway_token_retrieves_then_attaches_to_a_new_customer(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.on("GET", f"/v1/payment_methods/{PM_ID}", (200, pm()))
    fake.on("POST", "/v1/customers", (200, CUSTOMER))
    fake.on("POST", f"/v1/payment_methods/{PM_ID}/attach", (200, pm(customer=CUSTOMER_ID)))

    result = await gateway.tokenize(tokenize_request(card=None, gateway_token=PM_ID, email=None))

    assert result.outcome == Outcome(ResultCode.GOOD)
    assert result.token == TOKEN
    assert [(r.method, r.url.path) for r in fake.requests] == [
        ("GET", f"/v1/payment_methods/{PM_ID}"),
        ("POST", "/v1/customers"),
        ("POST", f"/v1/payment_methods/{PM_ID}/attach"),
    ]
    assert form(fake.requests[1]) == {"metadata[paydesk_customer]": "cus_paydesk0000000000000001"}


async def test_tokenize_a_payment_method_already_on_a_customer_keeps_that_customer(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    card_fields = {**PAYMENT_METHOD["card"], "brand": "amex", "last4": "8431"}
    fake.on("GET", f"/v1/payment_methods/{PM_ID}", (200, pm(customer="cus_Other", card=card_fields)))

    result = await gateway.tokenize(tokenize_request(card=None, gateway_token=PM_ID))

    assert result.token == f"cus_Other:{PM_ID}"
    assert (result.brand, result.last4) == ("amex", "8431")
    assert fake.posts() == []


@pytest.mark.parametrize(
    ("stripe_brand", "brand"),
    [
        ("mastercard", "mastercard"),
        ("diners", "diners"),
        ("unionpay", "unionpay"),
        ("cartes_bancaires", "unknown"),
    ],
)
async def test_tokenize_maps_stripe_brands(
    gateway: StripeGateway, fake: FakeStripe, stripe_brand: str, brand: str
) -> None:
    card_fields = {**PAYMENT_METHOD["card"], "brand": stripe_brand}
    fake.on("GET", f"/v1/payment_methods/{PM_ID}", (200, pm(customer=CUSTOMER_ID, card=card_fields)))

    result = await gateway.tokenize(tokenize_request(card=None, gateway_token=PM_ID))

    assert result.brand == brand


@pytest.mark.parametrize(
    ("error", "decline_code"),
    [
        (
            stripe_error("card_error", "Your card has expired.", code="expired_card", param="exp_year"),
            "expired_card",
        ),
        (
            stripe_error("card_error", "Your card's security code is incorrect.", code="incorrect_cvc"),
            "incorrect_cvc",
        ),
        (card_declined("stolen_card", "Your card was declined."), "stolen_card"),
    ],
)
async def test_tokenize_card_error_is_a_declined_tokenization(
    gateway: StripeGateway, fake: FakeStripe, error: dict[str, Any], decline_code: str
) -> None:
    fake.on("POST", "/v1/payment_methods", (402, error))

    result = await gateway.tokenize(tokenize_request())

    assert result.outcome.code is ResultCode.BAD_DATA
    assert result.outcome.decline_code == decline_code
    assert result.outcome.message == error["error"]["message"]
    assert result.outcome.advice
    assert result.token is None


async def test_tokenize_refuses_something_that_is_not_a_payment_method_id(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    result = await gateway.tokenize(tokenize_request(card=None, gateway_token="../v1/customers"))

    assert result.outcome.code is ResultCode.BAD_DATA
    assert fake.requests == []


# --- charge ---


@pytest.mark.parametrize(
    ("amount", "stripe_amount", "currency"),
    [
        (Money(4900, "USD"), "4900", "usd"),
        (Money(500, "JPY"), "500", "jpy"),
        (Money(12340, "KWD"), "12340", "kwd"),
        (Money(5, "ISK"), "500", "isk"),
        (Money(100000, "MGA"), "1000", "mga"),
    ],
)
async def test_charge_sends_stripe_units_and_succeeds(
    gateway: StripeGateway, fake: FakeStripe, amount: Money, stripe_amount: str, currency: str
) -> None:
    fake.on("POST", "/v1/payment_intents", (200, succeeded(amount=int(stripe_amount), currency=currency)))

    result = await gateway.charge(charge_request(amount))

    assert result == ChargeResult(Outcome(ResultCode.GOOD), PI_ID)
    (request,) = fake.requests
    assert request.headers["Idempotency-Key"] == "paydesk:charge:txn_1"
    assert parse_qsl(request.content.decode()) == [
        ("amount", stripe_amount),
        ("currency", currency),
        ("customer", CUSTOMER_ID),
        ("payment_method", PM_ID),
        ("payment_method_types[]", "card"),
        ("confirm", "true"),
        ("off_session", "true"),
        ("description", "Order 1001"),
        ("metadata[paydesk_reference]", "txn_1"),
    ]


async def test_an_on_session_charge_leaves_off_session_out(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("POST", "/v1/payment_intents", (200, succeeded()))

    await gateway.charge(charge_request(off_session=False, description=None))

    body = form(fake.requests[0])
    assert "off_session" not in body
    assert "description" not in body
    assert body["confirm"] == "true"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (
            Money(5124, "KWD"),
            "Stripe cannot take 5.124 KWD: its card partners take amounts whose last decimal is 0.",
        ),
        (Money(12345, "MGA"), "Stripe takes only whole units of MGA; 123.45 cannot be sent."),
        (Money(100, "CUP"), "Stripe does not accept CUP."),
    ],
)
async def test_charge_refuses_amounts_stripe_cannot_represent(
    gateway: StripeGateway, fake: FakeStripe, amount: Money, message: str
) -> None:
    result = await gateway.charge(charge_request(amount))

    assert result == ChargeResult(Outcome(ResultCode.BAD_DATA, message))
    assert fake.requests == []


async def test_charge_refuses_a_token_that_is_not_ours(gateway: StripeGateway, fake: FakeStripe) -> None:
    result = await gateway.charge(charge_request(token="tok_visa"))

    assert result.outcome.code is ResultCode.BAD_DATA
    assert fake.requests == []


async def test_charge_declined_by_the_issuer(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on(
        "POST",
        "/v1/payment_intents",
        (402, card_declined("insufficient_funds", "Your card has insufficient funds.")),
    )

    result = await gateway.charge(charge_request())

    assert result == ChargeResult(
        Outcome(
            ResultCode.BAD_DATA,
            "Your card has insufficient funds.",
            "insufficient_funds",
            "The card has insufficient funds; try again later or use another card.",
        ),
        PI_ID,
    )
    assert result.outcome.declined


async def test_off_session_charge_needing_authentication_is_declined(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    body = card_declined(
        "authentication_required",
        "Your card was declined. This transaction requires authentication.",
        code="authentication_required",
    )
    fake.on("POST", "/v1/payment_intents", (402, body))

    result = await gateway.charge(charge_request())

    assert result.outcome.code is ResultCode.BAD_DATA
    assert result.outcome.decline_code == "authentication_required"
    assert result.outcome.advice == AUTHENTICATION_ADVICE
    assert result.external_id == PI_ID


async def test_on_session_charge_left_requiring_action_is_declined(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    next_action = {"type": "use_stripe_sdk", "use_stripe_sdk": {}}
    fake.on("POST", "/v1/payment_intents", (200, intent(status="requires_action", next_action=next_action)))

    result = await gateway.charge(charge_request(off_session=False))

    assert result == ChargeResult(
        Outcome(
            ResultCode.BAD_DATA,
            "The bank asks the cardholder to authenticate this payment.",
            "authentication_required",
            "The bank asks the cardholder to authenticate; ask them to pay on the payment page or use another card.",
        ),
        PI_ID,
    )


async def test_charge_left_requiring_a_payment_method_is_declined_with_stripes_reason(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "do_not_honor",
        "message": "Declined.",
    }
    fake.on("POST", "/v1/payment_intents", (200, intent(last_payment_error=error)))

    result = await gateway.charge(charge_request())

    assert result.outcome.code is ResultCode.BAD_DATA
    assert result.outcome.decline_code == "do_not_honor"


STRIPE_FAILURES = [
    pytest.param(
        401,
        stripe_error(
            "invalid_request_error", "Invalid API Key provided: sk_test_****************************4sd"
        ),
        ResultCode.GATEWAY_CREDENTIALS_ERROR,
        id="401",
    ),
    pytest.param(
        403,
        stripe_error(
            "invalid_request_error",
            "The provided key 'rk_test_***' does not have the required permissions for this endpoint.",
        ),
        ResultCode.GATEWAY_CREDENTIALS_ERROR,
        id="403",
    ),
    pytest.param(
        400,
        stripe_error(
            "invalid_request_error",
            "Amount must be at least $0.50 usd",
            code="amount_too_small",
            param="amount",
            doc_url="https://stripe.com/docs/error-codes/amount-too-small",
        ),
        ResultCode.BAD_DATA,
        id="400-invalid-request",
    ),
    pytest.param(
        400,
        stripe_error(
            "idempotency_error",
            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        ),
        ResultCode.BAD_DATA,
        id="400-idempotency",
    ),
    pytest.param(
        429,
        stripe_error("invalid_request_error", "Request rate limit exceeded.", code="rate_limit"),
        ResultCode.BAD_DATA,
        id="429",
    ),
    pytest.param(
        500, stripe_error("api_error", "An unknown error occurred"), ResultCode.REMOTE_GATEWAY_ERROR, id="500"
    ),
    pytest.param(503, "<html>Service Unavailable</html>", ResultCode.REMOTE_GATEWAY_ERROR, id="503-not-json"),
]


@pytest.mark.parametrize(("status", "body", "code"), STRIPE_FAILURES)
async def test_charge_failures_map_to_result_codes(
    gateway: StripeGateway, fake: FakeStripe, status: int, body: Any, code: ResultCode
) -> None:
    fake.on("POST", "/v1/payment_intents", (status, body))

    result = await gateway.charge(charge_request())

    assert result.outcome.code is code
    assert result.outcome.decline_code is None
    assert result.outcome.message
    assert result.external_id is None
    assert SECRET not in result.outcome.message


@pytest.mark.parametrize(
    "exception", [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.ConnectError, httpx.RemoteProtocolError]
)
async def test_no_answer_is_a_connection_error(
    gateway: StripeGateway, fake: FakeStripe, exception: type[httpx.TransportError]
) -> None:
    fake.on("POST", "/v1/payment_intents", exception)

    result = await gateway.charge(charge_request())

    assert result.outcome.code is ResultCode.CONNECTION_ERROR
    assert result.outcome.unknown
    assert result.outcome.message == f"No answer from Stripe ({exception.__name__})."
    assert result.external_id is None


async def test_a_retried_charge_sends_the_same_idempotency_key(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.on("POST", "/v1/payment_intents", httpx.ReadTimeout, (200, succeeded()))
    request = charge_request()

    first = await gateway.charge(request)
    second = await gateway.charge(request)

    assert first.outcome.unknown
    assert second == ChargeResult(Outcome(ResultCode.GOOD), PI_ID)
    keys = [r.headers["Idempotency-Key"] for r in fake.requests]
    assert keys == ["paydesk:charge:txn_1", "paydesk:charge:txn_1"]
    assert fake.requests[0].content == fake.requests[1].content


async def test_every_post_carries_the_key_derived_from_our_record(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.on("POST", "/v1/payment_methods", (200, pm()))
    fake.on("POST", "/v1/customers", (200, CUSTOMER))
    fake.on("POST", f"/v1/payment_methods/{PM_ID}/attach", (200, pm(customer=CUSTOMER_ID)))
    fake.on("POST", "/v1/payment_intents", (200, succeeded()))
    fake.on("POST", "/v1/refunds", (200, REFUND))
    fake.on("POST", f"/v1/payment_intents/{PI_ID}/cancel", (200, intent(status="canceled")))

    await gateway.tokenize(tokenize_request())
    await gateway.charge(charge_request())
    await gateway.refund(refund_request())
    await gateway.void(VOID)

    assert [r.headers.get("Idempotency-Key") for r in fake.posts()] == [
        "paydesk:tokenize:pmt_1:payment_method",
        "paydesk:tokenize:pmt_1:customer",
        "paydesk:tokenize:pmt_1:attach",
        "paydesk:charge:txn_1",
        "paydesk:refund:rfd_1",
        "paydesk:void:txn_1",
    ]


# --- find_charge ---


async def test_find_charge_searches_by_our_reference(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("GET", "/v1/payment_intents/search", (200, search_result(succeeded())))

    result = await gateway.find_charge("paydesk:charge:txn_1", "txn_1")

    assert result == ChargeLookup(Outcome(ResultCode.GOOD), ChargeStatus.SUCCEEDED, PI_ID)
    (request,) = fake.requests
    assert dict(request.url.params) == {"query": "metadata['paydesk_reference']:'txn_1'", "limit": "10"}


async def test_find_charge_not_found(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("GET", "/v1/payment_intents/search", (200, search_result()))

    assert await gateway.find_charge("paydesk:charge:txn_1", "txn_1") == ChargeLookup(
        Outcome(ResultCode.GOOD)
    )


async def test_find_charge_canceled_is_voided(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("GET", "/v1/payment_intents/search", (200, search_result(intent(status="canceled"))))

    result = await gateway.find_charge("paydesk:charge:txn_1", "txn_1")

    assert result == ChargeLookup(Outcome(ResultCode.GOOD), ChargeStatus.VOIDED, PI_ID)


async def test_find_charge_declined(gateway: StripeGateway, fake: FakeStripe) -> None:
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "generic_decline",
        "message": "Declined.",
    }
    fake.on("GET", "/v1/payment_intents/search", (200, search_result(intent(last_payment_error=error))))

    result = await gateway.find_charge("paydesk:charge:txn_1", "txn_1")

    assert result.status is ChargeStatus.DECLINED
    assert result.outcome.decline_code == "generic_decline"
    assert result.external_id == PI_ID


async def test_find_charge_prefers_the_succeeded_intent(gateway: StripeGateway, fake: FakeStripe) -> None:
    older = intent(id="pi_older", status="canceled", created=1680800000)
    fake.on("GET", "/v1/payment_intents/search", (200, search_result(older, succeeded())))

    result = await gateway.find_charge("paydesk:charge:txn_1", "txn_1")

    assert (result.status, result.external_id) == (ChargeStatus.SUCCEEDED, PI_ID)


async def test_find_charge_still_processing_is_unknown(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("GET", "/v1/payment_intents/search", (200, search_result(intent(status="processing"))))

    result = await gateway.find_charge("paydesk:charge:txn_1", "txn_1")

    assert result.outcome.unknown
    assert (result.status, result.external_id) == (None, PI_ID)


async def test_find_charge_when_stripe_fails(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on(
        "GET", "/v1/payment_intents/search", (500, stripe_error("api_error", "An unknown error occurred"))
    )

    result = await gateway.find_charge("paydesk:charge:txn_1", "txn_1")

    assert result.outcome.code is ResultCode.REMOTE_GATEWAY_ERROR
    assert result.status is None


async def test_find_charge_escapes_quotes_in_the_reference(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("GET", "/v1/payment_intents/search", (200, search_result()))

    await gateway.find_charge("k", "it's")

    assert fake.requests[0].url.params["query"] == "metadata['paydesk_reference']:'it\\'s'"


# --- refund ---


async def test_refund(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("POST", "/v1/refunds", (200, REFUND))

    result = await gateway.refund(refund_request())

    assert result == RefundResult(Outcome(ResultCode.GOOD), "re_1Nispe2eZvKYlo2Cd31jOCgZ")
    (request,) = fake.requests
    assert request.headers["Idempotency-Key"] == "paydesk:refund:rfd_1"
    assert form(request) == {
        "payment_intent": PI_ID,
        "amount": "1000",
        "reason": "requested_by_customer",
        "metadata[paydesk_refund]": "paydesk:refund:rfd_1",
        "metadata[paydesk_reason]": "Customer returned the item",
    }


@pytest.mark.parametrize(
    ("reason_code", "stripe_reason"),
    [
        ("DUPLICATE", "duplicate"),
        ("FRAUDULENT", "fraudulent"),
        ("REQUESTED_BY_CUSTOMER", "requested_by_customer"),
        ("OTHER", None),
    ],
)
async def test_a_refunds_reason_code_is_told_to_stripe_in_its_words(
    gateway: StripeGateway, fake: FakeStripe, reason_code: str, stripe_reason: str | None
) -> None:
    fake.on("POST", "/v1/refunds", (200, REFUND))

    await gateway.refund(refund_request(reason_code=reason_code))

    sent = form(fake.requests[0])
    assert sent.get("reason") == stripe_reason
    assert sent["metadata[paydesk_reason_code]"] == reason_code


async def test_a_pending_refund_is_done(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("POST", "/v1/refunds", (200, {**REFUND, "status": "pending"}))

    result = await gateway.refund(refund_request(reason=None))

    assert result.outcome.ok
    assert "metadata[paydesk_reason]" not in form(fake.requests[0])


@pytest.mark.parametrize(
    ("failure_reason", "code"),
    [
        ("expired_or_canceled_card", ResultCode.BAD_DATA),
        ("insufficient_funds", ResultCode.GATEWAY_ACCOUNT_ERROR),
        ("unknown", ResultCode.REMOTE_GATEWAY_ERROR),
    ],
)
async def test_a_failed_refund(
    gateway: StripeGateway, fake: FakeStripe, failure_reason: str, code: ResultCode
) -> None:
    fake.on("POST", "/v1/refunds", (200, {**REFUND, "status": "failed", "failure_reason": failure_reason}))

    result = await gateway.refund(refund_request())

    assert result.outcome.code is code
    assert result.external_id == REFUND["id"]


async def test_a_refused_refund(gateway: StripeGateway, fake: FakeStripe) -> None:
    error = stripe_error(
        "invalid_request_error",
        "Charge ch_1NirD82eZvKYlo2CIvbtLWuY has already been refunded.",
        code="charge_already_refunded",
    )
    fake.on("POST", "/v1/refunds", (400, error))

    result = await gateway.refund(refund_request())

    assert result == RefundResult(
        Outcome(ResultCode.BAD_DATA, "Charge ch_1NirD82eZvKYlo2CIvbtLWuY has already been refunded.")
    )


# --- void ---


async def test_void(gateway: StripeGateway, fake: FakeStripe) -> None:
    canceled = intent(status="canceled", canceled_at=1680801000, cancellation_reason="requested_by_customer")
    fake.on("POST", f"/v1/payment_intents/{PI_ID}/cancel", (200, canceled))

    result = await gateway.void(VOID)

    assert result == VoidResult(Outcome(ResultCode.GOOD))
    assert fake.requests[0].headers["Idempotency-Key"] == "paydesk:void:txn_1"


UNEXPECTED_STATE = (
    "You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of "
    "the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, "
    "requires_action, processing."
)


@pytest.mark.parametrize("with_intent", [True, False])
async def test_void_of_a_succeeded_charge_says_refund_instead(
    gateway: StripeGateway, fake: FakeStripe, with_intent: bool
) -> None:
    error = stripe_error(
        "invalid_request_error",
        UNEXPECTED_STATE.format(status="succeeded"),
        code="payment_intent_unexpected_state",
        doc_url="https://stripe.com/docs/error-codes/payment-intent-unexpected-state",
        **({"payment_intent": succeeded()} if with_intent else {}),
    )
    fake.on("POST", f"/v1/payment_intents/{PI_ID}/cancel", (400, error))

    result = await gateway.void(VOID)

    assert result == VoidResult(
        Outcome(ResultCode.BAD_DATA, "This charge has settled at Stripe; refund it instead.")
    )


async def test_void_of_a_canceled_charge_is_done(gateway: StripeGateway, fake: FakeStripe) -> None:
    error = stripe_error(
        "invalid_request_error",
        UNEXPECTED_STATE.format(status="canceled"),
        code="payment_intent_unexpected_state",
        payment_intent=intent(status="canceled"),
    )
    fake.on("POST", f"/v1/payment_intents/{PI_ID}/cancel", (400, error))

    assert await gateway.void(VOID) == VoidResult(Outcome(ResultCode.GOOD))


# --- secrets ---


async def test_no_card_number_or_cvc_in_objects_errors_or_logs(
    http: httpx.AsyncClient, fake: FakeStripe
) -> None:
    fake.on(
        "POST", "/v1/payment_methods", httpx.ReadTimeout, (402, card_declined("card_declined", "Declined."))
    )
    client = StripeClient(http, SECRET, api_base=API_BASE)
    gateway = StripeGateway({"secret_key": SECRET}, http, API_BASE)
    request = tokenize_request()

    with capture_logs() as logs:
        with pytest.raises(APIConnectionError) as caught:
            await client.post(
                "/v1/payment_methods",
                {"type": "card", "card": {"number": CARD_NUMBER, "cvc": CVC}},
                idempotency_key="k",
            )
        declined = await gateway.tokenize(request)

    texts = [
        str(request),
        repr(request),
        str(request.card),
        repr(request.card),
        str(declined),
        repr(declined),
        str(caught.value),
        repr(caught.value),
        "".join(traceback.format_exception(caught.value)),
        repr(client),
        repr(gateway),
        str(logs),
    ]
    assert [entry["event"] for entry in logs] == ["stripe request failed", "stripe request"]
    assert declined.outcome.decline_code == "card_declined"
    for text in texts:
        assert CARD_NUMBER not in text
        assert CVC not in text
        assert SECRET not in text
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_a_card_number_stripe_echoes_is_scrubbed(gateway: StripeGateway, fake: FakeStripe) -> None:
    error = stripe_error("card_error", f"The card {CARD_NUMBER} is not supported.", code="card_not_supported")
    fake.on("POST", "/v1/payment_methods", (402, error))

    result = await gateway.tokenize(tokenize_request())

    assert result.outcome.message == "The card [redacted] is not supported."
    assert CARD_NUMBER not in repr(CardError(f"about {CARD_NUMBER}"))


# --- configuration ---


@pytest.mark.parametrize(
    ("secret_key", "test_mode"),
    [("sk_test_abc", True), ("rk_test_abc", True), ("sk_live_abc", False), ("rk_live_abc", False)],
)
def test_test_mode_follows_the_key(http: httpx.AsyncClient, secret_key: str, test_mode: bool) -> None:
    gateway = StripeGateway({"secret_key": secret_key}, http)

    assert (gateway.kind, gateway.test_mode) == ("stripe", test_mode)


@pytest.mark.parametrize("credentials", [{}, {"secret_key": "pk_test_abc"}, {"secret_key": 42}])
def test_credentials_need_a_secret_key(http: httpx.AsyncClient, credentials: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="secret_key"):
        StripeGateway(credentials, http)


def test_currencies_are_stripes_that_paydesk_knows(gateway: StripeGateway) -> None:
    currencies = gateway.currencies()

    assert {"USD", "EUR", "JPY", "KWD", "ISK", "MGA"} <= set(currencies)
    assert not {"XAU", "XTS", "CUP", "STD"} & set(currencies)
    assert currencies == sorted(currencies)
    assert all(code.isupper() and is_currency(code) for code in currencies)


def test_encode_form_nests_keys_and_lists() -> None:
    params: dict[str, Any] = {
        "a": 1,
        "b": True,
        "c": None,
        "card": {"number": "1", "exp": {"month": 2}},
        "payment_method_types": ["card", "link"],
        "items": [{"price": "p1"}],
    }

    assert encode_form(params) == [
        ("a", "1"),
        ("b", "true"),
        ("card[number]", "1"),
        ("card[exp][month]", "2"),
        ("payment_method_types[]", "card"),
        ("payment_method_types[]", "link"),
        ("items[0][price]", "p1"),
    ]


async def test_an_idempotency_key_is_required(http: httpx.AsyncClient, fake: FakeStripe) -> None:
    client = StripeClient(http, SECRET)

    with pytest.raises(ValueError, match="Idempotency-Key"):
        await client.post("/v1/refunds", {}, idempotency_key="")
    assert fake.requests == []


async def test_an_answer_without_an_id_is_stripe_failing(gateway: StripeGateway, fake: FakeStripe) -> None:
    fake.on("POST", "/v1/payment_intents", (200, {"object": "payment_intent", "status": "succeeded"}))

    result = await gateway.charge(charge_request())

    assert result == ChargeResult(
        Outcome(
            ResultCode.REMOTE_GATEWAY_ERROR,
            "Stripe answered without an object id.",
            advice="Stripe failed; try again later.",
        )
    )


async def test_a_key_still_in_flight_at_stripe_is_an_unknown_outcome(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    error = stripe_error(
        "idempotency_error",
        "There is currently another in-progress request using this Stripe-Idempotency-Key.",
    )
    fake.on("POST", "/v1/payment_intents", (409, error))

    result = await gateway.charge(charge_request())

    assert result.outcome.code is ResultCode.CONNECTION_ERROR
    assert result.outcome.unknown


@pytest.mark.parametrize(
    ("status", "headers", "should_retry"),
    [
        (400, {}, False),
        (402, {}, False),
        (409, {}, True),
        (429, {}, True),
        (500, {}, True),
        (500, {"stripe-should-retry": "false"}, False),
        (400, {"stripe-should-retry": "true"}, True),
    ],
)
def test_should_retry(status: int, headers: dict[str, str], should_retry: bool) -> None:
    error = error_from_response(status, stripe_error("api_error", "x"), httpx.Headers(headers))

    assert error.should_retry is should_retry
