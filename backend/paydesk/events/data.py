"""An event's ``data``: the object in the GraphQL API's own field names, as it is now.

Plain JSON values only: ids as the API shows them, enums by name, times in
ISO 8601 UTC, money as ``{amount, currency, minorUnits}`` (a decimal string,
never a float). Built from rows the service already has, so recording an
event costs no extra query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from paydesk.models import (
    CardTokenizationLink,
    Customer,
    Invoice,
    PaymentMethod,
    Refund,
    Transaction,
)
from paydesk.money import Money
from paydesk.transactions.records import AnyLine

JsonObject = dict[str, Any]


def money(minor_units: int, currency: str) -> JsonObject:
    return {
        "amount": str(Money(minor_units, currency).amount),
        "currency": currency,
        "minorUnits": minor_units,
    }


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def transaction(sale: Transaction, lines: Sequence[AnyLine] = ()) -> JsonObject:
    """A sale as ``Transaction`` shows it (its scalar fields, lines and the ids of what it points at)."""
    return {
        "id": sale.id,
        "status": sale.status,
        "origin": sale.origin,
        "customerId": sale.customer_id,
        "subtotal": money(sale.subtotal, sale.currency),
        "discount": money(sale.discount, sale.currency),
        "total": money(sale.total, sale.currency),
        "transactionDate": when(sale.transaction_date),
        "createdAt": when(sale.created_at),
        "resultCode": sale.result_code,
        "declineCode": sale.decline_code,
        "resultMessage": sale.result_message,
        "externalId": sale.external_id,
        "markedPaidAt": when(sale.marked_paid_at),
        "paidWith": sale.paid_with,
        "reference": sale.reference,
        "note": sale.note,
        "gatewayId": sale.gateway_id,
        "paymentMethodId": sale.payment_method_id,
        "subscriptionId": sale.subscription_id,
        "lines": [
            {
                "productId": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unitPrice": money(line.unit_price, sale.currency),
                "subtotal": money(line.subtotal, sale.currency),
                "discount": money(line.discount, sale.currency),
                "total": money(line.total, sale.currency),
                "kind": line.kind,
                "unit": line.unit,
                "paymentCount": line.payment_count,
            }
            for line in sorted(lines, key=lambda line: line.position)
        ],
    }


def customer(c: Customer) -> JsonObject:
    return {
        "id": c.id,
        "number": c.number,
        "createdAt": when(c.created_at),
        "firstName": c.first_name,
        "lastName": c.last_name,
        "email": c.email,
        "phone": c.phone,
    }


def payment_method(m: PaymentMethod, status: str) -> JsonObject:
    """A card on file; ``status`` is ACTIVE, EXPIRED or REMOVED as the API says it."""
    return {
        "id": m.id,
        "type": "CARD",
        "brand": m.brand,
        "last4": m.last4,
        "expMonth": m.exp_month,
        "expYear": m.exp_year,
        "nameOnCard": m.name_on_card,
        "isDefault": m.is_default,
        "status": status,
        "createdAt": when(m.created_at),
        "customerId": m.customer_id,
        "gatewayId": m.gateway_id,
        "billingAddressId": m.billing_address_id,
    }


def refund(r: Refund) -> JsonObject:
    return {
        "id": r.id,
        "amount": money(r.amount, r.currency),
        "status": r.status,
        "reason": r.reason,
        "reasonCode": r.reason_code,
        "externalId": r.external_id,
        "throughGateway": r.through_gateway,
        "createdAt": when(r.created_at),
    }


def invoice(i: Invoice) -> JsonObject:
    return {
        "id": i.id,
        "number": i.number,
        "total": money(i.total, i.currency),
        "issuedAt": when(i.issued_at),
        "lastSentAt": when(i.last_sent_at),
        "transactionId": i.transaction_id,
        "customerId": i.customer_id,
    }


def card_link(link: CardTokenizationLink, status: str) -> JsonObject:
    """A card link, never its URL (the URL is the payer's secret)."""
    return {
        "id": link.id,
        "status": status,
        "expiresAt": when(link.expires_at),
        "usedAt": when(link.used_at),
        "takesOverOpenOrders": link.takes_over_open_orders,
        "failedAttempts": link.failed_attempts,
        "createdAt": when(link.created_at),
        "customerId": link.customer_id,
        "paymentMethodId": link.payment_method_id,
    }
