"""A staff member keeps a customer's record in the portal: create, address, comment, cards, card requests."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal, fill_hosted_card

pytestmark = pytest.mark.e2e


async def create_customer(portal: Portal, first: str, last: str, email: str) -> str:
    """Creates a customer through the New customer dialog; returns the customer page's path."""
    await portal.open("/customers")
    await portal.page.get_by_role("button", name="New customer").click()
    dialog = portal.page.get_by_role("dialog", name="New customer")
    await dialog.get_by_label("First name").fill(first)
    await dialog.get_by_label("Last name").fill(last)
    await dialog.get_by_label("Email").fill(email)
    await dialog.get_by_role("button", name="Create customer").click()
    await expect(portal.page.get_by_role("heading", level=1)).to_have_text(f"{first} {last}")
    return portal.page.url.removeprefix(portal.base)


async def test_create_a_customer_and_find_them_by_search(portal: Portal) -> None:
    await portal.sign_in()
    path = await create_customer(portal, "Grace", "Hopper", "grace@navy.test")
    assert path.startswith("/customers/cus_")
    await portal.screenshot("created")

    await portal.open("/customers")
    await portal.page.get_by_label("Search customers").fill("hopper")

    rows = portal.page.get_by_role("row").filter(has_text="grace@navy.test")
    await expect(rows).to_have_count(1)
    await expect(portal.page).to_have_url(f"{portal.base}/customers?q=hopper")
    await rows.get_by_role("link", name="Grace Hopper").click()
    await expect(portal.page).to_have_url(f"{portal.base}{path}")


async def test_add_an_address_and_a_comment(portal: Portal) -> None:
    await portal.sign_in()
    await create_customer(portal, "Emmy", "Noether", "emmy@erlangen.test")

    await portal.page.get_by_role("button", name="Add address").click()
    dialog = portal.page.get_by_role("dialog", name="Add address")
    await dialog.get_by_label("Address line 1").fill("12 St James's Square")
    await dialog.get_by_label("City").fill("London")
    await dialog.get_by_label("Postal code").fill("SW1Y 4JH")
    await dialog.get_by_label("Country").fill("ZZ")
    await dialog.get_by_role("button", name="Save address").click()
    # An unknown country is the API's userError, shown at the field; the dialog stays open.
    await expect(dialog.get_by_label("Country")).to_have_attribute("aria-invalid", "true")
    await dialog.get_by_label("Country").fill("GB")
    await dialog.get_by_role("button", name="Save address").click()
    await expect(dialog).to_have_count(0)
    addresses = portal.page.get_by_role("region", name="Addresses")
    await expect(addresses).to_contain_text("12 St James's Square")
    await expect(addresses).to_contain_text("London")

    comments = portal.page.get_by_role("region", name="Comments")
    await comments.get_by_label("Comment").fill("Prefers invoices by email.")
    await comments.get_by_role("button", name="Add comment").click()
    await expect(comments).to_contain_text("Prefers invoices by email.")
    await expect(comments.get_by_label("Comment")).to_have_value("")
    await portal.screenshot("address and comment")


async def test_add_a_card_after_an_expired_one_is_refused(portal: Portal) -> None:
    await portal.sign_in()
    await create_customer(portal, "Alan", "Turing", "alan@bletchley.test")

    await portal.page.get_by_role("button", name="Add card").first.click()
    dialog = portal.page.get_by_role("dialog", name="Add card")
    await dialog.get_by_label("Card number").fill("4242 4242 4242 4242")
    await dialog.get_by_label("Expiry month").fill("01")
    await dialog.get_by_label("Expiry year").fill("2020")
    await dialog.get_by_label("CVC").fill("123")
    await dialog.get_by_role("button", name="Save card").click()
    await expect(dialog.get_by_label("Expiry year")).to_have_attribute("aria-invalid", "true")

    await dialog.get_by_label("Expiry year").fill("2031")
    await dialog.get_by_role("button", name="Save card").click()
    await expect(dialog).to_have_count(0)
    cards = portal.page.get_by_role("region", name="Payment methods")
    await expect(cards).to_contain_text("4242")
    await expect(cards).to_contain_text("Default")
    await portal.screenshot("card on file")
    # The card number was typed into the page only: it is nowhere in what the page now shows.
    assert "4242424242424242" not in (await portal.page.content()).replace(" ", "")


async def test_request_card_details_and_the_customer_completes_the_card_page(portal: Portal) -> None:
    await portal.sign_in()
    await create_customer(portal, "Katherine", "Johnson", "katherine@nasa.test")

    await portal.page.get_by_role("button", name="Request card details").first.click()
    dialog = portal.page.get_by_role("dialog", name="Request card details")
    await dialog.get_by_role("button", name="Create link").click()
    link = dialog.get_by_label("Link", exact=True)
    await expect(link).to_have_value(re.compile(f"^{re.escape(portal.base)}/card/"))
    url = await link.input_value()
    assert url.startswith(f"{portal.base}/card/")
    await dialog.get_by_role("button", name="Copy link").click()
    assert await portal.page.evaluate("navigator.clipboard.readText()") == url
    await dialog.get_by_role("button", name="Done").click()
    await portal.screenshot("link made")

    payer = await portal.payer_tab(url)
    await fill_hosted_card(payer, "Katherine Johnson", "5555 5555 5555 4444", "12", "2030", "321")
    await payer.get_by_role("button", name="Save card").click()
    await expect(payer.get_by_text("Your card is saved")).to_be_visible()
    await portal.screenshot("card page done", page=payer)
    await payer.close()

    await portal.page.reload()
    cards = portal.page.get_by_role("region", name="Payment methods")
    await expect(cards).to_contain_text("4444")
    links = portal.page.get_by_role("region", name="Card-request links")
    await expect(links).to_contain_text("Used")
