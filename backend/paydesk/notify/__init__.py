"""Notifications to people outside paydesk: email now, outbound webhooks later."""

from paydesk.notify.email import (
    Email,
    EmailDeliveryError,
    Mailer,
    OutboxMailer,
    SmtpMailer,
    mailer_for,
)
from paydesk.notify.messages import send_card_request

__all__ = [
    "Email",
    "EmailDeliveryError",
    "Mailer",
    "OutboxMailer",
    "SmtpMailer",
    "mailer_for",
    "send_card_request",
]
