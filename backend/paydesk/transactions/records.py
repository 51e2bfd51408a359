"""Plain read-only copies of sale rows for hot reads: what a Core select returns, no ORM object behind it.

The API's pages read many lines and refunds at once; building an ORM object (identity map, instance
state, SQLModel validation hooks) for each costs more than the statement. These carry the same
attribute names as the models, so code that only reads them takes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from paydesk.models import TransactionLine


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
