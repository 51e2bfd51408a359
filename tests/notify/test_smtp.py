"""SmtpMailer against a real SMTP server (aiosmtpd) on loopback: plain, AUTH, STARTTLS, implicit TLS, failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from paydesk.notify import Email, EmailDeliveryError, Mailer, SmtpMailer, card_request_email
from tests.net import free_port
from tests.notify.conftest import Certificate, Collector, StartSmtp

SENDER = "Acme Payments <payments@paydesk.test>"


async def send_card_request(mailer: Mailer, **values: Any) -> str:
    """Render the card request and hand it to ``mailer``, as the outbox job does."""
    return await mailer.send(card_request_email(**values))


URL = "https://pay.example.test/card/cl_s3cretT0ken"
EXPIRES = datetime(2025, 3, 14, 17, 30, tzinfo=UTC)
HELLO = Email(to="ada@example.org", subject="Hello", text=f"text {URL}", html=f"<p>html {URL}</p>")


def parse(envelope: Envelope) -> EmailMessage:
    assert isinstance(envelope.original_content, bytes)
    parsed = message_from_bytes(envelope.original_content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert html is not None
    # Line endings are CRLF on the wire; an 8bit part keeps them when decoded.
    return plain.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


async def test_card_request_arrives_with_text_and_escaped_html(start_smtp: StartSmtp) -> None:
    server = start_smtp()
    mailer = SmtpMailer(server.url(), SENDER)

    message_id = await send_card_request(
        mailer,
        to="ada@example.org",
        merchant_name="Bob & <Sons>",
        customer_name="Ada",
        url=URL,
        expires_at=EXPIRES,
        takes_over_open_orders=True,
    )

    [envelope] = server.collector.envelopes
    assert envelope.mail_from == "payments@paydesk.test"
    assert envelope.rcpt_tos == ["ada@example.org"]
    message = parse(envelope)
    assert message["From"] == SENDER
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Bob & <Sons> asks you to add a card"
    assert message["Message-ID"] == message_id
    assert message_id.startswith("<")
    assert message_id.endswith("@paydesk.test>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] is None
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = bodies(message)
    assert URL in text
    assert URL in html
    assert "Bob & <Sons> asks you to add a card" in text
    assert "Bob &amp; &lt;Sons&gt;" in html
    assert "<Sons>" not in html
    assert "14 March 2025" in text
    assert server.collector.tls == [False]


async def test_non_ascii_names_and_reply_to_survive_the_trip(start_smtp: StartSmtp) -> None:
    server = start_smtp()
    mailer = SmtpMailer(server.url(), "Café Müller <billing@cafe.test>")

    await send_card_request(
        mailer,
        to="Zoë Ångström <zoe@example.org>",
        merchant_name="Café Müller",
        customer_name="Zoë",
        url=URL,
        expires_at=EXPIRES,
        takes_over_open_orders=False,
        reply_to="help@cafe.test",
    )

    [envelope] = server.collector.envelopes
    assert envelope.mail_from == "billing@cafe.test"
    assert envelope.rcpt_tos == ["zoe@example.org"]
    message = parse(envelope)
    assert message["From"] == "Café Müller <billing@cafe.test>"
    assert message["To"] == "Zoë Ångström <zoe@example.org>"
    assert message["Reply-To"] == "help@cafe.test"
    assert message["Subject"] == "Café Müller asks you to add a card"
    text, html = bodies(message)
    assert text.startswith("Hello Zoë,\n")
    assert "Hello Zoë," in html


async def test_credentials_come_url_decoded_from_the_url(start_smtp: StartSmtp) -> None:
    # auth_require_tls=False: AUTH offered on a plain connection (auth_required would warn).
    tried: list[tuple[str, bytes, bytes]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: LoginPassword
    ) -> AuthResult:
        tried.append((mechanism, data.login, data.password))
        return AuthResult(
            success=(data.login, data.password) == (b"billing@acme.test", b"p@ss:w/rd"), handled=False
        )

    server = start_smtp(auth_require_tls=False, authenticator=authenticator)
    mailer = SmtpMailer(server.url(userinfo="billing%40acme.test:p%40ss%3Aw%2Frd@"), SENDER)

    await mailer.send(HELLO)

    assert [(login, password) for _, login, password in tried] == [(b"billing@acme.test", b"p@ss:w/rd")]
    assert len(server.collector.envelopes) == 1


async def test_wrong_credentials_are_a_delivery_error_without_the_password(start_smtp: StartSmtp) -> None:
    def authenticator(*_: object) -> AuthResult:
        return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd answers 535

    server = start_smtp(auth_require_tls=False, authenticator=authenticator)
    mailer = SmtpMailer(server.url(userinfo="billing:hunter2@"), SENDER)

    with pytest.raises(EmailDeliveryError) as caught:
        await mailer.send(HELLO)

    assert "SMTPAuthenticationError: 535" in str(caught.value)
    assert "hunter2" not in str(caught.value)
    assert caught.value.permanent is False
    assert server.collector.envelopes == []


async def test_smtps_connects_with_implicit_tls(start_smtp: StartSmtp, certificate: Certificate) -> None:
    server = start_smtp(ssl_context=certificate.server_context())
    mailer = SmtpMailer(server.url("smtps"), SENDER, tls_context=certificate.client_context())

    await mailer.send(HELLO)

    assert [envelope.rcpt_tos for envelope in server.collector.envelopes] == [["ada@example.org"]]
    assert server.collector.tls == [True]


async def test_smtps_verifies_the_certificate_by_default(
    start_smtp: StartSmtp, certificate: Certificate
) -> None:
    server = start_smtp(ssl_context=certificate.server_context())
    mailer = SmtpMailer(server.url("smtps"), SENDER)

    with pytest.raises(EmailDeliveryError) as caught:
        await mailer.send(HELLO)

    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert caught.value.permanent is False
    assert server.collector.envelopes == []


async def test_smtp_upgrades_with_starttls_when_offered_before_it_authenticates(
    start_smtp: StartSmtp, certificate: Certificate
) -> None:
    logins: list[bytes] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: LoginPassword
    ) -> AuthResult:
        logins.append(data.login)
        return AuthResult(success=True)

    # require_starttls and auth_required: the server refuses AUTH and MAIL until the upgrade.
    server = start_smtp(
        tls_context=certificate.server_context(),
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    mailer = SmtpMailer(server.url(userinfo="billing:pw@"), SENDER, tls_context=certificate.client_context())

    await mailer.send(HELLO)

    assert logins == [b"billing"]
    assert server.collector.tls == [True]


async def test_connection_refused_is_a_clear_error_without_the_body() -> None:
    port = free_port()
    mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", SENDER)

    with pytest.raises(EmailDeliveryError) as caught:
        await mailer.send(HELLO)

    message = str(caught.value)
    assert message.startswith(
        f"could not send email to @example.org through 127.0.0.1:{port}: SMTPConnectError: "
    )
    assert URL not in message
    assert "text" not in message
    assert caught.value.permanent is False


async def test_a_server_that_never_answers_times_out() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def never_greet(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    silent = await asyncio.start_server(never_greet, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", SENDER, timeout=0.2)

    try:
        with pytest.raises(EmailDeliveryError, match="Timeout") as caught:
            await mailer.send(HELLO)
    finally:
        for writer in accepted:
            writer.close()
        silent.close()
        await silent.wait_closed()

    assert caught.value.permanent is False


async def test_a_refused_recipient_is_permanent(start_smtp: StartSmtp) -> None:
    server = start_smtp(Collector(rcpt_reply="550 5.1.1 No such mailbox"))
    mailer = SmtpMailer(server.url(), SENDER)

    with pytest.raises(EmailDeliveryError) as caught:
        await mailer.send(HELLO)

    assert str(caught.value) == (
        f"could not send email to @example.org through 127.0.0.1:{server.port}: "
        "SMTPRecipientsRefused: 550 5.1.1 No such mailbox"
    )
    assert caught.value.permanent is True
    assert server.collector.envelopes == []


async def test_a_busy_server_is_worth_another_try(start_smtp: StartSmtp) -> None:
    server = start_smtp(Collector(rcpt_reply="451 4.3.0 Try again later"))
    mailer = SmtpMailer(server.url(), SENDER)

    with pytest.raises(EmailDeliveryError, match="451") as caught:
        await mailer.send(HELLO)

    assert caught.value.permanent is False
