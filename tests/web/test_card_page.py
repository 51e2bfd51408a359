"""The card page at /card/{token}, end to end over HTTP: a payer's browser and the staff API."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from paydesk.clock import utcnow
from paydesk.web.security import CSRF_COOKIE, CSRF_FIELD, PAGE_CSP
from tests.helpers import Api, World
from tests.web.pages import Payer, cards, expire, field_errors, inputs, link_state, new_link, revoke

NEXT_YEAR = str(utcnow().year + 1)
BAD_ATTEMPTS = (
    {"number": "4242424242424241"},  # fails the Luhn check
    {"exp_month": "01", "exp_year": str(utcnow().year - 1)},  # expired
    {"cvc": "12"},  # too short
    {"exp_month": "13"},
    {"number": "4242 4242 4242"},  # too short
)


def assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert set(response.headers.get_list("referrer-policy")) == {"no-referrer"}
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def assert_self_contained(html: str) -> None:
    assert "<script" not in html.lower()
    assert re.findall(r'(?:src|href|action)="(?:https?:)?//', html) == []


async def test_form_shows_merchant_customer_and_card_fields(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)

    response = await payer.get(link.path)

    assert response.status_code == 200
    html = response.text
    assert "<h1>Account alpha</h1>" in html
    assert "Add a card for Cus" in html
    assert "open subscriptions" not in html
    fields = inputs(html)
    assert fields["number"]["autocomplete"] == "cc-number"
    assert fields["number"]["inputmode"] == "numeric"
    assert "value" not in fields["number"]
    assert fields["exp_month"]["autocomplete"] == "cc-exp-month"
    assert fields["exp_year"]["autocomplete"] == "cc-exp-year"
    assert fields["cvc"]["autocomplete"] == "cc-csc"
    assert fields["name"]["autocomplete"] == "cc-name"
    assert fields[CSRF_FIELD]["type"] == "hidden"
    assert '<button type="submit">Save card</button>' in html
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}={fields[CSRF_FIELD]['value']};")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert f"Path={link.path}" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http:// in tests
    assert_page_headers(response)
    assert_self_contained(html)


async def test_form_says_when_the_card_takes_over_open_orders(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world, takes_over=True)

    response = await payer.get(link.path)

    assert response.status_code == 200
    assert (
        "This card will also be used for your open subscriptions and payment plans with Account alpha."
        in response.text
    )


async def test_good_card_is_put_on_file_and_the_link_is_used(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)

    response = await payer.send_card(link.path, number="4242 4242 4242 4242", exp_year=NEXT_YEAR)

    assert response.status_code == 200, response.text
    assert "Card ending in 4242 is on file with Account alpha." in response.text
    assert_page_headers(response)
    assert_self_contained(response.text)
    on_file = await cards(api, world)
    assert [{k: v for k, v in card.items() if k != "id"} for card in on_file] == [
        {
            "brand": "visa",
            "last4": "4242",
            "expMonth": 12,
            "expYear": int(NEXT_YEAR),
            "nameOnCard": "Ada Lovelace",
            "isDefault": True,
        }
    ]
    state = await link_state(api, world, link)
    assert state["status"] == "USED"
    assert state["usedAt"] is not None
    assert state["failedAttempts"] == 0
    assert state["paymentMethod"] == {"id": on_file[0]["id"], "last4": "4242"}


async def test_a_declining_card_is_still_kept(api: Api, world: World, payer: Payer) -> None:
    # The sandbox declines 4000000000000002 when it is charged, not when it is kept.
    link = await new_link(api, world)

    response = await payer.send_card(link.path, number="4000000000000002")

    assert response.status_code == 200
    assert "Card ending in 0002 is on file with Account alpha." in response.text


async def test_invalid_number_is_shown_at_its_field_and_never_echoed(
    api: Api, world: World, payer: Payer
) -> None:
    link = await new_link(api, world)

    response = await payer.send_card(link.path, number="4242424242424241", exp_month="07", exp_year=NEXT_YEAR)

    assert response.status_code == 422
    assert field_errors(response.text) == {"number": "This card number is not valid."}
    fields = inputs(response.text)
    assert "value" not in fields["number"]
    assert "value" not in fields["cvc"]
    assert fields["name"]["value"] == "Ada Lovelace"
    assert fields["exp_month"]["value"] == "07"
    assert fields["exp_year"]["value"] == NEXT_YEAR
    assert fields["number"]["aria-invalid"] == "true"
    assert fields["number"]["aria-describedby"] == "number-error"
    assert_page_headers(response)
    assert_self_contained(response.text)
    assert await link_state(api, world, link) | {"usedAt": None} == {
        "status": "ACTIVE",
        "failedAttempts": 1,
        "usedAt": None,
        "paymentMethod": None,
    }
    assert await cards(api, world) == []


async def test_expired_card_bad_cvc_and_bad_month_show_at_their_fields(
    api: Api, world: World, payer: Payer
) -> None:
    link = await new_link(api, world)
    last_year = str(utcnow().year - 1)

    expired = await payer.send_card(link.path, exp_month="01", exp_year=last_year)
    short_cvc = await payer.send_card(link.path, cvc="12")
    no_month = await payer.send_card(link.path, exp_month="ab")

    assert expired.status_code == short_cvc.status_code == no_month.status_code == 422
    assert field_errors(expired.text) == {"exp_year": "This card has expired."}
    assert field_errors(short_cvc.text) == {"cvc": "The security code has 3 digits."}
    assert field_errors(no_month.text) == {"exp_month": "The expiry month must be 1 to 12."}
    assert inputs(no_month.text)["exp_month"]["value"] == "ab"
    assert (await link_state(api, world, link))["failedAttempts"] == 3


async def test_missing_cvc_is_asked_for_without_counting_an_attempt(
    api: Api, world: World, payer: Payer
) -> None:
    link = await new_link(api, world)

    response = await payer.send_card(link.path, cvc="", number="4242424242424241")

    assert response.status_code == 422
    assert field_errors(response.text) == {
        "number": "This card number is not valid.",
        "cvc": "Enter the security code from the back of the card.",
    }
    assert (await link_state(api, world, link))["failedAttempts"] == 0


async def test_five_failures_lock_the_link_and_a_good_card_is_then_refused(
    api: Api, world: World, payer: Payer
) -> None:
    link = await new_link(api, world)

    responses = [await payer.send_card(link.path, **bad) for bad in BAD_ATTEMPTS]
    token = inputs(responses[-2].text)[CSRF_FIELD]["value"]
    good = {"number": "4242424242424242", "exp_month": "12", "exp_year": NEXT_YEAR, "cvc": "123"}
    sixth = await payer.post(link.path, good | {CSRF_FIELD: token})

    assert [r.status_code for r in responses] == [422, 422, 422, 422, 410]
    assert "locks after 2 more unsuccessful tries" in responses[2].text
    assert "locks after 1 more unsuccessful try" in responses[3].text
    assert "This link is locked" in responses[4].text
    assert sixth.status_code == 410
    assert "This link is locked" in sixth.text
    assert "No card was saved." in sixth.text
    assert_page_headers(sixth)
    state = await link_state(api, world, link)
    assert (state["status"], state["failedAttempts"]) == ("LOCKED", 5)
    assert await cards(api, world) == []
    assert (await payer.get(link.path)).status_code == 410


async def test_missing_or_wrong_csrf_token_is_refused_and_not_counted(
    api: Api, world: World, payer: Payer
) -> None:
    link = await new_link(api, world)
    await payer.open_form(link.path)
    card = {"number": "4242424242424242", "exp_month": "12", "exp_year": NEXT_YEAR, "cvc": "123"}

    missing = await payer.post(link.path, card)
    wrong = await payer.post(link.path, card | {CSRF_FIELD: "x" * 43})
    payer.client.cookies.clear()
    no_cookie = await payer.post(link.path, card | {CSRF_FIELD: "x" * 43})

    for response in (missing, wrong, no_cookie):
        assert response.status_code == 403
        assert "Reload the page and try again." in response.text
        assert f'href="{link.path}"' in response.text
        assert_page_headers(response)
        assert_self_contained(response.text)
    state = await link_state(api, world, link)
    assert (state["status"], state["failedAttempts"]) == ("ACTIVE", 0)
    assert await cards(api, world) == []
    assert (await payer.send_card(link.path)).status_code == 200


async def test_csrf_token_is_kept_across_reloads(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)

    first = await payer.open_form(link.path)
    second = await payer.open_form(link.path)

    assert first == second


async def test_expired_link_is_gone(app: Starlette, api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)
    token = await payer.open_form(link.path)
    await expire(app, link)

    shown = await payer.get(link.path)
    posted = await payer.post(link.path, {"number": "4242424242424242", CSRF_FIELD: token})

    for response in (shown, posted):
        assert response.status_code == 410
        assert "This link has expired" in response.text
        assert "Ask Account alpha to send you a new one." in response.text
        assert "set-cookie" not in response.headers
        assert_page_headers(response)
        assert_self_contained(response.text)
    assert (await link_state(api, world, link))["failedAttempts"] == 0
    assert await cards(api, world) == []


async def test_used_link_is_gone(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)
    token = await payer.open_form(link.path)
    assert (await payer.send_card(link.path)).status_code == 200

    again = await payer.post(link.path, {"number": "5555555555554444", CSRF_FIELD: token})
    shown = await payer.get(link.path)

    for response in (again, shown):
        assert response.status_code == 410
        assert "This link has been used" in response.text
    assert [card["last4"] for card in await cards(api, world)] == ["4242"]


async def test_revoked_link_is_gone(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)
    token = await payer.open_form(link.path)
    await revoke(api, world, link)

    shown = await payer.get(link.path)
    posted = await payer.post(link.path, {"number": "4242424242424242", CSRF_FIELD: token})

    for response in (shown, posted):
        assert response.status_code == 410
        assert "This link is no longer valid" in response.text
        assert "Account alpha cancelled this link." in response.text
    assert await cards(api, world) == []


async def test_unknown_token_is_not_found(payer: Payer) -> None:
    for path in ("/card/" + "A" * 43, "/card/short", "/card/%3Cscript%3E"):
        shown = await payer.get(path)
        posted = await payer.post(path, {"number": "4242424242424242"})

        for response in (shown, posted):
            assert response.status_code == 404
            assert "Link not found" in response.text
            assert "Account alpha" not in response.text
            assert_page_headers(response)
            assert_self_contained(response.text)


async def test_the_stylesheet_is_served_from_the_app(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)
    html = (await payer.get(link.path)).text
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)

    response = await payer.get(hrefs[0])

    assert hrefs[0].startswith("/pages/static/pages.css?v=")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "font-family: system-ui" in response.text


async def test_an_oversized_form_is_refused_without_an_attempt(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)

    response = await payer.send_card(link.path, name="x" * 5000)

    assert response.status_code == 400
    assert "nothing was sent" in response.text
    assert_page_headers(response)
    assert (await link_state(api, world, link))["failedAttempts"] == 0
