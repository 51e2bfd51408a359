"""Plain read-only copies of card rows for hot reads: what a Core select returns, no ORM object behind it.

A page of customers reads every card of a hundred customers; an ORM object for each (identity map,
instance state, SQLModel's hooks) costs more than the statement. A record carries the model's attribute
names for the columns the API shows, so code that only reads them takes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A card on file (``PaymentMethod``'s columns but its account, gateway token, fingerprint and
    updated_at)."""

    id: str
    customer_id: str
    gateway_id: str
    billing_address_id: str | None
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    name_on_card: str | None
    is_default: bool
    removed_at: datetime | None
    created_at: datetime


class Expiring(Protocol):
    """What a card's status is read from: the model or a record."""

    @property
    def removed_at(self) -> datetime | None: ...

    @property
    def exp_month(self) -> int | None: ...

    @property
    def exp_year(self) -> int | None: ...
