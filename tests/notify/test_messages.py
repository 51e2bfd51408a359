"""card_request_email renders the card request as one Email, which the mailer hands over as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from paydesk.notify import Email, Mailer, card_request_email
from paydesk.notify.templates import render


async def send_card_request(mailer: Mailer, **values: Any) -> str:
    """Render the card request and hand it to ``mailer``, as the outbox job does."""
    return await mailer.send(card_request_email(**values))


URL = "https://pay.example.test/card/cl_s3cretT0ken"
EXPIRES = datetime(2025, 3, 14, 17, 30, tzinfo=UTC)


@dataclass
class RecordingMailer:
    sent: list[Email] = field(default_factory=list)

    async def send(self, email: Email) -> str:
        self.sent.append(email)
        return "<1@acme.test>"


async def test_the_card_request_is_rendered_and_sent() -> None:
    mailer = RecordingMailer()

    message_id = await send_card_request(
        mailer,
        to="ada@example.org",
        merchant_name="Acme Coffee",
        customer_name=None,
        url=URL,
        expires_at=EXPIRES,
        takes_over_open_orders=False,
        reply_to="help@acme.test",
    )

    subject, text, html = render(
        "card_request",
        merchant_name="Acme Coffee",
        customer_name=None,
        url=URL,
        expires_at=EXPIRES,
        takes_over_open_orders=False,
    )
    assert message_id == "<1@acme.test>"
    assert mailer.sent == [
        Email(to="ada@example.org", subject=subject, text=text, html=html, reply_to="help@acme.test")
    ]
    assert subject == "Acme Coffee asks you to add a card"
