"""Plain read-only copies of payment request rows for hot reads: what a Core select returns, no ORM object.

A customer page shows a page of payment requests; an ORM object for each (identity map, instance state,
SQLModel's hooks) costs more than the statement. A record carries the model's attribute names for the
columns the API shows, so code that only reads them takes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A payment request as the API shows it (``PaymentRequest``'s columns but its account, token hash,
    offer, creator and locked_at)."""

    id: str
    customer_id: str
    token_encrypted: str
    status: str
    currency: str
    subtotal: int
    discount: int
    total: int
    description: str | None
    lines_json: str
    allow_coupon: bool
    expires_at: datetime
    failed_attempts: int
    transaction_id: str | None
    created_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    last_sent_at: datetime | None


class Expiring(Protocol):
    """What a request's status is read from (``service.status_of``): the model or a record."""

    @property
    def status(self) -> str: ...

    @property
    def expires_at(self) -> datetime: ...
