"""The emails paydesk sends, one function each: render the template into an ``Email``.

They take plain values, never settings or database rows, so any service can
render one with what it already has and put it in the outbox
(``paydesk.outbox.emails.queue_email``); nothing here sends.
"""

from __future__ import annotations

from datetime import datetime

from paydesk.notify.email import Email
from paydesk.notify.templates import render


def card_request_email(
    *,
    to: str,
    merchant_name: str,
    customer_name: str | None,
    url: str,
    expires_at: datetime,
    takes_over_open_orders: bool,
    reply_to: str | None = None,
) -> Email:
    """Ask a customer to put a card on file through the link ``url``.

    ``takes_over_open_orders`` adds that the new card will also pay the
    customer's open subscriptions and payment plans. ``reply_to`` lets the
    customer's answer reach the merchant rather than the no-reply sender.
    """
    subject, text, html = render(
        "card_request",
        merchant_name=merchant_name,
        customer_name=customer_name,
        url=url,
        expires_at=expires_at,
        takes_over_open_orders=takes_over_open_orders,
    )
    return Email(to=to, subject=subject, text=text, html=html, reply_to=reply_to)


def payment_request_email(
    *,
    to: str,
    merchant_name: str,
    customer_name: str | None,
    total: str,
    description: str | None,
    url: str,
    expires_at: datetime,
) -> Email:
    """Ask a customer to pay ``total`` (already formatted for them) on the checkout page at ``url``."""
    subject, text, html = render(
        "payment_request",
        merchant_name=merchant_name,
        customer_name=customer_name,
        total=total,
        description=description,
        url=url,
        expires_at=expires_at,
    )
    return Email(to=to, subject=subject, text=text, html=html)


def webhook_disabled_email(*, to: str, merchant_name: str, url: str, last_result: str) -> Email:
    """Tell an account owner that an endpoint failed for 3 days and is disabled."""
    subject, text, html = render(
        "webhook_disabled", merchant_name=merchant_name, url=url, last_result=last_result
    )
    return Email(to=to, subject=subject, text=text, html=html)
