"""Invoices as plain rows, not ORM objects: as issuing writes one (``paydesk.rows``), and as the API's
pages read them (a Core select; an ORM object each costs more than the statement)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    """A new invoice, appended to its table in the issuing transaction; what the issuer reads of it."""

    id: str
    account_id: str
    transaction_id: str
    customer_id: str
    sequence: int
    number: str
    total: int
    currency: str
    template_id: str | None
    token_hash: str
    token_encrypted: str
    issued_at: datetime

    def row(self) -> dict[str, Any]:
        """The invoice's row, every column given (never sent yet)."""
        return {
            "id": self.id, "account_id": self.account_id, "transaction_id": self.transaction_id,
            "customer_id": self.customer_id, "sequence": self.sequence, "number": self.number,
            "total": self.total, "currency": self.currency, "template_id": self.template_id,
            "token_hash": self.token_hash, "token_encrypted": self.token_encrypted,
            "issued_at": self.issued_at, "last_sent_at": None,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """An invoice as a page of invoices shows it (``Invoice``'s columns but its token's hash)."""

    id: str
    account_id: str
    transaction_id: str
    customer_id: str
    sequence: int
    number: str
    total: int
    currency: str
    template_id: str | None
    token_encrypted: str
    issued_at: datetime
    last_sent_at: datetime | None
