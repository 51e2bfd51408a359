"""What the records say in the portal: payments by the sale's own date, how a sale paid outside was paid, refund reasons."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

LOG = """
mutation($i: LogTransactionInput!) { logTransaction(input: $i) { transaction { id } userErrors { code } } }
"""
CHARGE = """
mutation($i: ChargeNowInput!) {
  chargeNow(input: $i) { transaction { id status } userErrors { code } }
}"""
CARD = """
mutation($i: TokenizeCardInput!) { tokenizeCard(input: $i) { paymentMethod { id } userErrors { code } } }
"""


def line(description: str, price: str) -> list[dict[str, str]]:
    return [{"description": description, "unitPrice": price}]


async def test_payments_are_listed_by_the_sales_date_not_when_they_were_logged(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Frances", "Allen")
    charged = await portal.gql(CHARGE, i={"customerId": customer, "lines": line("Today's tune-up", "30.00")})
    assert charged["chargeNow"]["transaction"]["status"] == "PAID"
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat()
    # Logged after today's charge, but made a week ago: it belongs below it.
    await portal.gql(
        LOG,
        i={"customerId": customer, "lines": line("Fair stand sale", "12.00"), "transactionDate": week_ago},
    )

    await portal.open(f"/customers/{customer}")
    payments = portal.page.get_by_role("region", name="Payments")
    rows = payments.get_by_role("row")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(1)).to_contain_text("$30.00")
    await expect(rows.nth(2)).to_contain_text("$12.00")
    await expect(rows.nth(2)).to_contain_text("Logged")

    # The account's feed: every row's date is on or before the one above it.
    await portal.open("/transactions")
    feed = portal.page.get_by_role("table", name=re.compile("^Transactions"))
    await expect(feed).to_contain_text("Frances Allen")
    cells = await feed.locator("td.tx-c-date").all_inner_texts()
    days = [datetime.strptime(cell.strip(), "%b %d, %Y").date() for cell in cells]
    assert len(days) > 2
    assert days == sorted(days, reverse=True), cells


async def test_a_sale_marked_paid_says_how_and_hides_the_declined_attempts_result(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Barbara", "Liskov", number="4000000000000341")
    declined = await portal.gql(CHARGE, i={"customerId": customer, "lines": line("Workshop seat", "75.00")})
    assert declined["chargeNow"]["transaction"]["status"] == "DECLINED"
    await portal.open(f"/customers/{customer}")

    payments = portal.page.get_by_role("region", name="Payments")
    await payments.get_by_role("button", name=re.compile("^View")).first.click()
    drawer = portal.page.get_by_role("dialog", name="Transaction details")
    await expect(drawer).to_contain_text("The bank declined the card (generic decline)")
    await (
        drawer.get_by_role("group", name="Transaction actions")
        .get_by_role("button", name="Mark paid")
        .click()
    )
    confirm = portal.page.get_by_role("dialog", name="Mark payment as paid")
    await confirm.get_by_label("Paid with").select_option(label="Bank transfer")
    await confirm.get_by_label("Reference (optional)").fill("TRF-2201")
    await confirm.get_by_label("Payment note").fill("Paid after the card declined")
    await confirm.get_by_role("button", name="Confirm mark paid").click()

    await expect(confirm).to_have_count(0)
    overview = drawer.get_by_role("region", name="Overview")
    await expect(overview).to_contain_text("Marked paid outside paydesk")
    await expect(overview).to_contain_text("Bank transfer")
    await expect(overview).to_contain_text("TRF-2201")
    await expect(overview).to_contain_text("Paid after the card declined")
    await expect(overview).not_to_contain_text("Bad data")
    await expect(overview).not_to_contain_text("generic_decline")
    await expect(overview).to_contain_text("Card tried")
    await portal.screenshot("marked paid")
    await drawer.get_by_role("button", name="Close").first.click()
    await expect(payments).to_contain_text("Marked paid · Bank transfer")
    await expect(payments).not_to_contain_text("Mastercard")
    await expect(payments).not_to_contain_text("Visa")


async def test_log_a_cheque_with_its_number_then_refund_it_as_a_duplicate(portal: Portal) -> None:
    await portal.sign_in()
    customer = await portal.customer_with_card("Radia", "Perlman")
    await portal.open(f"/customers/{customer}")

    await portal.page.get_by_role("button", name="Log transaction / Charge").click()
    dialog = portal.page.get_by_role("dialog", name="Log transaction / Charge")
    await dialog.get_by_role("radio", name="Log transaction (don't charge card)").check()
    row = dialog.get_by_role("group", name="Line 1")
    await row.get_by_label("Description").fill("Club dues")
    await row.get_by_label(re.compile("^Unit price")).fill("40.00")
    await dialog.get_by_label("Paid with").select_option(label="Cheque")
    await dialog.get_by_label("Reference (optional)").fill("000417")
    await dialog.get_by_label("Payment note").fill("Posted by the treasurer")
    await dialog.get_by_role("button", name="Log $40.00").click()
    await expect(dialog).to_have_count(0)

    payments = portal.page.get_by_role("region", name="Payments")
    await expect(payments).to_contain_text("Logged · Cheque")
    await payments.get_by_role("button", name=re.compile("^View")).first.click()
    drawer = portal.page.get_by_role("dialog", name="Transaction details")
    overview = drawer.get_by_role("region", name="Overview")
    await expect(overview).to_contain_text("Cheque")
    await expect(overview).to_contain_text("000417")
    await expect(overview).to_contain_text("Posted by the treasurer")

    await drawer.get_by_role("group", name="Transaction actions").get_by_role("button", name="Refund").click()
    refund = portal.page.get_by_role("dialog", name="Refund payment")
    await refund.get_by_label("Reason code").select_option(label="Duplicate payment")
    await refund.get_by_label("Reason", exact=True).fill("Paid twice at the desk")
    await refund.get_by_role("button", name="Confirm refund").click()
    await expect(refund).to_have_count(0)
    refunds = drawer.get_by_role("region", name="Refunds")
    await expect(refunds).to_contain_text("Duplicate payment")
    await expect(refunds).to_contain_text("Paid twice at the desk")
    await portal.screenshot("refunded cheque")
