"""Which payment of its plan a sale is: read from the sale's own record, for the drawer and the invoice."""

from __future__ import annotations


def plan_payment_number(installment_key: str | None) -> int | None:
    """The payment a sale's PAYMENT_PLAN line charges: 1 on the sale that opened the plan, n + 1 on
    installment n (its key is ``{order}:{n}:{attempt}``); None for paying the balance off at once."""
    if installment_key is None:
        return 1
    parts = installment_key.split(":")
    return int(parts[1]) + 1 if len(parts) == 3 and parts[1].isdigit() else None
