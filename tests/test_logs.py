"""Logs: card-like digit runs never reach a line; structlog and stdlib both write JSON to stderr."""

from __future__ import annotations

import contextvars
import json
import logging
from typing import Any

import pytest

from paydesk.logs import configure_logging, get_logger, scrub
from paydesk.requests import start_request

CARD = "4242424242424242"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (f"card {CARD} declined", "card [redacted] declined"),
        ("4242 4242 4242 4242", "[redacted]"),
        ("4242-4242-4242-4242", "[redacted]"),
        ("378282246310005", "[redacted]"),
        ("amex 3782 822463 10005.", "amex [redacted]."),
        (f"x{CARD}y", "x[redacted]y"),
        ("123456789012", "[redacted]"),  # 12 digits: the shortest card-like run
        ("1234567890123456789", "[redacted]"),  # 19 digits: the longest
        (f"2024-{CARD}", "2024-[redacted]"),
        (f"{CARD} 2030", "[redacted] 2030"),
    ],
)
def test_scrub_replaces_card_like_runs(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "order 123456 for 2024",
        "call 5551234567",
        "12345678901",  # 11 digits
        "1234 5678 901",  # 11 digits with spaces
        "12345678901234567890",  # 20 digits: longer than any card
        "amount 1234567.89 USD",
        "at 2024-01-15 12:30:45",
        "",
    ],
)
def test_scrub_keeps_other_numbers(text: str) -> None:
    assert scrub(text) == text


def json_lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines()]


def without_timestamp(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key != "timestamp"}


@pytest.mark.usefixtures("restore_logging")
def test_structlog_and_stdlib_write_scrubbed_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info")

    get_logger("paydesk.test").info(
        f"charging {CARD}", card={"number": "4242 4242 4242 4242", "last4": "4242"}
    )
    logging.getLogger("thirdparty").warning("rejected %s", "4242-4242-4242-4242")
    logging.getLogger("thirdparty").debug("below the level %s", CARD)

    out, err = capsys.readouterr()
    lines = json_lines(err)
    assert out == ""
    assert CARD not in err
    assert [without_timestamp(line) for line in lines] == [
        {
            "event": "charging [redacted]",
            "card": {"number": "[redacted]", "last4": "4242"},
            "level": "info",
            "logger": "paydesk.test",
        },
        {"event": "rejected [redacted]", "level": "warning", "logger": "thirdparty"},
    ]
    assert all(line["timestamp"].endswith("Z") for line in lines)


@pytest.mark.usefixtures("restore_logging")
def test_tracebacks_are_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")

    try:
        raise ValueError(f"bad card {CARD}")
    except ValueError:
        logging.getLogger("thirdparty").exception("stdlib failed")
        get_logger("paydesk.test").exception("structlog failed")

    err = capsys.readouterr().err
    lines = json_lines(err)
    assert CARD not in err
    assert [line["event"] for line in lines] == ["stdlib failed", "structlog failed"]
    assert [line["exception"].splitlines()[-1] for line in lines] == ["ValueError: bad card [redacted]"] * 2


@pytest.mark.usefixtures("restore_logging")
def test_configure_logging_sets_levels() -> None:
    configure_logging("warning")

    assert logging.getLogger().level == logging.WARNING
    assert logging.getLogger("uvicorn.access").level == logging.WARNING
    assert logging.getLogger("alembic").level == logging.WARNING
    assert logging.getLogger("uvicorn").handlers == []
    assert logging.getLogger("uvicorn").propagate is True


@pytest.mark.parametrize(
    "value",
    [pytest.param(int(CARD), id="int"), pytest.param(ValueError(f"card {CARD}"), id="exception object")],
)
@pytest.mark.usefixtures("restore_logging")
def test_non_string_values_are_scrubbed(value: object, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")

    get_logger("paydesk.test").info("charge", value=value)

    assert CARD not in capsys.readouterr().err


@pytest.mark.usefixtures("restore_logging")
def test_lines_carry_the_request_id_of_their_request(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")

    def handle() -> None:
        start_request("trace-0123456789")
        get_logger("paydesk.test").info("inside a request")
        logging.getLogger("thirdparty").info("library line")

    contextvars.copy_context().run(handle)
    contextvars.copy_context().run(lambda: get_logger("paydesk.test").info("outside"))

    lines = json_lines(capsys.readouterr().err)
    assert [(line["event"], line.get("request_id")) for line in lines] == [
        ("inside a request", "trace-0123456789"),
        ("library line", "trace-0123456789"),
        ("outside", None),
    ]
