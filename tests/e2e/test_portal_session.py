"""Signing in and out of the portal, and opening any portal address directly."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from paydesk.demo import DEMO_ACCOUNT, DEMO_EMAIL
from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e


async def test_sign_in_shows_the_user_and_account_and_sign_out_ends_the_session(portal: Portal) -> None:
    await portal.sign_in()

    header = portal.page.get_by_label("Signed in")
    await expect(header).to_contain_text(DEMO_EMAIL)
    await expect(header).to_contain_text(DEMO_ACCOUNT)
    await expect(header).to_contain_text("Owner")
    await expect(portal.page).to_have_url(f"{portal.base}/customers")
    await portal.screenshot("signed in")

    await header.get_by_role("button", name="Sign out").click()
    await expect(portal.page.get_by_role("button", name="Sign in")).to_be_visible()
    await portal.page.reload()
    await expect(portal.page.get_by_role("button", name="Sign in")).to_be_visible()


async def test_a_wrong_password_is_said_at_the_form(portal: Portal) -> None:
    await portal.open("/")
    await portal.page.get_by_label("Email").fill(DEMO_EMAIL)
    await portal.page.get_by_label("Password").fill("not-the-password")
    await portal.page.get_by_role("button", name="Sign in").click()

    await expect(portal.page.get_by_role("alert")).to_be_visible()
    await expect(portal.page.get_by_label("Signed in")).to_have_count(0)
    # The failed sign-in is an answer of the API (a userError), not a console error.


async def test_a_deep_link_opens_directly_and_survives_a_reload(portal: Portal) -> None:
    await portal.sign_in()
    await portal.open("/transactions")
    await expect(portal.page.get_by_role("heading", level=1)).to_contain_text("Transactions")

    await portal.page.reload()

    await expect(portal.page.get_by_role("heading", level=1)).to_contain_text("Transactions")
    await expect(portal.page.get_by_label("Signed in")).to_contain_text(DEMO_EMAIL)


async def test_an_unknown_address_in_the_portal_says_not_found(portal: Portal) -> None:
    await portal.sign_in()
    await portal.open("/customers/cus_0000000000000000000000")

    await expect(portal.page.get_by_role("heading", name="Not found")).to_be_visible()
