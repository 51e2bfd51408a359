"""Every event type paydesk records (DESIGN.md, "Events, webhooks and the other front doors")."""

from __future__ import annotations

EVENT_TYPES: tuple[str, ...] = (
    "customer.created",
    "customer.updated",
    "payment_method.added",
    "payment_method.updated",
    "payment_method.removed",
    "transaction.paid",
    "transaction.declined",
    "transaction.failed",
    "transaction.refunded",
    "transaction.voided",
    "transaction.written_off",
    "transaction.disputed",
    "invoice.sent",
    "subscription.created",
    "subscription.renewed",
    "subscription.paused",
    "subscription.resumed",
    "subscription.updated",
    "subscription.past_due",
    "subscription.cancelled",
    "subscription.completed",
    "payment_request.created",
    "payment_request.paid",
    "payment_request.expired",
    "card_link.completed",
)
# What an endpoint subscribes with to receive every type, present and future.
EVERY_TYPE = "*"
