"""A full card number or a CVC is never stored, logged or answered (DESIGN.md, Domain: PaymentMethod).

Every sandbox test card is put on file through the API, with a CVC, beside
a few attempts that fail validation; then every place the data could end up
is searched:

- the database: on SQLite the raw bytes of every file in the test's
  directory (the database, its -wal and -shm files, anything else the app
  wrote) and a SQL dump; on PostgreSQL a ``pg_dump`` of the test database;
- the logs: every logger at DEBUG through caplog (SQLAlchemy's statements
  and their parameters included), and whatever reached stderr or stdout;
- every response body the test received.

Numbers are searched with spaces and dashes taken out of the text, so no
grouping (4-4-4-4, 4-6-5, ...) can hide one. CVCs are 3 or 4 digits, so
the bare string can turn up by chance: in microseconds of a timestamp
("17.739000"), in hex hashes, random ids or Fernet tokens. They are
searched as a whole value only, not touching a letter, digit, underscore
or dot on either side: that is how a stored or logged CVC would look
("739" in JSON, '739' in SQL, a tab-separated COPY field, cvc=739), and
random text never has a lone 3-digit value in this data (no integer
column or log field here holds values in the hundreds). The raw SQLite
bytes, where fields run into each other, are searched for numbers only;
its SQL dump is searched for both. The CVCs are picked to be unusual.
"""

from __future__ import annotations

import asyncio
import glob
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.helpers import ANONYMOUS, Api, Caller, World, without_cost

YEAR = datetime.now(UTC).year + 3

# (number, cvc): every sandbox test card, each with its own unusual CVC.
CARDS = [
    ("4242424242424242", "739"),
    ("5555555555554444", "862"),
    ("378282246310005", "8163"),
    ("4000000000000002", "947"),
    ("4000000000009995", "681"),
    ("4000000000000069", "594"),
    ("4000000000009979", "716"),
    ("4000000000000119", "853"),
    ("4000000000000341", "629"),
]
# (number, cvc, expiry, expected problem): attempts that fail validation before any gateway.
FAILING = [
    ("4242424242424241", "417", (12, YEAR), (["input", "card", "number"], "CARD_INVALID")),
    ("4000056655665556", "906", (1, 2020), (["input", "card", "expYear"], "CARD_EXPIRED")),
    ("5200828282828210", "5927", (12, YEAR), (["input", "card", "cvc"], "CARD_INVALID")),
]
NUMBERS = [number for number, _ in CARDS] + [number for number, *_ in FAILING]
CVCS = [cvc for _, cvc in CARDS] + [cvc for _, cvc, *_ in FAILING]

TOKENIZE = """
mutation($i: TokenizeCardInput!) {
  tokenizeCard(input: $i) {
    paymentMethod { id brand last4 expMonth expYear nameOnCard status }
    userErrors { field code message }
  }
}"""


class RecordingApi(Api):
    """An Api that keeps every response body it received."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        super().__init__(http)
        self.bodies: list[str] = []

    async def post(self, body: Any, caller: Caller = ANONYMOUS, **headers: str) -> httpx.Response:
        response = await super().post(body, caller, **headers)
        # The cost report is paydesk's own counters (a rate limit's 594 requests left is not a CVC).
        answer = response.json()
        kept = [without_cost(item) for item in answer] if isinstance(answer, list) else without_cost(answer)
        self.bodies.append(json.dumps(kept))
        return response


@pytest.fixture
def recording(http: httpx.AsyncClient) -> RecordingApi:
    return RecordingApi(http)


@contextmanager
def watching_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every logger at DEBUG, and the app's log lines on the stderr that capfd reads, until the end.

    Loggers that set a level of their own (SQLAlchemy, alembic, ...) are lowered too. The app's
    stderr handler was made while the app fixture was set up, and pytest closes capfd's streams
    after each phase, so it is pointed at this phase's stderr. Both are put back at the end, before
    the app shuts down.
    """
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert len(handlers) == 1, logging.getLogger().handlers
    with ExitStack() as stack:
        stack.enter_context(caplog.at_level(logging.DEBUG))
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if isinstance(logger, logging.Logger) and logger.level > logging.DEBUG:
                stack.enter_context(caplog.at_level(logging.DEBUG, logger=name))
        # Not setStream(): it flushes the old stream, which is closed.
        handler, previous = handlers[0], handlers[0].stream
        handler.stream = sys.stderr
        try:
            yield
        finally:
            handler.stream = previous


def cvc_pattern(cvc: str) -> re.Pattern[str]:
    """The CVC as a whole value: no letter, digit, underscore or dot right before or after it."""
    return re.compile(rf"(?<![\w.]){cvc}(?![\w.])")


def numbers_in(text: str) -> list[str]:
    squeezed = re.sub(r"[ -]", "", text)
    return [number for number in NUMBERS if number in squeezed]


def cvcs_in(text: str) -> list[str]:
    return [cvc for cvc in CVCS if cvc_pattern(cvc).search(text)]


def pg_dump_binary() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    assert found, "pg_dump is not installed"
    return found[-1]


async def pg_dump(database_url: str) -> str:
    """A plain-text dump of the test's PostgreSQL database, schema and data."""
    url = make_url(database_url)
    command = [
        pg_dump_binary(),
        "--host",
        str(url.host),
        "--port",
        str(url.port),
        "--username",
        "postgres",
        "--no-password",
        str(url.database),
    ]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def sqlite_dump(database_url: str) -> str:
    path = make_url(database_url).database
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def raw_files(directory: Path) -> str:
    """Every file the test's directory holds, as raw bytes (latin-1 keeps each byte a character)."""
    return "".join(
        path.read_bytes().decode("latin-1") for path in sorted(directory.rglob("*")) if path.is_file()
    )


async def database_texts(backend: str, database_url: str, tmp_path: Path) -> tuple[str, str]:
    """(raw, dump): text to search for numbers, and a dump to search for numbers and CVCs."""
    if backend == "sqlite":
        return raw_files(tmp_path), sqlite_dump(database_url)
    dump = await pg_dump(database_url)
    return dump, dump


# --- the searches themselves find what they look for ----------------------------------------------


def test_the_searches_find_a_leak_in_every_shape() -> None:
    assert numbers_in("card 4242 4242 4242 4242 ok") == ["4242424242424242"]
    assert numbers_in("amex 3782-822463-10005") == ["378282246310005"]
    assert numbers_in('{"number":"4000000000000341"}') == ["4000000000000341"]
    for text in [
        '{"cvc": "739"}',
        "INSERT INTO t VALUES('pm_1',739,2030)",
        "pm_1\t739\t2030\n",
        "cvc=739&x=1",
    ]:
        assert cvcs_in(text) == ["739"], text
    for text in ["12:30:17.739000", "17.739+00", "a739f0", "pm_x739Y", "2739", "7390", "739.0"]:
        assert cvcs_in(text) == [], text


# --- the whole flow -------------------------------------------------------------------------------


async def put_cards_on_file(api: RecordingApi, caller: Caller, customer_id: str) -> None:
    """Every sandbox card with its CVC, one of them twice, and the failing attempts."""
    for number, cvc in CARDS:
        card = {"number": number, "expMonth": 12, "expYear": YEAR, "cvc": cvc, "nameOnCard": "Ada Lovelace"}
        data = await api.gql(TOKENIZE, caller, i={"customerId": customer_id, "card": card})
        assert data["tokenizeCard"]["userErrors"] == [], number
    # The same card again, typed another way: the card on file gets the new expiry.
    spaced = {"number": "4242 4242 4242 4242", "expMonth": 6, "expYear": YEAR + 1, "cvc": "739"}
    data = await api.gql(TOKENIZE, caller, i={"customerId": customer_id, "card": spaced})
    assert data["tokenizeCard"]["userErrors"] == []
    for number, cvc, (month, year), problem in FAILING:
        card = {"number": number, "expMonth": month, "expYear": year, "cvc": cvc}
        data = await api.gql(TOKENIZE, caller, i={"customerId": customer_id, "card": card})
        errors = data["tokenizeCard"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [problem], number


CREATE_LINK = """
mutation($i: CreateCardTokenizationLinkInput!) {
  createCardTokenizationLink(input: $i) { cardTokenizationLink { url } userErrors { code } }
}"""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def put_cards_on_file_through_the_page(
    api: RecordingApi, http: httpx.AsyncClient, caller: Caller, customer_id: str
) -> None:
    """The same cards and failures again, typed by the payer into the hosted card page, one link each."""
    attempts = [(number, cvc, (12, YEAR)) for number, cvc in CARDS] + [(n, c, e) for n, c, e, _ in FAILING]
    for number, cvc, (month, year) in attempts:
        made = await api.gql(CREATE_LINK, caller, i={"customerId": customer_id})
        path = httpx.URL(made["createCardTokenizationLink"]["cardTokenizationLink"]["url"]).path
        form = await http.get(path)
        api.bodies.append(form.text)
        match = CSRF.search(form.text)
        assert match is not None, form.text
        fields = {"csrf_token": match.group(1), "name": "Ada Lovelace", "number": number, "cvc": cvc}
        answer = await http.post(path, data=fields | {"exp_month": str(month), "exp_year": str(year)})
        api.bodies.append(answer.text)
        assert answer.status_code == (200 if (number, cvc) in CARDS else 422), answer.text
        http.cookies.clear()


async def test_no_card_number_or_cvc_is_kept_logged_or_answered(
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    recording: RecordingApi,
    http: httpx.AsyncClient,
    world: World,
    backend: str,
    database_url: str,
    tmp_path: Path,
) -> None:
    with watching_logs(caplog):
        await put_cards_on_file(recording, world.a.caller("rep"), world.a.customer_id)
        await put_cards_on_file_through_the_page(recording, http, world.b.caller("rep"), world.b.customer_id)

    raw, dump = await database_texts(backend, database_url, tmp_path)
    captured = capfd.readouterr()
    logs = caplog.text
    # The searches look at real data: the cards' last digits are there, and so are the SQL statements.
    assert "payment_method" in dump
    assert "0005" in dump
    assert "INSERT INTO payment_method" in logs
    assert '"event": "http.request"' in captured.err
    sources = {
        "database": raw,
        "database dump": dump,
        "caplog": logs,
        "stderr": captured.err,
        "stdout": captured.out,
        "responses": "\n".join(recording.bodies),
    }
    found = {
        name: (numbers_in(text), cvcs_in(text) if name != "database" else [])
        for name, text in sources.items()
    }
    assert found == {name: ([], []) for name in sources}


# --- card numbers that only reach graphql-core ----------------------------------------------------

INLINE_INT = (
    'mutation { tokenizeCard(input: {customerId: "cus_x", '
    "card: {number: 4242424242424242, expMonth: 1, expYear: 2030}}) { userErrors { code } } }"
)
INLINE_SPACED_WITH_BAD_MONTH = (
    'mutation { tokenizeCard(input: {customerId: "cus_x", '
    'card: {number: "5555 5555 5555 4444", expMonth: "one", expYear: 2030}}) { userErrors { code } } }'
)
# graphql-core quotes the value it could not use: the number itself, or the whole object around it.
INVALID_REQUESTS: dict[str, dict[str, Any]] = {
    "Int literal in the query": {"query": INLINE_INT},
    "spaced number beside a bad month": {"query": INLINE_SPACED_WITH_BAD_MONTH},
    "JSON number in the variables": {
        "query": TOKENIZE,
        "variables": {
            "i": {"customerId": "cus_x", "card": {"number": 378282246310005, "expMonth": 1, "expYear": 2030}}
        },
    },
    "variables missing a field beside the number": {
        "query": TOKENIZE,
        "variables": {
            "i": {"customerId": "cus_x", "card": {"number": "4000-0000-0000-0002", "expYear": 2030}}
        },
    },
}


async def test_a_card_number_in_an_invalid_request_is_echoed_nowhere(
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    recording: RecordingApi,
    world: World,
) -> None:
    rep = world.a.caller("rep")

    statuses = {}
    with watching_logs(caplog):
        for name, body in INVALID_REQUESTS.items():
            response = await recording.post(body, rep)
            statuses[name] = (
                response.status_code,
                [e["extensions"]["code"] for e in response.json()["errors"]],
            )

    assert statuses == {name: (400, ["GRAPHQL_VALIDATION_FAILED"]) for name in INVALID_REQUESTS}
    assert "[redacted]" in recording.bodies[0]
    captured = capfd.readouterr()
    assert captured.err.count('"event": "graphql.error"') == len(INVALID_REQUESTS)
    sources = {
        "caplog": caplog.text,
        "stderr": captured.err,
        "stdout": captured.out,
        "responses": "\n".join(recording.bodies),
    }
    assert {name: numbers_in(text) for name, text in sources.items()} == {name: [] for name in sources}


async def test_a_card_number_typed_with_double_spaces_is_echoed_nowhere(
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    recording: RecordingApi,
    world: World,
) -> None:
    rep = world.a.caller("rep")
    number = "4242  4242  4242  4242"
    # The API takes it for a card number ...
    card = {"number": number, "expMonth": 12, "expYear": YEAR}
    data = await recording.gql(TOKENIZE, rep, i={"customerId": world.a.customer_id, "card": card})
    assert data["tokenizeCard"]["userErrors"] == []

    with watching_logs(caplog):
        # ... and graphql-core quotes the object around it when a field is missing.
        body = {"query": TOKENIZE, "variables": {"i": {"customerId": "cus_x", "card": {"number": number}}}}
        response = await recording.post(body, rep)

    assert response.status_code == 400
    sources = {"caplog": caplog.text, "stderr": capfd.readouterr().err, "response": response.text}
    assert {name: numbers_in(text) for name, text in sources.items()} == {name: [] for name in sources}
