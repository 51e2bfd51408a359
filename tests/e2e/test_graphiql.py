"""GraphiQL loads in a real browser from our own assets, under the CSP, and runs queries."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from paydesk.demo import DEMO_ACCOUNT, DEMO_EMAIL, DEMO_PASSWORD
from tests.helpers import without_cost

pytestmark = pytest.mark.e2e

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { userErrors { code } } }"


async def test_graphiql_runs_a_query_for_a_signed_in_user_with_no_csp_violation(
    browser: Browser, server: str
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    problems: list[str] = []
    outside: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request", lambda request: None if request.url.startswith(server) else outside.append(request.url)
    )
    signed_in = await context.request.post(
        f"{server}/graphql",
        data={"query": SIGN_IN, "variables": {"i": {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}}},
    )
    assert without_cost(await signed_in.json()) == {"data": {"signIn": {"userErrors": []}}}

    response = await page.goto(f"{server}/graphql")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The editor loads lazily; run the default query once it is in place.
    await expect(page.locator(".graphiql-query-editor")).to_contain_text("viewer", timeout=30_000)
    await page.locator(".graphiql-execute-button").click()

    await expect(page.locator(".graphiql-response")).to_contain_text(DEMO_ACCOUNT, timeout=30_000)
    assert problems == []
    assert outside == []
    await context.close()


async def test_graphiql_docs_come_from_introspection_without_signing_in(
    browser: Browser, server: str
) -> None:
    context = await browser.new_context()
    page = await context.new_page()

    await page.goto(f"{server}/graphql")
    await expect(page.locator(".graphiql-container")).to_be_visible(timeout=30_000)
    await page.get_by_role("button", name="Show Documentation Explorer").click()

    await expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query", timeout=30_000)
    await context.close()
