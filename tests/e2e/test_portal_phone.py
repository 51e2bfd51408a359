"""The portal at phone width (375 px): nothing wider than the screen, every action still reachable."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


async def test_customers_and_a_customer_fit_a_phone(portal: Portal) -> None:
    await portal.page.set_viewport_size({"width": 375, "height": 812})
    await portal.sign_in()
    await expect(portal.page.get_by_role("heading", name="Customers")).to_be_visible()
    assert await portal.page.evaluate(OVERFLOW) <= 0
    await portal.screenshot("customers")

    # The demo's Ada, whatever other tests added.
    await portal.page.get_by_label("Search customers").fill("ada@example.com")
    ada = portal.page.get_by_role("link", name="Ada Lovelace")
    await expect(ada).to_have_count(1)
    await ada.click()
    await expect(portal.page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    await expect(portal.page.get_by_role("region", name="Payments")).to_contain_text("Paid")
    assert await portal.page.evaluate(OVERFLOW) <= 0
    await portal.screenshot("customer")

    charge = portal.page.get_by_role("button", name="Log transaction / Charge")
    await charge.focus()
    await portal.page.keyboard.press("Enter")
    dialog = portal.page.get_by_role("dialog", name="Log transaction / Charge")
    await expect(dialog.get_by_role("status", name="Sale total")).to_be_visible()
    box = await dialog.bounding_box()
    assert box is not None
    assert box["width"] <= 375
    await portal.screenshot("charge dialog")
    await portal.page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
