"""Outgoing email: one message shape, two ways to deliver it.

``SmtpMailer`` hands messages to an SMTP server (``PAYDESK_SMTP_URL``);
``OutboxMailer`` writes them as ``.eml`` files under ``DATA_DIR/outbox`` so a
developer can open them without any mail server. ``mailer_for`` picks one
from the settings; build it once per process and share it.

Bodies carry payment and card links, which are secrets for their recipient:
no log line or error message here ever includes one. Logs name the
recipient's domain, the subject and the message id only.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from paydesk.clock import utcnow
from paydesk.config import Environment, Settings
from paydesk.ids import new_id
from paydesk.logs import get_logger

OUTBOX_DIR = "outbox"
# Long enough for a slow relay to accept a message, short enough that a dead
# one does not hold a job for minutes (aiosmtplib's own default is 60 s).
DEFAULT_TIMEOUT = 30.0
_PORTS = {"smtp": 25, "smtps": 465}
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._@-]")
_NAME_TRIES = 10

_log = get_logger(__name__)


@dataclass(frozen=True)
class Email:
    """One message to one recipient, with a plain-text and an HTML body."""

    to: str
    subject: str
    text: str = field(repr=False)
    html: str = field(repr=False)
    reply_to: str | None = None


class Mailer(Protocol):
    async def send(self, email: Email) -> str:
        """Deliver the message; its Message-ID (``<...@domain>``)."""
        ...


class EmailDeliveryError(Exception):
    """The message could not be handed over; the text never includes its body.

    ``permanent`` is true when the server refused this message or its
    recipient outright (a 5xx reply): sending it again unchanged fails the
    same way. Anything else (no connection, a timeout, TLS, credentials, a
    4xx reply) may succeed on a later try.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def address_of(value: str) -> str:
    """The bare address in ``value`` (``"Ada <ada@example.com>"`` gives ``ada@example.com``)."""
    address = parseaddr(value)[1]
    if "@" not in address or "\n" in value or "\r" in value:
        raise ValueError("not an email address")
    return address


def domain_of(value: str) -> str:
    """The domain of an address: all of it a log line may show."""
    return address_of(value).rpartition("@")[2].lower()


def message_id(sender: str) -> str:
    """A fresh ``<msg_...@sender's domain>``.

    Random base62 rather than ``make_msgid``, whose 12-digit timestamp the
    log scrubber would take for a card number, and which tells the host's pid.
    """
    return f"<{new_id('msg')}@{domain_of(sender)}>"


def build_message(email: Email, sender: str) -> EmailMessage:
    """The RFC 5322 message for ``email``, from ``sender``."""
    address_of(email.to)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    if email.reply_to is not None:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(sender)
    # RFC 3834: tells auto-responders not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def _log_fields(email: Email, message: EmailMessage) -> dict[str, str]:
    return {"to_domain": domain_of(email.to), "subject": email.subject, "message_id": message["Message-ID"]}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect, read from an ``smtp://`` or ``smtps://`` URL."""

    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse ``smtp[s]://user:password@host:port``; user and password are URL-decoded."""
        parts = urlsplit(url)
        if parts.scheme not in _PORTS:
            raise ValueError("SMTP URL must start with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("SMTP URL has no host")
        try:
            port = parts.port or _PORTS[parts.scheme]
        except ValueError:
            raise ValueError("SMTP URL has an invalid port") from None
        return cls(
            host=parts.hostname,
            port=port,
            implicit_tls=parts.scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
        )


class SmtpMailer:
    """Sends through an SMTP server.

    ``smtps://`` connects with TLS from the start; ``smtp://`` upgrades with
    STARTTLS when the server offers it. Certificates are verified with the
    system's trust store unless ``tls_context`` says otherwise (tests pass
    one that trusts a throwaway certificate).
    """

    def __init__(
        self,
        url: str,
        sender: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.server = SmtpServer.from_url(url)
        self.sender = sender
        self.timeout = timeout
        self.tls_context = tls_context
        self._mail_from = address_of(sender)

    async def send(self, email: Email) -> str:
        message = build_message(email, self.sender)
        server = self.server
        try:
            await aiosmtplib.send(
                message,
                sender=self._mail_from,
                recipients=[address_of(email.to)],
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.implicit_tls,
                timeout=self.timeout,
                tls_context=self.tls_context,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            where = f"{server.host}:{server.port}"
            raise EmailDeliveryError(
                f"could not send email to @{domain_of(email.to)} through {where}: {_describe(exc)}",
                permanent=_is_permanent(exc),
            ) from exc
        _log.info("email.sent", via="smtp", **_log_fields(email, message))
        return str(message["Message-ID"])


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{refused.code} {refused.message}" for refused in exc.recipients)
        return f"{type(exc).__name__}: {replies}"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.code} {exc.message}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(refused.code >= 500 for refused in exc.recipients)
    refusals = (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError)
    return isinstance(exc, refusals) and exc.code >= 500


class OutboxMailer:
    """Writes each message to ``directory`` as ``{UTC time}-{message id}.eml``, never overwriting."""

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender
        address_of(sender)  # a bad PAYDESK_EMAIL_FROM fails at start, not at the first send

    async def send(self, email: Email) -> str:
        message = build_message(email, self.sender)
        try:
            path = await asyncio.to_thread(self._write, message)
        except OSError as exc:
            raise EmailDeliveryError(
                f"could not write email to @{domain_of(email.to)} into {self.directory}: {_describe(exc)}"
            ) from exc
        _log.info("email.outbox", path=str(path), **_log_fields(email, message))
        return str(message["Message-ID"])

    def _write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        safe_id = _UNSAFE_FILE_CHARS.sub("_", message["Message-ID"].strip("<>"))
        stem = f"{utcnow():%Y%m%dT%H%M%S.%fZ}-{safe_id}"
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        # The id is random, so a clash needs a bug or a hand-made id; a few
        # numbered tries then give up rather than loop.
        for attempt in range(_NAME_TRIES):
            path = self.directory / (f"{stem}.eml" if attempt == 0 else f"{stem}-{attempt}.eml")
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            return path
        raise EmailDeliveryError(f"no free file name for {stem}.eml in the outbox")


def mailer_for(settings: Settings, *, tls_context: ssl.SSLContext | None = None) -> Mailer:
    """SMTP when ``PAYDESK_SMTP_URL`` is set, else the outbox folder in ``DATA_DIR``."""
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url.get_secret_value(), settings.email_from, tls_context=tls_context)
    if settings.env is Environment.PRODUCTION:
        _log.warning("email.outbox_in_production", hint="set PAYDESK_SMTP_URL to deliver email")
    return OutboxMailer(settings.data_dir / OUTBOX_DIR, settings.email_from)
