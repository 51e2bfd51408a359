"""After the sale, in the portal: a part refund from the transaction drawer, pausing and resuming a subscription."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

CHARGE = """
mutation($i: ChargeNowInput!) { chargeNow(input: $i) { transaction { id status } userErrors { code } } }
"""


async def charged_customer(portal: Portal, first: str, last: str, lines: list[dict[str, object]]) -> str:
    customer = await portal.customer_with_card(first, last)
    charged = await portal.gql(CHARGE, i={"customerId": customer, "lines": lines})
    assert charged["chargeNow"]["transaction"]["status"] == "PAID"
    return customer


async def test_refund_part_of_a_charge(portal: Portal) -> None:
    await portal.sign_in()
    customer = await charged_customer(
        portal, "Rosalind", "Franklin", [{"description": "Field microscope", "unitPrice": "80.00"}]
    )
    await portal.open(f"/customers/{customer}")

    payments = portal.page.get_by_role("region", name="Payments")
    await payments.get_by_role("button", name=re.compile("^View")).first.click()
    drawer = portal.page.get_by_role("dialog", name="Transaction details")
    await expect(drawer).to_contain_text("Field microscope")
    await drawer.get_by_role("group", name="Transaction actions").get_by_role("button", name="Refund").click()
    confirm = portal.page.get_by_role("dialog", name="Refund payment")
    await expect(confirm.get_by_label("Amount")).to_have_value("80.00")
    await confirm.get_by_label("Amount").fill("95.00")
    await confirm.get_by_role("button", name="Confirm refund").click()
    # Over the refundable amount: said at the field, nothing sent or refunded.
    await expect(confirm.get_by_label("Amount")).to_have_attribute("aria-invalid", "true")
    await confirm.get_by_label("Amount").fill("30.00")
    await confirm.get_by_label("Reason", exact=True).fill("One lens was scratched")
    await confirm.get_by_role("button", name="Confirm refund").click()

    await expect(confirm).to_have_count(0)
    await expect(drawer).to_contain_text("Refunded $30.00.")
    await expect(drawer).to_contain_text("Partially refunded")
    await expect(drawer).to_contain_text("One lens was scratched")
    await portal.screenshot("refunded")
    await drawer.get_by_role("button", name="Close").first.click()
    await expect(payments).to_contain_text("$30.00 refunded")
    await expect(payments).to_contain_text("Partially refunded")


async def test_pause_and_resume_a_subscription(portal: Portal) -> None:
    await portal.sign_in()
    club = {
        "description": "Gear club membership",
        "unitPrice": "9.99",
        "kind": "SUBSCRIPTION",
        "unit": "MONTH",
    }
    customer = await charged_customer(portal, "Jane", "Goodall", [club])
    await portal.open(f"/customers/{customer}")

    subscription = portal.page.get_by_role("article", name="Gear club membership")
    await expect(subscription).to_contain_text("Active")
    await subscription.get_by_role("button", name="Pause").click()
    pause = portal.page.get_by_role("dialog", name="Pause subscription")
    await expect(pause.get_by_role("radio", name="Until resumed")).to_be_checked()
    await pause.get_by_role("button", name="Confirm pause").click()

    await expect(pause).to_have_count(0)
    await expect(subscription).to_contain_text("Paused until resumed.")
    await expect(subscription).to_contain_text("Paused")
    await portal.screenshot("paused")

    await subscription.get_by_role("button", name="Resume").click()
    resume = portal.page.get_by_role("dialog", name="Resume subscription")
    await resume.get_by_role("button", name="Resume now").click()

    await expect(resume).to_have_count(0)
    await expect(subscription).to_contain_text(re.compile("Resumed"))
    await expect(subscription.get_by_role("button", name="Pause")).to_be_visible()
