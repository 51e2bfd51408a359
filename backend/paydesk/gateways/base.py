"""The gateway boundary: what paydesk asks of a payment gateway, and what it answers.

Requests and results are plain dataclasses. Amounts are ``Money`` in minor
units; an adapter converts to its gateway's units inside itself. Every call
that can move money carries an idempotency key derived from our own record
(``paydesk:charge:{transaction id}``), so a retry after a crash or a timeout
can never move money twice, and ``find_charge`` can learn what became of a
charge whose answer was lost.

Outcomes use the Payments API result codes:

    1 GOOD                       approved / done
    2 BAD_DATA                   the issuer declined, or the request was invalid
    3 GATEWAY_ACCOUNT_ERROR      the merchant's gateway account refused
    4 INTERNAL_ERROR             our own fault
    5 REMOTE_GATEWAY_ERROR       the gateway failed (5xx)
    6 GATEWAY_CREDENTIALS_ERROR  the gateway rejected our credentials
    7 CONNECTION_ERROR           no answer: the outcome is unknown
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import IntEnum, StrEnum
from typing import Protocol

from paydesk.money import Money


class ResultCode(IntEnum):
    GOOD = 1
    BAD_DATA = 2
    GATEWAY_ACCOUNT_ERROR = 3
    INTERNAL_ERROR = 4
    REMOTE_GATEWAY_ERROR = 5
    GATEWAY_CREDENTIALS_ERROR = 6
    CONNECTION_ERROR = 7


class ChargeStatus(StrEnum):
    """What the gateway holds for a charge."""

    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    FAILED = "failed"
    VOIDED = "voided"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a gateway call ended."""

    code: ResultCode
    message: str = ""
    # The issuer's reason for a decline, e.g. insufficient_funds.
    decline_code: str | None = None
    # What to do next, in words for staff or payers (e.g. "Ask for another card.").
    advice: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is ResultCode.GOOD

    @property
    def declined(self) -> bool:
        return self.decline_code is not None

    @property
    def unknown(self) -> bool:
        """No answer: the gateway may or may not have acted."""
        return self.code is ResultCode.CONNECTION_ERROR


GOOD = Outcome(ResultCode.GOOD)


@dataclass(frozen=True, slots=True)
class CardDetails:
    """A card on its way to a gateway. Lives only in memory for the call; never stored or logged."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str | None = field(default=None, repr=False)
    name: str | None = None


@dataclass(frozen=True, slots=True)
class TokenizeRequest:
    card: CardDetails | None
    # A token the gateway issued already (e.g. a Stripe PaymentMethod id).
    gateway_token: str | None
    # Our customer id, for gateways that keep cards under a customer of their own.
    customer_ref: str
    idempotency_key: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class TokenizeResult:
    outcome: Outcome
    token: str | None = None
    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    # The gateway's own fingerprint of the card, when it gives one.
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    amount: Money
    token: str
    idempotency_key: str
    # Our transaction id, kept by the gateway so a lost charge can be found again.
    reference: str
    off_session: bool = True
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ChargeResult:
    outcome: Outcome
    # The gateway's id for the charge (known for declines too, where the gateway makes one).
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChargeLookup:
    """What became of a charge sent with an idempotency key; ``status`` None: the gateway never saw it."""

    outcome: Outcome
    status: ChargeStatus | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class RefundRequest:
    external_id: str
    amount: Money
    idempotency_key: str
    reason: str | None = None
    # DUPLICATE, FRAUDULENT, REQUESTED_BY_CUSTOMER or OTHER (staff's choice); None when not given.
    reason_code: str | None = None


@dataclass(frozen=True, slots=True)
class RefundResult:
    outcome: Outcome
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class VoidRequest:
    external_id: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class VoidResult:
    outcome: Outcome


class Gateway(Protocol):
    """One configured gateway of one account."""

    kind: str
    test_mode: bool
    # How long after a charge find_charge finding nothing proves the gateway never saw it
    # (search indexes lag behind writes); reconciliation waits this long before saying FAILED.
    absence_proves_after: timedelta
    # How long after a charge it can still be voided (before it settles); None: never (captured at once).
    void_window: timedelta | None

    def currencies(self) -> list[str]:
        """ISO 4217 codes it accepts."""
        ...

    async def tokenize(self, request: TokenizeRequest) -> TokenizeResult: ...

    async def charge(self, request: ChargeRequest) -> ChargeResult: ...

    async def find_charge(self, idempotency_key: str, reference: str) -> ChargeLookup: ...

    async def refund(self, request: RefundRequest) -> RefundResult: ...

    async def void(self, request: VoidRequest) -> VoidResult: ...
