"""Notifications to people outside paydesk: email now, outbound webhooks later."""

from paydesk.notify.email import (
    Email,
    EmailDeliveryError,
    Mailer,
    OutboxMailer,
    SmtpMailer,
    mailer_for,
)
from paydesk.notify.messages import card_request_email, payment_request_email

__all__ = [
    "Email",
    "EmailDeliveryError",
    "Mailer",
    "OutboxMailer",
    "SmtpMailer",
    "card_request_email",
    "mailer_for",
    "payment_request_email",
]
