"""A VIEWER reads everything of the account in the portal and is offered no action at all."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

VIEWER_EMAIL = "viewer@demo.paydesk.test"
VIEWER_PASSWORD = "viewer-password-1"

# Every action the customer page, its drawer and its subscriptions offer to staff who may act.
ACTIONS = [
    "Log transaction / Charge",
    "Request payment",
    "Virtual terminal",
    "Create coupon",
    "Edit details",
    "Add card",
    "Request card details",
    "Add address",
    "Add comment",
    "Pause",
    "Resume",
    "Change card",
    "Cancel subscription",
    "Move next charge date",
    "Refund",
    "Void",
    "Write off",
    "Mark paid",
    "Resend invoice",
]


async def test_a_viewer_sees_the_customer_and_no_action_buttons(portal: Portal) -> None:
    await portal.sign_in()
    made = await portal.gql(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { userErrors { code } } }",
        i={"email": VIEWER_EMAIL, "password": VIEWER_PASSWORD, "role": "VIEWER"},
    )
    assert made["createUser"]["userErrors"] == []
    # The demo's Ada (other tests may add customers of the same name).
    found = await portal.gql('{ customers(first: 1, search: "ada@example.com") { edges { node { id } } } }')
    ada = found["customers"]["edges"][0]["node"]["id"]
    await portal.page.get_by_label("Signed in").get_by_role("button", name="Sign out").click()

    await portal.sign_in(VIEWER_EMAIL, VIEWER_PASSWORD)
    await expect(portal.page.get_by_label("Signed in")).to_contain_text("Viewer")
    await expect(portal.page.get_by_role("button", name="New customer")).to_have_count(0)
    await expect(portal.page.get_by_role("link", name="Settings")).to_have_count(0)

    await portal.open(f"/customers/{ada}")
    await expect(portal.page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    payments = portal.page.get_by_role("region", name="Payments")
    await expect(payments).to_contain_text("Paid")
    await expect(portal.page.get_by_role("region", name="Subscriptions and payment plans")).to_contain_text(
        "Gear club membership"
    )
    for name in ACTIONS:
        await expect(portal.page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    await expect(portal.page.get_by_label("Comment", exact=True)).to_have_count(0)

    await payments.get_by_role("button", name=re.compile("^View")).first.click()
    drawer = portal.page.get_by_role("dialog", name="Transaction details")
    await expect(drawer).to_be_visible()
    await expect(drawer.get_by_role("group", name="Transaction actions")).to_have_count(0)
    for name in ACTIONS:
        await expect(drawer.get_by_role("button", name=name, exact=True)).to_have_count(0)
    await portal.screenshot("viewer drawer")

    await portal.open("/settings")
    await expect(portal.page.get_by_text("Only admins can change settings")).to_be_visible()
