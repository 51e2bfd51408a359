"""The hosted pay page in Debian's Chromium as payers meet it: at desktop and phone width, and with JavaScript off.

The request is made through the API as staff would; the payer's own browser
context (no session, its own viewport, JavaScript on or off) pays it. What
was charged is read back through the API: the request's sale and its total.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.portal import Portal, fill_hosted_card

pytestmark = pytest.mark.e2e

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
REQUEST = """
mutation($i: CreatePaymentRequestInput!) {
  createPaymentRequest(input: $i) { paymentRequest { id url } userErrors { code message } }
}"""
PAID = "query($id: ID!) { paymentRequest(id: $id) { status transaction { total { minorUnits } } } }"
COUPON = "mutation($i: CreateCouponInput!) { createCoupon(input: $i) { userErrors { code message } } }"


@dataclass(frozen=True)
class Way:
    """How the payer's browser meets the page."""

    width: int
    javascript: bool


WAYS = [
    pytest.param(Way(1280, True), id="desktop"),
    pytest.param(Way(375, True), id="phone"),
    pytest.param(Way(1280, False), id="no-js"),
]


@pytest.fixture(params=WAYS)
async def payer(request: pytest.FixtureRequest, browser: Browser, portal: Portal) -> AsyncIterator[Page]:
    """A payer's own browser context, watched by the portal tab's checks."""
    way: Way = request.param
    context = await browser.new_context(
        viewport={"width": way.width, "height": 900}, java_script_enabled=way.javascript
    )
    page = await context.new_page()
    page.set_default_timeout(15_000)
    portal.watch(page, hosted=True)
    try:
        yield page
        await portal.screenshot("payer", page=page)
        if way.javascript:
            assert await page.evaluate(OVERFLOW) <= 0, "the page is wider than the screen"
    finally:
        await context.close()


async def request_payment(portal: Portal, customer: str, amount: str, **extra: Any) -> tuple[str, str]:
    """(id, url) of a new payment request for the customer."""
    data = await portal.gql(
        REQUEST, i={"customerId": customer, "amount": {"amount": amount, "currency": "USD"}, **extra}
    )
    made = data["createPaymentRequest"]
    assert made["userErrors"] == [], made
    return str(made["paymentRequest"]["id"]), str(made["paymentRequest"]["url"])


async def charged(portal: Portal, request_id: str) -> tuple[str, int | None]:
    """The request's status and what its sale charged (minor units), as staff see them."""
    found = (await portal.gql(PAID, id=request_id))["paymentRequest"]
    sale = found["transaction"]
    return str(found["status"]), (int(sale["total"]["minorUnits"]) if sale else None)


async def staff_with_mastercard(portal: Portal, first: str) -> str:
    await portal.sign_in_api()
    return await portal.customer_with_card(first, "Payer", number="5555555555554444")


def pay_button(page: Page) -> Any:
    return page.get_by_role("button", name=re.compile(r"^Pay "))


async def test_a_payer_pays_with_the_preselected_saved_card(portal: Portal, payer: Page) -> None:
    customer = await staff_with_mastercard(portal, "Grace")
    request_id, url = await request_payment(portal, customer, "42.00")

    await payer.goto(url)
    await expect(payer.get_by_label("Mastercard ending in 4444")).to_be_checked()
    await expect(pay_button(payer)).to_have_count(1)
    await pay_button(payer).click()

    await expect(payer.get_by_text("Thank you, your payment went through")).to_be_visible()
    assert await charged(portal, request_id) == ("PAID", 4200)


async def test_a_wrong_coupon_applied_then_pay_pays_the_undiscounted_total(
    portal: Portal, payer: Page
) -> None:
    customer = await staff_with_mastercard(portal, "Katherine")
    request_id, url = await request_payment(portal, customer, "50.00", allowCoupon=True)

    await payer.goto(url)
    await payer.get_by_label("Coupon code").fill("NOSUCH")
    await payer.get_by_role("button", name="Apply").click()
    coupon = payer.get_by_label("Coupon code")
    await expect(payer.locator("#coupon_code-error")).to_contain_text("NOSUCH")
    await expect(coupon).to_have_value("")
    await expect(payer.get_by_label("Mastercard ending in 4444")).to_be_checked()
    await portal.screenshot("wrong code", page=payer)
    assert await charged(portal, request_id) == ("OPEN", None)
    await payer.get_by_role("button", name="Pay $50.00").click()

    await expect(payer.get_by_text("Thank you, your payment went through")).to_be_visible()
    assert await charged(portal, request_id) == ("PAID", 5000)


async def test_a_code_typed_but_not_applied_is_applied_first_and_nothing_is_charged(
    portal: Portal, payer: Page
) -> None:
    customer = await staff_with_mastercard(portal, "Annie")
    code = f"TEN{customer[-6:]}".upper().replace("-", "X").replace("_", "X")
    made = await portal.gql(COUPON, i={"code": code, "percentOff": "10"})
    assert made["createCoupon"]["userErrors"] == []
    request_id, url = await request_payment(portal, customer, "50.00", allowCoupon=True)

    # A wrong code typed and Pay pressed at once: nothing is charged, the error is at the field.
    await payer.goto(url)
    await payer.get_by_label("A new card").check()
    await payer.get_by_label("Name on card").fill("Annie Easley")
    await payer.get_by_label("Coupon code").fill("WRONG1")
    await pay_button(payer).click()
    await expect(payer.locator("#coupon_code-error")).to_contain_text("WRONG1")
    await expect(payer.get_by_label("Coupon code")).to_have_value("")
    await expect(payer.get_by_label("A new card")).to_be_checked()
    await expect(payer.get_by_label("Name on card")).to_have_value("Annie Easley")
    assert await charged(portal, request_id) == ("OPEN", None)

    # A good code typed and Pay pressed: applied, the new total shown, still nothing charged.
    await payer.get_by_label("Coupon code").fill(code)
    await pay_button(payer).click()
    await expect(payer.get_by_role("status")).to_contain_text("the total is now $45.00")
    await expect(payer.get_by_role("button", name="Pay $45.00")).to_be_visible()
    await expect(payer.get_by_label("A new card")).to_be_checked()
    assert await charged(portal, request_id) == ("OPEN", None)

    # The next Pay pays the total the button shows, with the new card.
    await fill_hosted_card(payer, "Annie Easley", "4242 4242 4242 4242", "09", "2032", "321")
    await payer.get_by_role("button", name="Pay $45.00").click()
    await expect(payer.get_by_text("Thank you, your payment went through")).to_be_visible()
    assert await charged(portal, request_id) == ("PAID", 4500)
