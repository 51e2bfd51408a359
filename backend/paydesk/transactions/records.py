"""Plain read-only copies of sale rows for hot reads: what a Core select returns, no ORM object behind it.

The API's pages read many sales, lines and refunds at once; building an ORM object (identity map, instance
state, SQLModel validation hooks) for each costs more than the statement. These carry the same
attribute names as the models, so code that only reads them takes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from paydesk.models import TransactionLine


class SaleState(Protocol):
    """What a sale's facts (``state.facts_from``) are read from: the model or a ``SaleRecord``."""

    @property
    def status(self) -> str: ...

    @property
    def origin(self) -> str: ...

    @property
    def total(self) -> int: ...

    @property
    def external_id(self) -> str | None: ...

    @property
    def marked_paid_at(self) -> datetime | None: ...

    @property
    def void_started_at(self) -> datetime | None: ...

    @property
    def dispute_status(self) -> str | None: ...

    @property
    def dispute_amount(self) -> int | None: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class SaleRecord:
    """A sale as the API shows it (``Transaction``'s columns but its gateway key, offer, coupon, trial,
    invoice template, creator and subscription)."""

    id: str
    account_id: str
    customer_id: str
    status: str
    origin: str
    currency: str
    subtotal: int
    discount: int
    total: int
    transaction_date: datetime
    gateway_id: str | None
    payment_method_id: str | None
    result_code: str | None
    decline_code: str | None
    result_message: str | None
    external_id: str | None
    replaces_transaction_id: str | None
    installment_key: str | None
    marked_paid_at: datetime | None
    paid_with: str | None
    reference: str | None
    note: str | None
    void_started_at: datetime | None
    dispute_id: str | None
    dispute_amount: int | None
    dispute_reason: str | None
    dispute_status: str | None
    disputed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class LineRecord:
    """A sale's line (``TransactionLine``'s columns)."""

    transaction_id: str
    position: int
    product_id: str | None
    description: str
    quantity: int
    unit_price: int
    subtotal: int
    discount: int
    total: int
    kind: str
    unit: str | None
    payment_count: int | None


@dataclass(frozen=True, slots=True)
class RefundRecord:
    """A refund (``Refund``'s columns but its account, gateway key, API key and updated_at)."""

    id: str
    transaction_id: str
    amount: int
    currency: str
    status: str
    reason: str | None
    reason_code: str | None
    through_gateway: bool
    external_id: str | None
    failure_message: str | None
    created_by_user_id: str | None
    created_at: datetime


# A sale's line as either kind of object (code that only reads a line takes both).
AnyLine = TransactionLine | LineRecord
