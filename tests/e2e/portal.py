"""A staff member's browser tab on the portal, watched for what must never happen.

Every console error, uncaught exception or CSP violation, every request that
leaves the server's origin and every data request that is not a POST to
/graphql is recorded; `check()` fails the test on any of them. Screenshots go
to test-output/e2e/ (one per test at least, named after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from playwright.async_api import ConsoleMessage, Page, Request, expect

from paydesk.demo import DEMO_EMAIL, DEMO_PASSWORD


async def fill_hosted_card(page: Page, name: str, number: str, month: str, year: str, cvc: str) -> None:
    """The card fields of the hosted pages (/card/... and /pay/...), as a payer types them."""
    await page.get_by_label("Name on card").fill(name)
    await page.get_by_label("Card number").fill(number)
    await page.get_by_label("Month").fill(month)
    await page.get_by_label("Year").fill(year)
    await page.get_by_label("Security code (CVC)").fill(cvc)


OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"


@dataclass
class Portal:
    page: Page
    base: str
    name: str
    problems: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    data_requests: list[str] = field(default_factory=list)
    shots: int = 0

    def watch(self, page: Page, *, hosted: bool = False) -> None:
        """Record the problems of this tab (and of a second tab the test opens).

        ``hosted``: a payer's page, whose form answers say what is wrong with 4xx statuses by design.
        """
        page.on("console", self._on_hosted_console if hosted else self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on("request", self._on_request)

    def _on_console(self, message: ConsoleMessage) -> None:
        # Signed out, the portal's first question (who is signed in?) is answered 401 by
        # design, and Chromium logs every 4xx; an endless 401 loop would still time out.
        if message.type == "error" and "status of 401" not in message.text:
            self.problems.append(f"console: {message.text}")

    def _on_hosted_console(self, message: ConsoleMessage) -> None:
        if not re.search(r"status of (402|409|410|422) ", message.text):
            self._on_console(message)

    def _on_request(self, request: Request) -> None:
        if not request.url.startswith(self.base):
            self.outside.append(request.url)
        elif request.resource_type in ("fetch", "xhr"):
            path = request.url[len(self.base) :]
            if request.method != "POST" or path != "/graphql":
                self.data_requests.append(f"{request.method} {path}")

    async def open(self, path: str) -> None:
        await self.page.goto(f"{self.base}{path}")

    async def sign_in(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:
        await self.open("/")
        await self.page.get_by_label("Email").fill(email)
        await self.page.get_by_label("Password").fill(password)
        await self.page.get_by_role("button", name="Sign in").click()
        await expect(self.page.get_by_label("Signed in")).to_contain_text(email)

    async def sign_in_api(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:
        """Sign this tab's context in through the API alone (for tests about pages other than the portal)."""
        signed = await self.gql(
            "mutation($i: SignInInput!) { signIn(input: $i) { userErrors { code } } }",
            i={"email": email, "password": password},
        )
        assert signed["signIn"]["userErrors"] == [], signed

    async def gql(self, query: str, **variables: object) -> dict[str, Any]:
        """Ask the API as the signed-in user (the tab's session cookie), for a test's setup."""
        response = await self.page.request.post(
            f"{self.base}/graphql", data={"query": query, "variables": variables}
        )
        body = await response.json()
        assert "errors" not in body, body
        return cast(dict[str, Any], body["data"])

    async def customer_with_card(self, first: str, last: str, number: str = "4242424242424242") -> str:
        """A customer with a default card on file, made through the API; returns their id."""
        made = await self.gql(
            "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }",
            i={"firstName": first, "lastName": last, "email": f"{first.lower()}@example.test"},
        )
        customer_id = str(made["createCustomer"]["customer"]["id"])
        card = {"number": number, "expMonth": 12, "expYear": 2031, "cvc": "123"}
        tokenized = await self.gql(
            "mutation($i: TokenizeCardInput!) { tokenizeCard(input: $i) { userErrors { code } } }",
            i={"customerId": customer_id, "card": card},
        )
        assert tokenized["tokenizeCard"]["userErrors"] == []
        return customer_id

    async def payer_tab(self, url: str) -> Page:
        """A second tab of the same browser on a hosted page (the payer's), watched like the first."""
        payer = await self.page.context.new_page()
        self.watch(payer)
        await payer.goto(url)
        return payer

    async def screenshot(self, step: str = "", page: Page | None = None) -> Path:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        suffix = f"-{self.shots:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower()).strip('-')}" if step else ""
        path = OUTPUT / f"{self.name}{suffix}.png"
        await (page or self.page).screenshot(path=str(path), full_page=True)
        return path

    def check(self) -> None:
        # Plain asserts here are not rewritten by pytest (not a test module): say what was seen.
        assert self.problems == [], f"console errors or exceptions: {self.problems[:5]}"
        assert self.outside == [], f"requests off the origin: {self.outside}"
        assert self.data_requests == [], f"data requests not to POST /graphql: {self.data_requests}"
