"""A card number or CVC sent to /payments.php is never stored, logged or answered.

The sales below send cards the ways classic integrations do (urlencoded and
multipart, as a string and as a JSON number), paid, declined, expired,
failing Luhn, and card numbers in fields where they do not belong. Then the
database, every log line and every answer are searched, as
tests/api/test_card_data_never_kept.py searches them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette

from tests.api.test_card_data_never_kept import cvc_pattern, database_texts, watching_logs
from tests.classic.client import YEAR, Classic, Numbers, documented, simple_sale, with_card
from tests.helpers import World

DOCUMENTED_CARD = "4111111111111111"
CARDS = [DOCUMENTED_CARD, "4000000000000002", "5555555555554444", "4111111111111112"]
# Unusual CVCs, so a stray one is not a coincidence (the documented body's own "123" is everywhere).
CVCS = ["857", "694", "9158"]


def numbers_in(text: str) -> list[str]:
    squeezed = re.sub(r"[ -]", "", text)
    return [number for number in CARDS if number in squeezed]


def cvcs_in(text: str) -> list[str]:
    return [cvc for cvc in CVCS if cvc_pattern(cvc).search(text)]


async def sell_every_way(classic: Classic, world: World, numbers: Numbers) -> list[int]:
    """The sales, each answered; their result codes."""
    key = world.a.caller("apikey")
    sale = simple_sale(numbers)
    attempts = [
        (documented(numbers), {}),
        (with_card(documented(numbers, expire_year=YEAR), card_code="857"), {"multipart": True}),
        (with_card(sale, card_number=4000000000000002, card_code=694), {}),
        (with_card(sale, card_number="5555-5555-5555-4444", card_code="857"), {"in_headers": True}),
        (with_card(sale, card_number="4111 1111 1111 1112", card_code="9158"), {}),
        ({**sale, "contact_id": DOCUMENTED_CARD}, {}),
        ({**sale, "products": [{"id": numbers.product, "price": DOCUMENTED_CARD}]}, {"multipart": True}),
        (with_card(sale, card_expire_month=DOCUMENTED_CARD), {}),
        (f'{{"card_details": {{"card_number": "{DOCUMENTED_CARD}", "card_code": "694"', {}),
    ]
    codes = []
    for data, options in attempts:
        response = await classic.post(key, "sale", data, **options)
        codes.append(response.json()["result_code"])
    await classic.post(key, DOCUMENTED_CARD)  # as the reqType
    return codes


async def test_no_card_number_or_cvc_sent_to_payments_php_is_kept_logged_or_answered(
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    app: Starlette,
    classic: Classic,
    numbers: Numbers,
    world: World,
    backend: str,
    database_url: str,
    tmp_path: Path,
) -> None:
    with watching_logs(caplog):
        codes = await sell_every_way(classic, world, numbers)

    assert codes == [2, 1, 2, 1, 2, 2, 2, 2, 2]
    raw, dump = await database_texts(backend, database_url, tmp_path)
    captured = capfd.readouterr()
    # The searches look at real data: the cards' last digits and the SQL statements are there.
    assert "1111" in dump
    assert "INSERT INTO payment_method" in caplog.text
    assert '"event": "classic.answered"' in captured.err
    assert "[redacted]" in "\n".join(classic.bodies)  # the card number sent as contact_id
    sources = {
        "database": raw,
        "database dump": dump,
        "caplog": caplog.text,
        "stderr": captured.err,
        "stdout": captured.out,
        "answers": "\n".join(classic.bodies),
    }
    found = {
        name: (numbers_in(text), cvcs_in(text) if name != "database" else [])
        for name, text in sources.items()
    }
    assert found == {name: ([], []) for name in sources}
