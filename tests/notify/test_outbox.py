"""OutboxMailer: one RFC 5322 .eml file per message in DATA_DIR/outbox, never overwritten, bodies never logged."""

from __future__ import annotations

import json
import re
import stat
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from paydesk.logs import configure_logging
from paydesk.notify import Email, EmailDeliveryError, OutboxMailer
from paydesk.notify import email as email_module

SENDER = "Acme <payments@acme.test>"
URL = "https://pay.example.test/card/cl_s3cretT0ken"
HELLO = Email(
    to="ada@example.org", subject="Add a card", text=f"Go to {URL}", html=f'<a href="{URL}">add</a>'
)
FILE_NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[A-Za-z0-9._@-]+\.eml$")


def files(directory: Path) -> list[Path]:
    return sorted(directory.iterdir())


def read(path: Path) -> EmailMessage:
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def test_a_message_becomes_one_eml_file(tmp_path: Path) -> None:
    outbox = tmp_path / "data" / "outbox"

    message_id = await OutboxMailer(outbox, SENDER).send(HELLO)

    [path] = files(outbox)
    assert FILE_NAME.match(path.name)
    assert message_id.strip("<>") in path.name
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # RFC 5322 line endings throughout
    message = read(path)
    assert message["Message-ID"] == message_id
    assert message["From"] == SENDER
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Add a card"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert URL in plain.get_content()
    assert URL in html.get_content()


async def test_two_messages_make_two_files(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path, SENDER)

    ids = [await mailer.send(HELLO), await mailer.send(HELLO)]

    assert ids[0] != ids[1]
    assert sorted(read(path)["Message-ID"] for path in files(tmp_path)) == sorted(ids)


async def test_a_clash_of_file_names_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same clock and same id: both messages would get the same file name.
    monkeypatch.setattr(email_module, "utcnow", lambda: datetime(2025, 3, 14, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(email_module, "message_id", lambda sender: "<fixed@acme.test>")
    mailer = OutboxMailer(tmp_path, SENDER)

    await mailer.send(HELLO)
    await mailer.send(Email(to="bob@example.org", subject="Second", text="t", html="h"))

    names = sorted(path.name for path in files(tmp_path))
    assert names == [
        "20250314T120000.000000Z-fixed@acme.test-1.eml",
        "20250314T120000.000000Z-fixed@acme.test.eml",
    ]
    assert read(tmp_path / names[1])["Subject"] == "Add a card"
    assert read(tmp_path / names[0])["Subject"] == "Second"


@pytest.mark.usefixtures("restore_logging")
async def test_the_log_line_has_the_path_but_not_the_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")

    message_id = await OutboxMailer(tmp_path, SENDER).send(HELLO)

    err = capsys.readouterr().err
    [line] = [json.loads(line) for line in err.splitlines()]
    [path] = files(tmp_path)
    assert {key: value for key, value in line.items() if key != "timestamp"} == {
        "event": "email.outbox",
        "path": str(path),
        "to_domain": "example.org",
        "subject": "Add a card",
        "message_id": message_id,
        "level": "info",
        "logger": "paydesk.notify.email",
    }
    assert URL not in err
    assert "ada@" not in err


async def test_an_outbox_that_cannot_be_written_is_a_delivery_error(tmp_path: Path) -> None:
    blocked = tmp_path / "outbox"
    blocked.write_text("a file where the folder should be")

    with pytest.raises(EmailDeliveryError) as caught:
        await OutboxMailer(blocked, SENDER).send(HELLO)

    assert str(caught.value).startswith(
        f"could not write email to @example.org into {blocked}: FileExistsError"
    )
    assert URL not in str(caught.value)
