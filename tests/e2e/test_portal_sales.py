"""Sales from the customer page: charge a saved offer, log a sale made elsewhere, request a payment and pay it."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal, fill_hosted_card

pytestmark = pytest.mark.e2e


async def test_charge_a_saved_offer_with_the_default_card(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Mae", "Jemison")
    await portal.open(f"/customers/{customer}")

    await portal.page.get_by_role("button", name="Log transaction / Charge").click()
    dialog = portal.page.get_by_role("dialog", name="Log transaction / Charge")
    await dialog.get_by_label("Apply saved offer").select_option(label="Gear club and canoe plan (USD)")
    total = dialog.get_by_role("status", name="Sale total")
    await expect(total).to_contain_text("$109.99")
    await expect(dialog.get_by_role("radio", name=re.compile("^Default card: Visa"))).to_be_checked()
    await portal.screenshot("offer applied")
    await dialog.get_by_role("button", name="Charge $109.99").click()

    await expect(dialog).to_have_count(0)
    await expect(portal.page.get_by_role("status").filter(has_text="Charged $109.99")).to_be_visible()
    payments = portal.page.get_by_role("region", name="Payments")
    await expect(payments).to_contain_text("$109.99")
    await expect(payments).to_contain_text("Paid")
    plans = portal.page.get_by_role("region", name="Subscriptions and payment plans")
    await expect(plans).to_contain_text("Gear club membership")
    await expect(plans.get_by_text("Active")).to_have_count(2)


async def test_a_declined_card_keeps_the_dialog_open_for_another_try(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Sally", "Ride", number="4000000000009995")
    await portal.open(f"/customers/{customer}")

    await portal.page.get_by_role("button", name="Virtual terminal").click()
    dialog = portal.page.get_by_role("dialog", name="Virtual terminal")
    await dialog.get_by_label("Amount").fill("25.00")
    await dialog.get_by_role("radio", name=re.compile("^Default card")).check()
    await dialog.get_by_role("button", name="Charge $25.00").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("not enough funds")

    await dialog.get_by_role("radio", name="Enter a new card").check()
    await dialog.get_by_label("Card number").fill("4242424242424242")
    await dialog.get_by_label("Expiry month").fill("10")
    await dialog.get_by_label("Expiry year").fill("2032")
    await dialog.get_by_label("CVC").fill("555")
    await dialog.get_by_role("button", name="Charge $25.00").click()

    await expect(dialog).to_have_count(0)
    payments = portal.page.get_by_role("region", name="Payments")
    await expect(payments).to_contain_text("Declined")
    await expect(payments).to_contain_text("Paid")


async def test_log_a_sale_made_elsewhere(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Dorothy", "Vaughan")
    await portal.open(f"/customers/{customer}")

    await portal.page.get_by_role("button", name="Log transaction / Charge").click()
    dialog = portal.page.get_by_role("dialog", name="Log transaction / Charge")
    await dialog.get_by_role("radio", name="Log transaction (don't charge card)").check()
    line = dialog.get_by_role("group", name="Line 1")
    await line.get_by_label("Description").fill("Repair at the fair stand")
    await line.get_by_label("Quantity").fill("2")
    await line.get_by_label(re.compile("^Unit price")).fill("17.50")
    await expect(dialog.get_by_role("status", name="Sale total")).to_contain_text("$35.00")
    await dialog.get_by_role("button", name="Log $35.00").click()

    await expect(dialog).to_have_count(0)
    await expect(portal.page.get_by_role("status").filter(has_text="Logged $35.00")).to_be_visible()
    payments = portal.page.get_by_role("region", name="Payments")
    await expect(payments).to_contain_text("$35.00")
    await expect(payments).to_contain_text("Logged")


async def test_request_a_payment_and_pay_it_on_the_hosted_page(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Hedy", "Lamarr")
    await portal.open(f"/customers/{customer}")

    await portal.page.get_by_role("button", name="Request payment").click()
    dialog = portal.page.get_by_role("dialog", name="Request payment")
    await dialog.get_by_label("Amount").fill("42.50")
    await dialog.get_by_label("Description (optional)").fill("Kayak rental, two days")
    await dialog.get_by_role("button", name="Create payment request").click()
    link = dialog.get_by_label("Link", exact=True)
    await expect(link).to_have_value(re.compile(f"^{re.escape(portal.base)}/pay/"))
    url = await link.input_value()
    await dialog.get_by_role("button", name="Copy link").click()
    assert await portal.page.evaluate("navigator.clipboard.readText()") == url
    await portal.screenshot("request made")
    await dialog.get_by_role("button", name="Done").click()
    requests = portal.page.get_by_role("region", name="Payment requests")
    await expect(requests).to_contain_text("Open")

    payer = await portal.payer_tab(url)
    await expect(payer.get_by_role("cell", name="Kayak rental, two days")).to_be_visible()
    await payer.get_by_label("A new card").check()
    await fill_hosted_card(payer, "Hedy Lamarr", "5555 5555 5555 4444", "04", "2031", "123")
    await payer.get_by_role("button", name=re.compile("^Pay ")).click()
    await expect(payer.get_by_text("Thank you, your payment went through")).to_be_visible()
    await portal.screenshot("paid", page=payer)
    await payer.close()

    await portal.page.reload()
    requests = portal.page.get_by_role("region", name="Payment requests")
    await expect(requests).to_contain_text("Paid")
    payments = portal.page.get_by_role("region", name="Payments")
    await expect(payments).to_contain_text("$42.50")
