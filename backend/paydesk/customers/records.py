"""Plain read-only copies of customer, address and comment rows for hot reads: what a Core select returns,
no ORM object.

A page of customers builds a hundred of them, a customer page twenty comments; an ORM object for each
(identity map, instance state, SQLModel's hooks) costs more than the statement. A record carries the
model's attribute names for the columns the API shows, so code that only reads them takes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A customer as a page of customers shows it (``Customer``'s columns but its account and updated_at)."""

    id: str
    number: int
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    referred_by_partner_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """A postal address (``Address``'s columns but its account)."""

    id: str
    customer_id: str
    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str | None
    country: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """A staff comment (``Comment``'s columns but its account)."""

    id: str
    customer_id: str
    author_id: str | None
    body: str
    created_at: datetime
