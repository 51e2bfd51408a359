"""The transaction and recovery: a transaction's own page, past-due recovery with "Retry now", one decline message."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

CHARGE = """
mutation($i: ChargeNowInput!) { chargeNow(input: $i) { transaction { id status } userErrors { code } } }
"""
CARD = """
mutation($i: TokenizeCardInput!) { tokenizeCard(input: $i) { paymentMethod { id } userErrors { code } } }
"""
ORDERS = "query($id: ID!) { customer(id: $id) { subscriptions { id dunning { attempts } } } }"
UPDATE = """
mutation($i: UpdateSubscriptionInput!) { updateSubscription(input: $i) { userErrors { code message } } }
"""
ZONE = "{ viewer { account { timezone } } }"
API_KEY = """
mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { appId } secret userErrors { code } } }
"""
CLUB = {"description": "Gear club membership", "unitPrice": "9.99", "kind": "SUBSCRIPTION", "unit": "MONTH"}


async def card_on_file(portal: Portal, customer: str, number: str) -> str:
    card = {"number": number, "expMonth": 12, "expYear": 2031, "cvc": "123"}
    made = await portal.gql(CARD, i={"customerId": customer, "card": card, "makeDefault": False})
    return str(made["tokenizeCard"]["paymentMethod"]["id"])


async def order_in_dunning(portal: Portal, first: str, last: str) -> str:
    """A customer whose club subscription declined today on a card that always declines; their id."""
    customer = await portal.customer_with_card(first, last)
    charged = await portal.gql(CHARGE, i={"customerId": customer, "lines": [CLUB]})
    assert charged["chargeNow"]["transaction"]["status"] == "PAID"
    (order,) = (await portal.gql(ORDERS, id=customer))["customer"]["subscriptions"]
    bad = await card_on_file(portal, customer, "4000000000000341")
    zone = (await portal.gql(ZONE))["viewer"]["account"]["timezone"]
    today = datetime.now(ZoneInfo(zone)).date().isoformat()
    moved = await portal.gql(
        UPDATE, i={"subscriptionId": order["id"], "paymentMethodId": bad, "nextChargeDate": today}
    )
    assert moved["updateSubscription"]["userErrors"] == []
    for _ in range(60):  # the server's runner passes every second
        (order,) = (await portal.gql(ORDERS, id=customer))["customer"]["subscriptions"]
        if order["dunning"]:
            return customer
        await asyncio.sleep(0.5)
    raise AssertionError("the runner never charged the installment")


async def test_a_transaction_has_its_own_page_that_survives_a_reload(portal: Portal) -> None:
    await portal.sign_in()
    made = await portal.gql(API_KEY, i={"role": "REP"})
    key = made["createApiKey"]
    customer = await portal.customer_with_card("Katherine", "Johnson", number="4000000000000002")
    # A partner's integration charges the card, which the bank declines.
    response = await portal.page.request.post(
        f"{portal.base}/graphql",
        headers={"Api-Appid": key["apiKey"]["appId"], "Api-Key": key["secret"]},
        data={
            "query": CHARGE,
            "variables": {
                "i": {"customerId": customer, "lines": [{"description": "Globe", "unitPrice": "64.00"}]}
            },
        },
    )
    sale: dict[str, Any] = (await response.json())["data"]["chargeNow"]["transaction"]
    assert sale["status"] == "DECLINED"
    await portal.open(f"/customers/{customer}")
    await (
        portal.page.get_by_role("region", name="Payments")
        .get_by_role("button", name=re.compile("^View"))
        .first.click()
    )
    await (
        portal.page.get_by_role("dialog", name="Transaction details")
        .get_by_role("link", name="Open as a page")
        .click()
    )

    await expect(portal.page).to_have_url(f"{portal.base}/transactions/{sale['id']}")
    await portal.page.reload()
    heading = portal.page.get_by_role("heading", level=1)
    await expect(heading).to_have_text("$64.00 · Declined")
    overview = portal.page.get_by_role("region", name="Overview")
    await expect(overview).to_contain_text("The bank declined the card (generic decline)")
    await expect(overview).not_to_contain_text("Bad data")
    await expect(overview.get_by_role("link", name="Katherine Johnson")).to_have_attribute(
        "href", f"/customers/{customer}"
    )
    events = portal.page.get_by_role("region", name="Events")
    await expect(events).to_contain_text(f"API key {key['apiKey']['appId']}")
    await expect(events).not_to_contain_text("System or API key")
    await portal.screenshot("transaction page")

    await portal.open("/transactions/txn_0000000000000000000000")
    await expect(portal.page.get_by_role("heading", name="Not found")).to_be_visible()


async def test_a_past_due_customer_is_flagged_retried_and_recovered_by_a_new_card(portal: Portal) -> None:
    await portal.sign_in()
    customer = await order_in_dunning(portal, "Dorothy", "Hodgkin")
    good = await card_on_file(portal, customer, "5555555555554444")

    await portal.page.get_by_label("Search customers").fill("dorothy@example.test")
    row = portal.page.get_by_role("row").filter(has_text="Dorothy Hodgkin")
    await expect(row).to_contain_text("Past due")

    await portal.open(f"/customers/{customer}")
    club = portal.page.get_by_role("article", name="Gear club membership")
    await expect(club).to_contain_text("Payment failed: 1 attempt")
    await club.get_by_role("button", name="Retry now").click()
    await expect(club).to_contain_text("Retried: declined again")
    await expect(club).to_contain_text("Payment failed: 2 attempts")
    await portal.screenshot("retried")

    # A new default card takes the order over: the banner follows without a reload.
    cards = portal.page.get_by_role("region", name="Payment methods")
    await cards.get_by_role("button", name="Set as default: Mastercard ending 4444").click()
    await expect(club).not_to_contain_text("Payment failed")
    await expect(club).to_contain_text("Active")
    await expect(club).to_contain_text("Mastercard")
    assert good.startswith("pm_")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    "which",
    [pytest.param("Virtual terminal", id="terminal"), pytest.param("Log transaction / Charge", id="sale")],
)
async def test_a_decline_in_the_charge_dialog_is_one_short_message_above_the_cards(
    portal: Portal, width: int, which: str
) -> None:
    await portal.page.set_viewport_size({"width": width, "height": 700})
    await portal.sign_in()
    customer = await portal.customer_with_card("Sally", "Ride", number="4000000000009995")
    await portal.open(f"/customers/{customer}")
    await portal.page.get_by_role("button", name=which).click()
    dialog = portal.page.get_by_role("dialog", name=which)
    if which == "Virtual terminal":
        await dialog.get_by_label("Amount").fill("25.00")
    else:
        line = dialog.get_by_role("group", name="Line 1")
        await line.get_by_label("Description").fill("Headlamp")
        await line.get_by_label(re.compile("^Unit price")).fill("25.00")
    await dialog.get_by_role("radio", name=re.compile("^Default card")).check()
    await dialog.get_by_role("button", name="Charge $25.00").click()

    alert = dialog.get_by_role("alert")
    await expect(alert).to_have_count(1)
    await expect(alert).to_have_text(
        "Declined: there are not enough funds on the card. Nothing was charged; try another card."
    )
    await expect(alert).to_be_in_viewport()
    # Above the card choice, so the next card is picked right below it (both measured at one moment:
    # the dialog may still be scrolling the message into view).
    above = await alert.evaluate(
        """(alert) => {
            const radio = [...alert.ownerDocument.querySelectorAll('input[type=radio]')]
                .find((input) => input.labels?.[0]?.textContent?.includes('Enter a new card'));
            return alert.getBoundingClientRect().bottom <= radio.getBoundingClientRect().top;
        }"""
    )
    assert above
    await portal.screenshot("decline")
