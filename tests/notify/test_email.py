"""The message every mailer sends, the SMTP URL, and which mailer the settings pick."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from paydesk.config import Settings
from paydesk.logs import configure_logging
from paydesk.notify import Email, OutboxMailer, SmtpMailer, mailer_for
from paydesk.notify.email import SmtpServer, build_message, domain_of

TEST_SECRET = "test-secret-key-" + "x" * 32
HELLO = Email(to="Ada <ada@Example.org>", subject="Hello", text="the text", html="<p>the html</p>")


def test_the_message_has_the_headers_and_both_bodies() -> None:
    message = build_message(HELLO, "Acme <payments@acme.test>")

    assert message["From"] == "Acme <payments@acme.test>"
    assert message["To"] == "Ada <ada@Example.org>"
    assert message["Subject"] == "Hello"
    assert message["Reply-To"] is None
    assert re.fullmatch(r"<msg_[0-9A-Za-z]{22}@acme\.test>", message["Message-ID"])
    assert message["Date"].datetime.tzinfo is not None
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert [part.get_content() for part in message.iter_parts()] == ["the text\n", "<p>the html</p>\n"]


def test_each_message_gets_its_own_id() -> None:
    first, second = build_message(HELLO, "a@acme.test"), build_message(HELLO, "a@acme.test")

    assert first["Message-ID"] != second["Message-ID"]


def test_reply_to_is_set_when_given() -> None:
    email = Email(to="ada@example.org", subject="Hi", text="t", html="h", reply_to="Shop <help@shop.test>")

    assert build_message(email, "a@acme.test")["Reply-To"] == "Shop <help@shop.test>"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        pytest.param(
            Email(to="ada@example.org", subject="Hi\nBcc: x@evil.test", text="t", html="h"),
            "may not contain linefeed or carriage return",
            id="subject",
        ),
        pytest.param(
            Email(to="ada@example.org\nBcc: x@evil.test", subject="Hi", text="t", html="h"),
            "not an email address",
            id="to",
        ),
        pytest.param(
            Email(to="nobody", subject="Hi", text="t", html="h"), "not an email address", id="no address"
        ),
    ],
)
def test_a_header_cannot_be_injected_or_empty(email: Email, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_message(email, "a@acme.test")


def test_the_repr_of_an_email_leaves_out_its_bodies() -> None:
    assert repr(HELLO) == "Email(to='Ada <ada@Example.org>', subject='Hello', reply_to=None)"


def test_logs_show_only_the_domain() -> None:
    assert domain_of("Ada <ada@Example.org>") == "example.org"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.test", SmtpServer("mail.test", 25, implicit_tls=False)),
        ("smtps://mail.test", SmtpServer("mail.test", 465, implicit_tls=True)),
        ("smtp://mail.test:587", SmtpServer("mail.test", 587, implicit_tls=False)),
        ("smtp://user@mail.test", SmtpServer("mail.test", 25, implicit_tls=False, username="user")),
        (
            "smtps://billing%40acme.test:p%40ss%3Aw%2Frd@mail.test:2465",
            SmtpServer("mail.test", 2465, True, username="billing@acme.test", password="p@ss:w/rd"),
        ),
        ("smtp://[::1]:2525", SmtpServer("::1", 2525, implicit_tls=False)),
    ],
)
def test_the_smtp_url_is_parsed(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://", "SMTP URL has no host"),
        ("smtp://user:hunter2@mail.test:99999", "SMTP URL has an invalid port"),
        ("smtp://user:hunter2@mail.test:port", "SMTP URL has an invalid port"),
        ("http://mail.test", "SMTP URL must start with smtp:// or smtps://"),
    ],
)
def test_a_bad_smtp_url_is_refused_without_echoing_it(url: str, message: str) -> None:
    with pytest.raises(ValueError, match="SMTP URL") as caught:
        SmtpServer.from_url(url)

    assert str(caught.value) == message


def test_the_password_stays_out_of_reprs() -> None:
    mailer = SmtpMailer("smtp://billing:hunter2@mail.test", "a@acme.test")

    assert "hunter2" not in repr(mailer.server)
    assert mailer.server.password == "hunter2"


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings.model_validate(
        {"data_dir": tmp_path, "email_from": "Acme <payments@acme.test>", **values}
    )


def test_without_an_smtp_url_mail_goes_to_the_outbox(tmp_path: Path) -> None:
    mailer = mailer_for(settings(tmp_path))

    assert isinstance(mailer, OutboxMailer)
    assert mailer.directory == tmp_path / "outbox"
    assert mailer.sender == "Acme <payments@acme.test>"


def test_with_an_smtp_url_mail_goes_to_the_server(tmp_path: Path) -> None:
    mailer = mailer_for(settings(tmp_path, smtp_url="smtps://billing:pw@mail.acme.test"))

    assert isinstance(mailer, SmtpMailer)
    assert mailer.server == SmtpServer("mail.acme.test", 465, True, username="billing", password="pw")
    assert mailer.sender == "Acme <payments@acme.test>"
    assert mailer.tls_context is None


def test_a_bad_sender_fails_when_the_mailer_is_built(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        mailer_for(settings(tmp_path, email_from="paydesk"))


@pytest.mark.usefixtures("restore_logging")
def test_production_without_smtp_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")

    mailer = mailer_for(settings(tmp_path, env="production", secret_key=TEST_SECRET))

    assert isinstance(mailer, OutboxMailer)
    [line] = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert line["event"] == "email.outbox_in_production"
    assert line["level"] == "warning"
