"""Saying what an action will do: a void lists the orders it ends before it is confirmed; a pause says when it charges."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from tests.actions.common import CANOE_PLAN, GEAR_CLUB
from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

CHARGE = """
mutation($i: ChargeNowInput!) { chargeNow(input: $i) { transaction { id status } userErrors { code } } }
"""


async def customer_with_orders(portal: Portal, first: str, last: str) -> str:
    customer = await portal.customer_with_card(first, last)
    charged = await portal.gql(CHARGE, i={"customerId": customer, "lines": [CANOE_PLAN, GEAR_CLUB]})
    assert charged["chargeNow"]["transaction"]["status"] == "PAID"
    return customer


async def test_a_void_lists_the_plan_and_subscription_it_ends_before_it_is_confirmed(portal: Portal) -> None:
    await portal.sign_in()
    customer = await customer_with_orders(portal, "Margaret", "Hamilton")
    await portal.open(f"/customers/{customer}")

    payments = portal.page.get_by_role("region", name="Payments")
    await payments.get_by_role("button", name=re.compile("^View")).first.click()
    drawer = portal.page.get_by_role("dialog", name="Transaction details")
    await drawer.get_by_role("group", name="Transaction actions").get_by_role("button", name="Void").click()
    confirm = portal.page.get_by_role("dialog", name="Void payment")
    effects = confirm.get_by_role("list", name="What the void does")
    await expect(effects).to_contain_text("Cancel the $109.99 charge at the gateway")
    await expect(effects).to_contain_text(
        "Cancel the payment plan “Canoe plan” it opened, forgiving its unpaid balance of $750.00."
    )
    await expect(effects).to_contain_text("Cancel the subscription “Gear club membership” it opened.")
    await portal.screenshot("void preview")
    await confirm.get_by_role("button", name="Confirm void").click()
    await expect(confirm).to_have_count(0)
    await expect(drawer).to_contain_text("The payment was voided.")
    await drawer.get_by_role("button", name="Close").first.click()

    plan = portal.page.get_by_role("article", name="Canoe plan")
    await expect(plan).to_contain_text("Cancelled")
    await expect(plan).not_to_contain_text("Balance remaining")
    await expect(plan).not_to_contain_text("$750.00")
    await expect(plan).not_to_contain_text("Payments remaining")


async def test_a_paused_subscription_says_when_it_charges_next(portal: Portal) -> None:
    await portal.sign_in()
    customer = await customer_with_orders(portal, "Evelyn", "Boyd")
    await portal.open(f"/customers/{customer}")
    club = portal.page.get_by_role("article", name="Gear club membership")

    # Until a day after the scheduled charge: the next charge is that day.
    resume_on = date.today() + timedelta(days=45)
    await club.get_by_role("button", name="Pause").click()
    pause = portal.page.get_by_role("dialog", name="Pause subscription")
    await pause.get_by_role("radio", name="Until a date").check()
    await pause.get_by_label("Resume on").fill(resume_on.isoformat())
    await pause.get_by_role("button", name="Confirm pause").click()
    await expect(pause).to_have_count(0)
    shown = f"{resume_on:%b} {resume_on.day}, {resume_on.year}"
    await expect(club).to_contain_text(f"{shown} (when it resumes)")
    await expect(club).to_contain_text(f"resumes on {shown}")

    # Until resumed: no next charge at all.
    await club.get_by_role("button", name="Resume").click()
    resume = portal.page.get_by_role("dialog", name="Resume subscription")
    await resume.get_by_role("button", name="Resume now").click()
    await expect(resume).to_have_count(0)
    await club.get_by_role("button", name="Pause").click()
    pause = portal.page.get_by_role("dialog", name="Pause subscription")
    await pause.get_by_role("button", name="Confirm pause").click()
    await expect(pause).to_have_count(0)
    await expect(club).to_contain_text("None while paused")
    await portal.screenshot("paused until resumed")
