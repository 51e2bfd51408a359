"""An admin rewrites the receipt in the portal: the editor previews it as a customer gets it (in a
sandboxed frame), a wording that does not render is refused at its field, and the saved wording is
what the API sends from then on; going back to the built-in wording."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal

pytestmark = pytest.mark.e2e

TEMPLATES = "query { emailTemplates { kind subject isCustom } }"


async def test_an_admin_previews_and_saves_the_receipt_in_their_own_words(portal: Portal) -> None:
    page = portal.page
    await portal.sign_in()
    await page.get_by_role("link", name="Settings").click()
    await page.get_by_role("navigation", name="Settings").get_by_role("link", name="Emails").click()
    await expect(page).to_have_url(f"{portal.base}/settings/emails")
    receipt = page.get_by_role("row").filter(has_text="Receipt with the invoice")
    await expect(receipt).to_contain_text("Built-in")

    await receipt.get_by_role("button", name="Edit Receipt with the invoice").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Subject").fill("Thanks from {{ merchant_name }}: {{ number }}")
    await dialog.get_by_label("Text").fill("Your receipt: {{ nope }}")
    await dialog.get_by_role("button", name="Preview").click()
    await expect(dialog.get_by_text("'nope' is undefined")).to_be_visible()

    await dialog.get_by_label("Text").fill(
        "Hello {{ customer_name }}, your receipt for {{ total }}: {{ url }}"
    )
    await dialog.get_by_role("button", name="Preview").click()
    await expect(dialog.get_by_test_id("preview-subject")).to_have_text(
        "Thanks from Demo Outdoor Supply Co.: INV-000042"
    )
    frame = dialog.frame_locator("iframe[title='Email preview']")
    await expect(frame.get_by_text("Hello Ada, your receipt for $49.00:")).to_be_visible()
    await expect(frame.get_by_role("link", name="https://pay.example/invoice/sample")).to_be_visible()
    await portal.screenshot("email preview")

    await dialog.get_by_role("button", name="Save email").click()
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(receipt).to_contain_text("Yours, changed")
    saved = {t["kind"]: t for t in (await portal.gql(TEMPLATES))["emailTemplates"]}
    assert saved["RECEIPT"] == {
        "kind": "RECEIPT",
        "subject": "Thanks from {{ merchant_name }}: {{ number }}",
        "isCustom": True,
    }

    await receipt.get_by_role("button", name="Use the built-in Receipt with the invoice").click()
    await page.get_by_role("dialog").get_by_role("button", name="Use built-in").click()
    await expect(receipt).to_contain_text("Built-in")
    assert {t["kind"]: t for t in (await portal.gql(TEMPLATES))["emailTemplates"]}["RECEIPT"][
        "isCustom"
    ] is False
