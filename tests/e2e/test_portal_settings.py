"""An owner's settings in the portal: an API key shown once that a partner can then use."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.portal import Portal
from tests.helpers import without_cost

pytestmark = pytest.mark.e2e


async def test_create_an_api_key_that_works_and_whose_secret_is_shown_once(portal: Portal) -> None:
    await portal.sign_in()
    await portal.page.get_by_role("link", name="Settings").click()
    await portal.page.get_by_role("navigation", name="Settings").get_by_role("link", name="API keys").click()
    await expect(portal.page).to_have_url(f"{portal.base}/settings/api-keys")

    await portal.page.get_by_role("button", name="Create API key").click()
    create = portal.page.get_by_role("dialog")
    await create.get_by_label("Role").select_option("REP")
    await create.get_by_role("button", name="Create API key").click()
    created = portal.page.get_by_role("dialog", name="API key created")
    app_id = await created.get_by_label("App id").input_value()
    secret = await created.get_by_label("Secret").input_value()
    await portal.screenshot("secret shown once")
    await created.get_by_role("button", name="Done").click()

    await expect(created).to_have_count(0)
    assert secret not in await portal.page.content()
    await expect(portal.page.get_by_role("row").filter(has_text=app_id)).to_contain_text("Rep")
    async with httpx.AsyncClient(base_url=portal.base) as partner:
        answer = await partner.post(
            "/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"Api-Appid": app_id, "Api-Key": secret},
        )
    assert without_cost(answer.json()) == {"data": {"viewer": {"role": "REP"}}}
