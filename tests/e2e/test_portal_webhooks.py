"""An admin's webhooks in the portal: an endpoint made with its secret shown once, its deliveries, a redelivery,
and the account's event log with each event's JSON."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect
from standardwebhooks.webhooks import Webhook

from tests.e2e.portal import Portal
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.e2e


async def arrived(receiver: Receiver, count: int) -> None:
    """Wait until the receiver has had ``count`` requests (the server's jobs send within seconds)."""
    deadline = asyncio.get_running_loop().time() + 15
    while len(receiver.requests) < count:
        assert asyncio.get_running_loop().time() < deadline, f"{count} deliveries arrived"
        await asyncio.sleep(0.1)


CREATE_CUSTOMER = "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }"


async def test_an_admin_makes_an_endpoint_sees_its_secret_once_a_delivery_and_redelivers_it(
    portal: Portal, receiver: Receiver
) -> None:
    page = portal.page
    await portal.sign_in()
    await page.get_by_role("link", name="Settings").click()
    await page.get_by_role("navigation", name="Settings").get_by_role("link", name="Webhooks").click()
    await expect(page).to_have_url(f"{portal.base}/settings/webhooks")

    await page.get_by_role("button", name="Add endpoint").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("URL").fill(receiver.url("/paydesk"))
    await dialog.get_by_label("Description").fill("Fulfilment")
    await dialog.get_by_label("customer.created").check()
    await dialog.get_by_role("button", name="Add endpoint").click()
    made = page.get_by_role("dialog", name="Endpoint added")
    secret = await made.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_")
    await portal.screenshot("secret shown once")
    await made.get_by_role("button", name="Done").click()
    await expect(made).to_have_count(0)
    assert secret not in await page.content()

    await portal.gql(CREATE_CUSTOMER, i={"firstName": "Hook", "email": "hook@example.test"})
    await arrived(receiver, 1)
    verified = Webhook(secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    assert verified["type"] == "customer.created"

    endpoint = page.get_by_role("region", name=receiver.url("/paydesk"))
    await endpoint.get_by_role("button", name="Show deliveries").click()
    deliveries = endpoint.get_by_role("table", name="Deliveries")
    await expect(deliveries.get_by_role("row").filter(has_text="customer.created")).to_contain_text(
        "Succeeded"
    )
    await expect(deliveries).to_contain_text("200")
    await deliveries.get_by_role("button", name="Redeliver customer.created").first.click()
    await arrived(receiver, 2)
    assert receiver.requests[1].headers["webhook-id"] == receiver.requests[0].headers["webhook-id"]
    await endpoint.get_by_role("button", name="Refresh").click()
    await expect(deliveries.get_by_role("row").filter(has_text="customer.created")).to_have_count(2)
    await portal.screenshot("deliveries")

    await page.get_by_role("navigation", name="Settings").get_by_role("link", name="Events").click()
    await page.get_by_label("Type").select_option("customer.created")
    event_row = page.get_by_role("listitem").filter(has_text="customer.created").first
    await event_row.get_by_text("Show JSON").click()
    await expect(event_row.locator("pre")).to_contain_text('"firstName": "Hook"')
    portal.check()
