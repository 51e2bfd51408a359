"""The card request email: its words, its escaping, and a layout that needs nothing from the network."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jinja2
import pytest

from paydesk.notify.templates import long_date, render

URL = "https://pay.example.test/card/cl_s3cretT0ken"
EXPIRES = datetime(2025, 3, 14, 17, 30, tzinfo=UTC)


def card_request(**overrides: Any) -> tuple[str, str, str]:
    context: dict[str, Any] = {
        "merchant_name": "Acme Coffee",
        "customer_name": "Ada",
        "url": URL,
        "expires_at": EXPIRES,
        "takes_over_open_orders": True,
    }
    return render("card_request", **(context | overrides))


def test_the_text_reads_as_a_short_letter() -> None:
    subject, text, _ = card_request()

    assert subject == "Acme Coffee asks you to add a card"
    assert text == (
        "Hello Ada,\n"
        "\n"
        "Acme Coffee asks you to add a card to keep on file for your payments to them.\n"
        "\n"
        "Add your card here:\n"
        f"{URL}\n"
        "\n"
        "Your new card will also be used for your open subscriptions and payment plans with Acme Coffee.\n"
        "\n"
        "This link is for you only and works until 14 March 2025. You enter your card on a secure page; "
        "never send card details by email.\n"
        "\n"
        "If you did not expect this request, you can ignore this email.\n"
        "\n"
        "Thank you,\n"
        "Acme Coffee\n"
    )


def test_the_html_has_the_link_as_a_button_and_as_text() -> None:
    _, _, html = card_request()

    assert f'<a href="{URL}" target="_blank" style="display:inline-block;' in html
    assert ">Add your card</a>" in html
    assert f">{URL}</a>" in html
    assert '<p style="margin:0 0 16px;">Hello Ada,</p>' in html
    assert "open subscriptions and payment plans with Acme Coffee" in html
    assert "<strong>14 March 2025</strong>" in html


def test_without_a_name_the_greeting_has_none() -> None:
    _, text, html = card_request(customer_name=None)

    assert text.startswith("Hello,\n\nAcme Coffee asks")
    assert '<p style="margin:0 0 16px;">Hello,</p>' in html


def test_open_orders_are_mentioned_only_when_the_card_takes_them_over() -> None:
    _, text, html = card_request(takes_over_open_orders=False)

    assert "subscriptions" not in text
    assert "subscriptions" not in html
    assert "Add your card here:\n" + URL + "\n\nThis link is for you only" in text


def test_names_are_escaped_in_html_only() -> None:
    subject, text, html = card_request(merchant_name="Bob & <Sons>", customer_name='<b>"Ada"</b>')

    assert subject == "Bob & <Sons> asks you to add a card"
    assert text.startswith('Hello <b>"Ada"</b>,\n\nBob & <Sons> asks you')
    assert "Bob &amp; &lt;Sons&gt;" in html
    assert "&lt;b&gt;&#34;Ada&#34;&lt;/b&gt;" in html
    assert "<Sons>" not in html
    assert "<b>" not in html


def test_a_newline_in_a_name_cannot_break_the_subject_line() -> None:
    subject, _, _ = card_request(merchant_name="Acme\r\nBcc: x@evil.test")

    assert subject == "Acme Bcc: x@evil.test asks you to add a card"


def test_the_html_needs_nothing_from_the_network() -> None:
    _, _, html = card_request()

    # The button, and the plain link with its text: nothing else to fetch or follow.
    assert re.findall(r"https?://[^\"<\s]+", html) == [URL, URL, URL]
    for fetches in ("<img", "<script", "<link", "src=", "url(", "@import", "<style"):
        assert fetches not in html.lower()


def test_a_missing_value_is_an_error_not_a_blank() -> None:
    with pytest.raises(jinja2.UndefinedError, match="'url' is undefined"):
        render(
            "card_request",
            merchant_name="Acme",
            customer_name=None,
            expires_at=EXPIRES,
            takes_over_open_orders=False,
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 3, 14, 17, 30, tzinfo=UTC), "14 March 2025"),
        (datetime(2025, 1, 1), "1 January 2025"),
        # 01:00 on the 15th at UTC+2 is still the 14th in UTC.
        (datetime(2025, 3, 15, 1, 0, tzinfo=timezone(timedelta(hours=2))), "14 March 2025"),
        (datetime(2024, 12, 31, 23, 59, tzinfo=UTC), "31 December 2024"),
    ],
)
def test_dates_are_written_in_words(value: datetime, expected: str) -> None:
    assert long_date(value) == expected
