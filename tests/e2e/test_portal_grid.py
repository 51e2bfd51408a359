"""The product grid and what a payment plan's first payment is called: in the grid, the drawer and the invoice."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

# Whether a select shows its chosen option whole: the option's text, in the select's font, fits inside
# the select less its arrow and padding.
FITS = """
(select) => {
  const style = getComputedStyle(select);
  const canvas = document.createElement('canvas').getContext('2d');
  canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = canvas.measureText(select.options[select.selectedIndex].text).width;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return text <= room;
}
"""


async def fits(select: Locator) -> bool:
    return bool(await select.evaluate(FITS))


@pytest.mark.parametrize("width", [1280, 375])
async def test_the_grid_shows_its_choices_whole_and_says_what_each_line_charges(
    portal: Portal, width: int
) -> None:
    await portal.page.set_viewport_size({"width": width, "height": 900})
    await portal.sign_in()
    customer = await portal.customer_with_card("Mary", "Jackson")
    await portal.open(f"/customers/{customer}")
    await portal.page.get_by_role("button", name="Log transaction / Charge").click()
    dialog = portal.page.get_by_role("dialog", name="Log transaction / Charge")

    one = dialog.get_by_role("group", name="Line 1")
    await one.get_by_label("Description").fill("Tent")
    await one.get_by_label("Quantity").fill("2")
    await one.get_by_label(re.compile("^Unit price")).fill("45.00")
    await expect(one.get_by_role("status", name="Line 1 total")).to_have_text("Line total $90.00")
    await dialog.get_by_role("button", name="Add line").click()
    two = dialog.get_by_role("group", name="Line 2")
    await two.get_by_label("Description").fill("Canoe plan")
    await two.get_by_label(re.compile("^Unit price")).fill("150.00")
    await two.get_by_label("Line type").select_option(label="Payment plan")
    await two.get_by_label("Number of payments").fill("6")
    await two.get_by_label(re.compile("^First payment")).fill("100.00")
    await expect(two.get_by_role("status", name="Line 2 total")).to_have_text(
        "Due now $100.00: payment 1 of 6, then 5 \u00d7 $150.00 every month"
    )
    assert await fits(two.get_by_label("Line type"))
    await one.get_by_label("Line type").select_option(label="Subscription")
    assert await fits(one.get_by_label("Line type"))
    await expect(one.get_by_role("status", name="Line 1 total")).to_have_text(
        "Due now $90.00, then $90.00 every month"
    )
    await portal.screenshot("grid")
    await dialog.get_by_role("button", name="Charge $190.00").click()
    await expect(dialog).to_have_count(0)

    payments = portal.page.get_by_role("region", name="Payments")
    await payments.get_by_role("button", name=re.compile("^View")).first.click()
    drawer = portal.page.get_by_role("dialog", name="Transaction details")
    lines = drawer.get_by_role("region", name="Lines")
    await expect(lines).to_contain_text("Payment plan: payment 1 of 6; then $150.00 every month")
    invoice_url = await drawer.get_by_role("link", name=re.compile("^Invoice INV-")).get_attribute("href")
    assert invoice_url is not None
    invoice = await portal.page.context.new_page()
    portal.watch(invoice)
    await invoice.goto(invoice_url)
    await expect(invoice.get_by_text("Payment 1 of 6, then $150.00 every month")).to_be_visible()
    await invoice.close()
