"""The emails paydesk sends, one function each: render the template, send it, return the Message-ID.

They take a ``Mailer`` and plain values, never settings or database rows, so
any service (or job) can call them with what it already has.
"""

from __future__ import annotations

from datetime import datetime

from paydesk.notify.email import Email, Mailer
from paydesk.notify.templates import render


async def send_card_request(
    mailer: Mailer,
    *,
    to: str,
    merchant_name: str,
    customer_name: str | None,
    url: str,
    expires_at: datetime,
    takes_over_open_orders: bool,
    reply_to: str | None = None,
) -> str:
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
    return await mailer.send(Email(to=to, subject=subject, text=text, html=html, reply_to=reply_to))


async def send_payment_request(
    mailer: Mailer,
    *,
    to: str,
    merchant_name: str,
    customer_name: str | None,
    total: str,
    description: str | None,
    url: str,
    expires_at: datetime,
) -> str:
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
    return await mailer.send(Email(to=to, subject=subject, text=text, html=html))
