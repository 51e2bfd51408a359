"""The hosted checkout at /pay/{token}, end to end over HTTP: a payer's browser, the staff API, the sandbox.

Requests are made through the API as a rep would; the payer opens the link,
fills in the form and posts it like a browser (cookies kept, the hidden
fields sent back). The sandbox's own books (SandboxCharge rows) say what was
really charged. Every response is checked for a card number the payer typed
(none may come back) and for what makes the page self-contained: no script,
no foreign stylesheet, form or link, and the strict CSP.
"""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.billing.jobs import run_pass
from paydesk.billing.runner import Runner
from paydesk.crypto import encrypt_json
from paydesk.models import Coupon, Gateway, PaymentRequest, SandboxCharge, Transaction
from paydesk.transactions.service import Services, reconcile
from paydesk.web.security import CSRF_COOKIE, CSRF_FIELD, PAGE_CSP
from tests.api.test_sales import create_coupon, create_product, put_on_file, set_sandbox_fault
from tests.helpers import Api, Caller, World, deliver_outbox, resources
from tests.web.pages import field_errors, inputs

YEAR = str(datetime.now(UTC).year + 3)
PUBLIC_URL = "http://127.0.0.1:8000"  # the default, which tests keep
VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
GENERIC = "4000000000000002"
NO_FUNDS = "4000000000009995"
EXPIRED_CARD = "4000000000000069"
STOLEN = "4000000000009979"
GATEWAY_FAILS = "4000000000000119"

CREATE = """
mutation($i: CreatePaymentRequestInput!) {
  createPaymentRequest(input: $i) { paymentRequest { id url } userErrors { field code message } }
}"""
CANCEL = """
mutation($i: CancelPaymentRequestInput!) {
  cancelPaymentRequest(input: $i) { paymentRequest { status } userErrors { field code } }
}"""
STATE = """
query($id: ID!) {
  paymentRequest(id: $id) {
    status failedAttempts paidAt
    transaction {
      id status total { minorUnits currency } paymentMethod { id }
      events { kind } invoice { number url lastSentAt }
    }
  }
}"""
CARDS = "query($id: ID!) { customer(id: $id) { paymentMethods(includeRemoved: true) { id last4 status } } }"
ACCOUNT = "mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { userErrors { code } } }"
GATEWAYS = "{ gateways { id isDefault } }"
REDEEMED = "query($id: ID!) { node(id: $id) { ... on Coupon { timesRedeemed } } }"


# --- a payer's browser ----------------------------------------------------------------------------


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


class Browser:
    """A payer's browser on one payment page: keeps its cookies, and the hidden fields of the last form.

    Every response is checked for every card number this browser ever typed, bare or grouped.
    """

    def __init__(self, client: httpx.AsyncClient, path: str, accept_language: str | None = None) -> None:
        self.client = client
        self.path = path
        self.headers = {"accept-language": accept_language} if accept_language else {}
        self.hidden: dict[str, str] = {}
        self.typed: set[str] = set()

    async def open(self) -> httpx.Response:
        response = self._checked(await self.client.get(self.path, headers=self.headers))
        self._remember(response)
        return response

    async def post(self, data: dict[str, str]) -> httpx.Response:
        if data.get("number"):
            self.typed.add(data["number"].replace(" ", ""))
        response = self._checked(await self.client.post(self.path, data=data, headers=self.headers))
        self._remember(response)
        return response

    def form(self, number: str | None = VISA, **fields: str) -> dict[str, str]:
        """The last form shown, filled in with a new card (or none), with ``fields`` over it."""
        data = dict(self.hidden)
        if number is not None:
            data |= {
                "payment_method": "new",
                "name": "Ada Lovelace",
                "number": number,
                "exp_month": "12",
                "exp_year": YEAR,
                "cvc": "123",
            }
        return data | {"action": "pay"} | fields

    async def pay(self, number: str | None = VISA, **fields: str) -> httpx.Response:
        """Submit the form as last shown (open it first if it never was)."""
        if not self.hidden:
            opened = await self.open()
            assert opened.status_code == 200, opened.text
        return await self.post(self.form(number, **fields))

    def _remember(self, response: httpx.Response) -> None:
        fields = inputs(response.text)
        if CSRF_FIELD in fields:
            # Sent back as a browser would: every hidden field (the token, the attempt, the applied coupon).
            self.hidden = {name: f["value"] for name, f in fields.items() if f.get("type") == "hidden"}

    def _checked(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code < 500, f"the page crashed: {response.status_code}"
        for number in self.typed | {VISA}:
            assert number not in response.text
            assert grouped(number) not in response.text
        assert_page_headers(response)
        assert_self_contained(response.text)
        return response


@pytest.fixture(autouse=True)
def collect_garbage() -> Iterator[None]:
    """Collect after each test, so a warning from an object the test left behind is reported with it."""
    yield
    gc.collect()


@pytest.fixture
async def browsers(pages_app: Starlette) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two separate browsers (cookie jars), for two payers or two windows."""
    transport = httpx.ASGITransport(app=pages_app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as one,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as two,
    ):
        yield [one, two]


def assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "script-src" not in PAGE_CSP
    assert PAGE_CSP.startswith("default-src 'none';")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def assert_self_contained(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert "<style" not in lowered
    assert " style=" not in lowered
    assert re.findall(r"<[^>]+\son[a-z]+\s*=", lowered) == []  # no inline event handlers
    # Absolute links only to the app itself (PUBLIC_URL, e.g. the invoice); nothing from another origin.
    absolute = re.findall(r'(?:src|href|action)="((?:[a-z]+:)?//[^"]*)"', lowered)
    assert [url for url in absolute if not url.startswith(PUBLIC_URL + "/")] == []
    (stylesheet,) = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert stylesheet.startswith("/pages/static/pages.css?v=")
    assert len(re.findall(r"<link ", lowered)) == 2  # the stylesheet and the data: favicon


# --- the API side ---------------------------------------------------------------------------------


async def request_for(api: Api, caller: Caller, customer_id: str, **input: Any) -> tuple[str, str]:
    """(id, page path) of a new request."""
    data = await api.gql(CREATE, caller, i={"customerId": customer_id, **input})
    payload = data["createPaymentRequest"]
    assert payload["userErrors"] == [], payload
    made = payload["paymentRequest"]
    return str(made["id"]), httpx.URL(made["url"]).path


async def amount_request(
    api: Api, world: World, amount: str = "25.00", currency: str = "USD", **input: Any
) -> tuple[str, str]:
    return await request_for(
        api,
        world.a.caller("rep"),
        world.a.customer_id,
        amount={"amount": amount, "currency": currency},
        **input,
    )


async def state(api: Api, world: World, request_id: str) -> dict[str, Any]:
    return dict((await api.gql(STATE, world.a.caller("viewer"), id=request_id))["paymentRequest"])


async def cards(api: Api, world: World) -> list[tuple[str, str]]:
    found = (await api.gql(CARDS, world.a.caller("viewer"), id=world.a.customer_id))["customer"]
    return sorted((card["last4"], card["status"]) for card in found["paymentMethods"])


async def charges(app: Starlette) -> list[tuple[int, str, str]]:
    """Everything the sandbox was asked to charge: (amount, currency, status), oldest first."""
    async with resources(app).sessions() as db:
        rows = await db.exec(select(SandboxCharge).order_by(col(SandboxCharge.created_at)))
        return [(row.amount, row.currency, row.status) for row in rows]


async def sales_of(app: Starlette, customer_id: str) -> list[Transaction]:
    async with resources(app).sessions() as db:
        return list(await db.exec(select(Transaction).where(col(Transaction.customer_id) == customer_id)))


async def expire(app: Starlette, request_id: str) -> None:
    async with resources(app).sessions() as db:
        await db.exec(
            update(PaymentRequest)
            .where(col(PaymentRequest.id) == request_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await db.commit()


async def default_gateway(api: Api, world: World) -> str:
    gateways = (await api.gql(GATEWAYS, world.a.caller("admin")))["gateways"]
    (gateway_id,) = [g["id"] for g in gateways if g["isDefault"]]
    return str(gateway_id)


async def slow_sandbox(app: Starlette, api: Api, world: World, latency_ms: int = 300) -> None:
    """Make the account's sandbox take a while to answer, so that two posts surely overlap at the gateway."""
    gateway_id = await default_gateway(api, world)
    res = resources(app)
    credentials = encrypt_json(res.secret, {"fault": None, "latency_ms": latency_ms})
    async with res.sessions() as db:
        await db.exec(update(Gateway).where(col(Gateway.id) == gateway_id).values(credentials=credentials))
        await db.commit()


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


def alert(html: str) -> list[str]:
    """The lines of the page's alert box."""
    found = re.search(r'<div class="alert" role="alert">(.*?)</div>', html, re.S)
    return re.findall(r"<p[^>]*>([^<]*)</p>", found.group(1)) if found else []


def summary(html: str) -> list[tuple[str, str]]:
    """The summary table's rows: (label, amount), tags stripped."""
    table = re.search(r'<table class="summary">(.*?)</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    out = []
    for row in rows:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        # Only ASCII white space is collapsed: a no-break space inside an amount is part of it.
        text = (re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", cell)).strip(" ") for cell in cells)
        out.append(tuple(text))
    return out  # type: ignore[return-value]


# --- the form -------------------------------------------------------------------------------------


async def test_the_page_shows_merchant_customer_lines_and_a_card_form(
    api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    widget = await create_product(api, world.a.caller("admin"), "Widget", "20.00")
    request_id, path = await request_for(
        api,
        world.a.caller("rep"),
        world.a.customer_id,
        lines=[
            {"productId": widget, "quantity": 2},
            {"description": "Club <b>", "unitPrice": "15.50", "kind": "SUBSCRIPTION", "unit": "MONTH"},
        ],
        description="Spring order",
    )
    payer = Browser(browsers[0], path)

    response = await payer.open()

    assert response.status_code == 200
    html = response.text
    assert "<h1>Account alpha</h1>" in html
    assert "Cus, your payment" in html
    assert "<p>Spring order</p>" in html
    assert summary(html) == [
        ("Widget \u00d7 2", "$40.00"),
        ("Club &lt;b&gt; then $15.50 every month", "$15.50"),
        ("Total", "$55.50"),
    ]
    assert "<title>Pay $55.50 · Account alpha</title>" in html
    assert '<button type="submit" name="action" value="pay">Pay $55.50</button>' in html
    fields = inputs(html)
    assert fields["payment_method"] == {"type": "hidden", "name": "payment_method", "value": "new"}
    assert fields["attempt"]["value"] == "0"
    assert "coupon_code" not in fields  # the request does not take one
    assert fields["keep_card"]["type"] == "checkbox"
    assert "checked" not in fields["keep_card"]
    assert fields["number"]["autocomplete"] == "cc-number"
    assert "required" in fields["number"]  # no card on file: the new card is the only way to pay
    assert fields["cvc"]["autocomplete"] == "cc-csc"
    assert "value" not in fields["number"]
    assert "value" not in fields["cvc"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}={fields[CSRF_FIELD]['value']};")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert f"Path={path}" in cookie
    assert (await state(api, world, request_id))["status"] == "OPEN"


async def test_the_stylesheet_the_page_links_is_served_from_the_app(
    api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    _, path = await amount_request(api, world)
    html = (await Browser(browsers[0], path).open()).text
    (href,) = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)

    response = await browsers[0].get(href)

    assert href.startswith("/pages/static/pages.css?v=")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


# --- paying ---------------------------------------------------------------------------------------


async def test_pay_with_a_new_card(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "25.00", description="Tune-up")
    payer = Browser(browsers[0], path)

    done = await payer.pay(VISA)

    assert done.status_code == 200, done.text
    html = done.text
    assert "Thank you, your payment went through" in html
    assert summary(html) == [("Tune-up", "$25.00"), ("Total", "$25.00")]
    now = await state(api, world, request_id)
    sale = now["transaction"]
    assert (now["status"], now["failedAttempts"]) == ("PAID", 0)
    assert now["paidAt"] is not None
    assert (sale["status"], sale["total"]) == ("PAID", {"minorUnits": 2500, "currency": "USD"})
    assert f"Reference: {sale['id']}" in html
    invoice_path = httpx.URL(sale["invoice"]["url"]).path
    assert f'<a class="button" href="{sale["invoice"]["url"]}">View your invoice</a>' in html
    kinds = [e["kind"] for e in sale["events"]]
    assert kinds[0] == "charge_started"
    assert {"card_added", "paid", "invoice_issued"} <= set(kinds)
    assert sale["invoice"]["lastSentAt"] is None  # the account does not email invoices
    assert await charges(app) == [(2500, "USD", "succeeded")]
    # Typed in for this payment only: not kept on file.
    assert await cards(api, world) == [("4242", "REMOVED")]
    invoice = await browsers[0].get(invoice_path)
    assert invoice.status_code == 200
    assert sale["invoice"]["number"] in invoice.text


async def test_keep_the_card_on_file_and_invoice_email(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    await api.gql(ACCOUNT, world.a.caller("admin"), i={"emailInvoices": True})
    request_id, path = await amount_request(api, world, "30.00")

    done = await Browser(browsers[0], path).pay(MASTERCARD, keep_card="yes")
    await deliver_outbox(app)  # the serving process's outbox job, once the payment committed

    assert done.status_code == 200, done.text
    sale = (await state(api, world, request_id))["transaction"]
    assert await cards(api, world) == [("4444", "ACTIVE")]
    assert sale["invoice"]["lastSentAt"] is not None
    outbox = resources(app).settings.data_dir / "outbox"
    messages = [path.read_text() for path in outbox.glob("*.eml")]
    assert len(messages) == 1
    assert "To: c@alpha.test" in messages[0]
    assert sale["invoice"]["number"] in messages[0]


async def test_pay_with_a_card_on_file(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    rep = world.a.caller("rep")
    visa = await put_on_file(api, rep, world.a.customer_id, VISA)
    master = await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)
    request_id, path = await amount_request(api, world, "40.00")
    payer = Browser(browsers[0], path)

    page = await payer.open()
    choice = inputs(page.text)
    done = await payer.post(payer.form(None, payment_method=master["id"]))

    assert "Visa ending in 4242" in page.text
    assert "Mastercard ending in 4444" in page.text
    radios = re.findall(
        r'<input type="radio" id="pm-[^"]+" name="payment_method" value="([^"]+)"( checked)?>', page.text
    )
    assert radios == [(visa["id"], " checked"), (master["id"], ""), ("new", "")]
    assert choice["payment_method"]["type"] == "radio"
    # One form, one Pay button: the new-card fields must not stop the browser sending a card on file.
    for name in ("name", "number", "exp_month", "exp_year", "cvc"):
        assert "required" not in choice[name], name
    assert page.text.count('<button type="submit" name="action" value="pay">') == 1
    assert done.status_code == 200, done.text
    assert "your payment went through" in done.text
    sale = (await state(api, world, request_id))["transaction"]
    assert sale["paymentMethod"] == {"id": master["id"]}
    assert await charges(app) == [(4000, "USD", "succeeded")]
    assert await cards(api, world) == [("4242", "ACTIVE"), ("4444", "ACTIVE")]


async def test_a_card_of_another_customer_cannot_be_chosen(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    other = (
        await api.gql(
            'mutation { createCustomer(input: {firstName: "Eve"}) { customer { id } } }',
            world.a.caller("rep"),
        )
    )["createCustomer"]["customer"]["id"]
    theirs = await put_on_file(api, world.a.caller("rep"), other, VISA)
    request_id, path = await amount_request(api, world)
    payer = Browser(browsers[0], path)
    await payer.open()

    refused = await payer.post(payer.form(None, payment_method=theirs["id"]))

    assert refused.status_code == 422
    assert "Choose one of your cards on file." in alert(refused.text)
    assert await charges(app) == []
    assert (await state(api, world, request_id))["status"] == "OPEN"


async def test_a_decline_then_a_success(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "25.00")
    payer = Browser(browsers[0], path)

    declined = await payer.pay(NO_FUNDS, exp_month="07", name="Ada Q. Lovelace")
    hidden_after_decline = dict(payer.hidden)
    paid = await payer.pay(VISA)

    assert declined.status_code == 402
    assert alert(declined.text) == [
        "The payment did not go through.",
        "The card has insufficient funds. Nothing was charged.",
        "Try another card. For your security, this page locks after 4 more unsuccessful tries.",
    ]
    for number in (NO_FUNDS, grouped(NO_FUNDS), NO_FUNDS[-8:]):
        assert number not in declined.text
    fields = inputs(declined.text)
    assert "value" not in fields["number"]
    assert "value" not in fields["cvc"]
    assert (fields["name"]["value"], fields["exp_month"]["value"], fields["exp_year"]["value"]) == (
        "Ada Q. Lovelace",
        "07",
        YEAR,
    )
    assert hidden_after_decline["attempt"] == "1"
    assert paid.status_code == 200, paid.text
    assert "your payment went through" in paid.text
    now = await state(api, world, request_id)
    assert (now["status"], now["failedAttempts"], now["transaction"]["status"]) == ("PAID", 1, "PAID")
    assert await charges(app) == [(2500, "USD", "declined"), (2500, "USD", "succeeded")]
    assert sorted(s.status for s in await sales_of(app, world.a.customer_id)) == ["DECLINED", "PAID"]
    # Neither card was asked to be kept: the declined one is forgotten, the paying one not kept.
    assert await cards(api, world) == [("4242", "REMOVED"), ("9995", "REMOVED")]


async def test_five_unsuccessful_payments_lock_the_page(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "25.00")
    payer = Browser(browsers[0], path)

    responses = [
        await payer.pay(number) for number in (GENERIC, GATEWAY_FAILS, EXPIRED_CARD, STOLEN, NO_FUNDS)
    ]
    after = await payer.post(payer.form(VISA))
    shown = await payer.open()
    cancelled = await api.gql(CANCEL, world.a.caller("rep"), i={"id": request_id})

    assert [r.status_code for r in responses] == [402, 402, 402, 402, 410]
    assert [alert(r.text)[1:] for r in responses[:4]] == [
        [
            "Your bank declined the payment. Nothing was charged.",
            "Try another card. For your security, this page locks after 4 more unsuccessful tries.",
        ],
        [
            "The payment could not be processed. Nothing was charged.",
            "Try another card. For your security, this page locks after 3 more unsuccessful tries.",
        ],
        [
            "The card has expired. Nothing was charged.",
            "Try another card. For your security, this page locks after 2 more unsuccessful tries.",
        ],
        [
            "The card cannot be used. Nothing was charged.",
            "Try another card. For your security, this page locks after 1 more unsuccessful try.",
        ],
    ]
    for response in (responses[4], after, shown):
        assert response.status_code == 410
        assert "This payment link is locked" in response.text
        assert "Nothing was charged. Ask Account alpha for a new link." in response.text
        assert "set-cookie" not in response.headers
    now = await state(api, world, request_id)
    assert (now["status"], now["failedAttempts"]) == ("LOCKED", 5)
    assert cancelled["cancelPaymentRequest"]["userErrors"] == [
        {"field": ["input", "id"], "code": "INVALID_STATE"}
    ]
    assert "succeeded" not in [status for _, _, status in await charges(app)]
    assert "PAID" not in [s.status for s in await sales_of(app, world.a.customer_id)]


async def test_an_invalid_or_incomplete_card_is_shown_at_its_field_and_never_echoed(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world)
    payer = Browser(browsers[0], path)

    bad_number = await payer.pay("4242424242424241")
    no_cvc = await payer.pay("4242 4242 4242 4242", cvc="")

    assert bad_number.status_code == no_cvc.status_code == 422
    assert field_errors(bad_number.text) == {"number": "This card number is not valid."}
    assert field_errors(no_cvc.text) == {"cvc": "Enter the security code from the back of the card."}
    assert alert(bad_number.text) == ["Please check the details below."]
    for response in (bad_number, no_cvc):
        assert "4242424242424241" not in response.text
        assert "value" not in inputs(response.text)["number"]
    assert await charges(app) == []
    assert (await state(api, world, request_id))["status"] == "OPEN"
    assert (await payer.pay(VISA)).status_code == 200


# --- links that take no payment -------------------------------------------------------------------


async def test_an_expired_link_charges_nothing(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world)
    payer = Browser(browsers[0], path)
    await payer.open()
    await expire(app, request_id)

    shown = await payer.open()
    posted = await payer.post(payer.form(VISA))

    for response in (shown, posted):
        assert response.status_code == 410
        assert "This payment link has expired" in response.text
        assert "Nothing was charged. Ask Account alpha to send you a new one." in response.text
        assert "set-cookie" not in response.headers
        assert "<form" not in response.text
    assert await charges(app) == []
    assert (await state(api, world, request_id))["status"] == "EXPIRED"


async def test_a_cancelled_request_charges_nothing(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world)
    payer = Browser(browsers[0], path)
    await payer.open()
    cancelled = await api.gql(CANCEL, world.a.caller("rep"), i={"id": request_id})
    assert cancelled["cancelPaymentRequest"] == {"paymentRequest": {"status": "CANCELLED"}, "userErrors": []}

    shown = await payer.open()
    posted = await payer.post(payer.form(VISA))

    for response in (shown, posted):
        assert response.status_code == 410
        assert "This payment request was cancelled" in response.text
        assert "Account alpha cancelled this request. Nothing was charged." in response.text
        assert "<form" not in response.text
    assert await charges(app) == []


async def test_a_paid_request_says_so_and_charges_nothing_more(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "25.00")
    first_tab, other_browser = Browser(browsers[0], path), Browser(browsers[1], path)
    await first_tab.open()
    await other_browser.open()
    stale_form = first_tab.form(MASTERCARD)
    assert (await first_tab.pay(VISA)).status_code == 200

    again = await first_tab.post(stale_form)
    elsewhere = await other_browser.pay(MASTERCARD)
    shown = await other_browser.open()

    invoice_url = (await state(api, world, request_id))["transaction"]["invoice"]["url"]
    for response in (again, elsewhere, shown):
        assert response.status_code == 200
        assert "This payment has been made" in response.text
        assert "This request was paid, and nothing more will be charged." in response.text
        assert f'href="{invoice_url}"' in response.text
        assert "<form" not in response.text
    assert await charges(app) == [(2500, "USD", "succeeded")]
    assert len(await sales_of(app, world.a.customer_id)) == 1


async def test_an_unknown_link_is_not_found(browsers: list[httpx.AsyncClient]) -> None:
    for path in ("/pay/" + "A" * 43, "/pay/short", "/pay/%3Cscript%3E"):
        payer = Browser(browsers[0], path)
        shown = await payer.open()
        posted = await payer.post({"number": VISA, CSRF_FIELD: "x" * 43})

        for response in (shown, posted):
            assert response.status_code == 404
            assert "Payment link not found" in response.text
            assert "Account alpha" not in response.text


# --- twice at once --------------------------------------------------------------------------------


async def test_a_double_submit_charges_once(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "25.00")
    payer = Browser(browsers[0], path)
    await payer.open()
    form = payer.form(VISA)
    await slow_sandbox(app, api, world)

    first, second = await asyncio.gather(payer.post(form), payer.post(form))

    assert (first.status_code, second.status_code) == (200, 200)
    texts = [first.text, second.text]
    assert any("your payment went through" in text for text in texts)
    assert all("your payment went through" in t or "This payment has been made" in t for t in texts)
    assert await charges(app) == [(2500, "USD", "succeeded")]
    sales = await sales_of(app, world.a.customer_id)
    assert [s.status for s in sales] == ["PAID"]
    now = await state(api, world, request_id)
    assert (now["status"], now["transaction"]["id"]) == ("PAID", sales[0].id)


async def test_two_windows_paying_at_once_with_different_cards_charge_once(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "25.00")
    one, two = Browser(browsers[0], path), Browser(browsers[1], path)
    await one.open()
    await two.open()
    await slow_sandbox(app, api, world)

    answers = await asyncio.gather(one.post(one.form(VISA)), two.post(two.form(MASTERCARD)))

    assert await charges(app) == [(2500, "USD", "succeeded")]
    assert [s.status for s in await sales_of(app, world.a.customer_id)] == ["PAID"]
    assert (await state(api, world, request_id))["status"] == "PAID"
    paid = [a for a in answers if "your payment went through" in a.text]
    assert len(paid) == 1
    (other,) = [a for a in answers if a is not paid[0]]
    # The other window is told the request is paid, or being paid elsewhere: not that its payment failed,
    # and not in words meant for developers.
    assert other.status_code in (200, 202, 409), other.text
    assert "The payment did not go through." not in other.text
    assert "idempotency" not in other.text.lower()


# --- CSRF -----------------------------------------------------------------------------------------


async def test_a_missing_or_wrong_csrf_token_is_refused_and_charges_nothing(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world)
    payer = Browser(browsers[0], path)
    await payer.open()
    good = payer.form(VISA)

    missing = await payer.post({k: v for k, v in good.items() if k != CSRF_FIELD})
    wrong = await payer.post(good | {CSRF_FIELD: "x" * 43})
    browsers[0].cookies.clear()
    no_cookie = await payer.post(good)
    await payer.open()  # a reload gives the browser a token again

    for response in (missing, wrong, no_cookie):
        assert response.status_code == 403
        assert "Reload the page and try again." in response.text
        assert f'href="{path}"' in response.text
    assert await charges(app) == []
    assert (await state(api, world, request_id))["failedAttempts"] == 0
    assert (await payer.pay(VISA)).status_code == 200
    assert await charges(app) == [(2500, "USD", "succeeded")]


# --- currencies and the payer's locale ------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "en_us", "de_de"),
    [
        ("1000", "JPY", 1000, "¥1,000", "1.000\u00a0¥"),
        ("12.345", "KWD", 12345, "KWD\u00a012.345", "12,345\u00a0KWD"),
    ],
)
async def test_zero_and_three_decimal_currencies_are_shown_per_locale_and_charged_exactly(
    app: Starlette,
    api: Api,
    world: World,
    browsers: list[httpx.AsyncClient],
    amount: str,
    currency: str,
    minor: int,
    en_us: str,
    de_de: str,
) -> None:
    request_id, path = await amount_request(api, world, amount, currency, description="Tea")

    american = await Browser(browsers[0], path, "en-US,en;q=0.9").open()
    german = await Browser(browsers[1], path, "de-DE,de;q=0.9,en;q=0.8").open()
    unknown_locale = await Browser(browsers[1], path, "xx-YY, *").open()
    done = await Browser(browsers[0], path, "de-DE").pay(VISA)

    assert summary(american.text) == [("Tea", en_us), ("Total", en_us)]
    assert f"Pay {en_us}</button>" in american.text
    assert summary(german.text) == [("Tea", de_de), ("Total", de_de)]
    assert f"Pay {de_de}</button>" in german.text
    assert summary(unknown_locale.text)[-1] == ("Total", en_us)  # the merchant's locale, en-US
    assert done.status_code == 200, done.text
    assert summary(done.text)[-1] == ("Total", de_de)
    assert await charges(app) == [(minor, currency, "succeeded")]
    sale = (await state(api, world, request_id))["transaction"]
    assert sale["total"] == {"minorUnits": minor, "currency": currency}


# --- coupons --------------------------------------------------------------------------------------


async def test_a_coupon_is_applied_then_paid_with(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    coupon = await create_coupon(api, world.a.caller("admin"), code="SPRING10", percentOff="10")
    request_id, path = await amount_request(api, world, "50.00", description="Kit", allowCoupon=True)
    payer = Browser(browsers[0], path)
    page = await payer.open()

    applied = await payer.post(payer.form(None, coupon_code="spring10", action="apply_coupon"))
    paid = await payer.pay(VISA, coupon_code="spring10")

    assert inputs(page.text)["coupon_code"]["value"] == ""
    assert applied.status_code == 200
    assert summary(applied.text) == [
        ("Kit", "$50.00"),
        ("Subtotal", "$50.00"),
        ("Discount", "\u2212$5.00"),
        ("Total", "$45.00"),
    ]
    assert "Pay $45.00</button>" in applied.text
    assert inputs(applied.text)["coupon_code"]["value"] == "spring10"
    assert paid.status_code == 200, paid.text
    assert summary(paid.text)[-1] == ("Total", "$45.00")
    assert await charges(app) == [(4500, "USD", "succeeded")]
    assert (await state(api, world, request_id))["transaction"]["total"]["minorUnits"] == 4500
    redeemed = await api.gql(REDEEMED, world.a.caller("viewer"), id=coupon)
    assert redeemed["node"]["timesRedeemed"] == 1


async def test_an_unknown_coupon_is_named_at_its_field_which_is_emptied_and_the_next_pay_pays_in_full(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, path = await amount_request(api, world, "50.00", allowCoupon=True)
    payer = Browser(browsers[0], path)
    await payer.open()

    applied = await payer.post(payer.form(None, coupon_code="NOSUCH", action="apply_coupon"))
    assert (await state(api, world, request_id))["failedAttempts"] == 0
    assert await charges(app) == []
    paid = await payer.pay(VISA)

    assert applied.status_code == 422
    fields = inputs(applied.text)
    assert fields["coupon_code"]["value"] == ""
    assert fields["applied_coupon"]["value"] == ""
    assert fields["coupon_code"]["aria-invalid"] == "true"
    assert field_errors(applied.text) == {
        "coupon_code": "The code \u201cNOSUCH\u201d was not applied. There is no coupon with this code."
    }
    assert summary(applied.text)[-1] == ("Total", "$50.00")
    assert alert(applied.text) == ["The coupon code was not applied. Nothing was charged."]
    assert "The payment did not go through." not in applied.text
    assert paid.status_code == 200, paid.text
    assert await charges(app) == [(5000, "USD", "succeeded")]


async def test_pay_with_a_coupon_typed_but_not_applied_applies_it_first_and_charges_nothing(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    await create_coupon(api, world.a.caller("admin"), code="SPRING10", percentOff="10")
    request_id, path = await amount_request(api, world, "50.00", allowCoupon=True)
    payer = Browser(browsers[0], path)
    await payer.open()

    shown = await payer.pay(VISA, coupon_code="spring10")
    assert await charges(app) == []
    paid = await payer.pay(VISA, coupon_code="spring10")

    assert shown.status_code == 200
    assert summary(shown.text)[-1] == ("Total", "$45.00")
    assert "Pay $45.00</button>" in shown.text
    assert "Coupon spring10 applied: the total is now $45.00. Nothing has been charged yet." in shown.text
    assert inputs(shown.text)["applied_coupon"]["value"] == "spring10"
    assert paid.status_code == 200, paid.text
    assert await charges(app) == [(4500, "USD", "succeeded")]
    assert (await state(api, world, request_id))["status"] == "PAID"


async def test_pay_with_a_wrong_code_not_applied_charges_nothing_then_the_next_pay_pays_in_full(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    method = await put_on_file(api, world.a.caller("rep"), world.a.customer_id, MASTERCARD)
    _, path = await amount_request(api, world, "50.00", allowCoupon=True)
    payer = Browser(browsers[0], path)
    await payer.open()

    refused = await payer.post(payer.form(None, payment_method=method["id"], coupon_code="WRONG1"))
    assert await charges(app) == []
    paid = await payer.post(payer.form(None, payment_method=method["id"]))

    assert refused.status_code == 422
    assert inputs(refused.text)["coupon_code"]["value"] == ""
    assert "WRONG1" in field_errors(refused.text)["coupon_code"]
    assert paid.status_code == 200, paid.text
    assert await charges(app) == [(5000, "USD", "succeeded")]


async def test_removing_an_applied_coupon_shows_the_full_total_before_anything_is_charged(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    await create_coupon(api, world.a.caller("admin"), code="SPRING10", percentOff="10")
    _, path = await amount_request(api, world, "50.00", allowCoupon=True)
    payer = Browser(browsers[0], path)
    await payer.open()
    await payer.post(payer.form(None, coupon_code="SPRING10", action="apply_coupon"))

    removed = await payer.pay(VISA, coupon_code="")
    assert await charges(app) == []
    paid = await payer.pay(VISA, coupon_code="")

    assert removed.status_code == 200
    assert "Pay $50.00</button>" in removed.text
    assert "The coupon was removed." in removed.text
    assert paid.status_code == 200, paid.text
    assert await charges(app) == [(5000, "USD", "succeeded")]


async def test_a_coupon_used_up_after_it_was_applied_charges_nothing_and_is_named(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    coupon = await create_coupon(api, world.a.caller("admin"), code="ONCE", percentOff="10", maxRedemptions=1)
    _, path = await amount_request(api, world, "50.00", allowCoupon=True)
    payer = Browser(browsers[0], path)
    await payer.open()
    await payer.post(payer.form(None, coupon_code="ONCE", action="apply_coupon"))
    async with resources(app).sessions() as db:
        await db.exec(update(Coupon).where(col(Coupon.id) == coupon).values(times_redeemed=1))
        await db.commit()

    refused = await payer.pay(VISA, coupon_code="ONCE")

    assert refused.status_code == 422
    assert field_errors(refused.text)["coupon_code"].endswith("This coupon is used up.")
    assert inputs(refused.text)["coupon_code"]["value"] == ""
    assert "Pay $50.00</button>" in refused.text
    assert await charges(app) == []


async def test_every_answer_keeps_what_the_payer_typed_and_chose_but_the_number_and_cvc(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    await put_on_file(api, world.a.caller("rep"), world.a.customer_id, MASTERCARD)
    await create_coupon(api, world.a.caller("admin"), code="SPRING10", percentOff="10")
    _, path = await amount_request(api, world, "50.00", allowCoupon=True)
    payer = Browser(browsers[0], path)
    await payer.open()
    typed = payer.form(VISA, keep_card="yes", name="Ada King", exp_month="07")

    answers = [
        await payer.post(typed | {"coupon_code": "NOSUCH", "action": "apply_coupon"}),
        await payer.post(typed | {"coupon_code": "SPRING10"}),
        await payer.post(typed | {"coupon_code": "SPRING10", "cvc": "", "applied_coupon": "SPRING10"}),
    ]

    assert [a.status_code for a in answers] == [422, 200, 422]
    for answer in answers:
        fields = inputs(answer.text)
        assert (fields["name"]["value"], fields["exp_month"]["value"]) == ("Ada King", "07")
        assert fields["exp_year"]["value"] == YEAR
        assert "checked" in fields["keep_card"]
        assert "value" not in fields["number"]
        assert "value" not in fields["cvc"]
        radios = re.findall(r'name="payment_method" value="([^"]+)"( checked)?>', answer.text)
        assert [value for value, checked in radios if checked] == ["new"]
    assert await charges(app) == []


async def test_a_new_card_typed_while_a_card_on_file_is_chosen_asks_which_and_charges_nothing(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    method = await put_on_file(api, world.a.caller("rep"), world.a.customer_id, MASTERCARD)
    _, path = await amount_request(api, world, "50.00")
    payer = Browser(browsers[0], path)
    await payer.open()

    asked = await payer.post(payer.form(VISA, payment_method=method["id"]))

    assert asked.status_code == 422
    assert field_errors(asked.text)["payment_method"].startswith(
        "You typed a new card but chose Mastercard ending in 4444."
    )
    assert await charges(app) == []


async def test_a_request_without_coupons_ignores_a_posted_code(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    await create_coupon(api, world.a.caller("admin"), code="SPRING10", percentOff="10")
    _, path = await amount_request(api, world, "50.00")

    paid = await Browser(browsers[0], path).pay(VISA, coupon_code="SPRING10")

    assert paid.status_code == 200, paid.text
    assert await charges(app) == [(5000, "USD", "succeeded")]


# --- a gateway that does not answer ---------------------------------------------------------------


async def waiting_payment(
    app: Starlette, api: Api, world: World, browser: httpx.AsyncClient
) -> tuple[str, Browser, list[httpx.Response]]:
    """A request paid with a card on file whose charge the sandbox makes but whose answer is lost.

    (request id, the payer's browser, the pages the payer saw: the post, a repeat of it, a reload).
    """
    method = await put_on_file(api, world.a.caller("rep"), world.a.customer_id, VISA)
    gateway_id = await default_gateway(api, world)
    request_id, path = await amount_request(api, world, "25.00")
    payer = Browser(browser, path)
    await payer.open()
    await set_sandbox_fault(app, gateway_id, "timeout_after")
    seen = [
        await payer.post(payer.form(None, payment_method=method["id"])),
        await payer.post(payer.form(None, payment_method=method["id"])),
        await payer.open(),
    ]
    await set_sandbox_fault(app, gateway_id, None)
    return request_id, payer, seen


async def test_a_payment_waiting_for_the_gateway_is_not_paid_twice(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, payer, seen = await waiting_payment(app, api, world, browsers[0])

    for response in seen:
        assert response.status_code == 202
        assert "Your payment is being confirmed" in response.text
        assert "Do not pay again" in response.text
        assert "<form" not in response.text
    now = await state(api, world, request_id)
    assert (now["status"], now["transaction"]["status"], now["failedAttempts"]) == ("OPEN", "PENDING", 0)
    assert await charges(app) == [(2500, "USD", "succeeded")]
    assert len(await sales_of(app, world.a.customer_id)) == 1
    settled = await reconcile(services(app), now=datetime.now(UTC) + timedelta(minutes=15))
    assert [status for _, status in settled] == ["PAID"]
    shown = await payer.open()
    assert shown.status_code == 200
    assert "This payment has been made" in shown.text
    assert (await state(api, world, request_id))["status"] == "PAID"
    assert await charges(app) == [(2500, "USD", "succeeded")]


async def test_the_jobs_settle_a_waiting_payment_as_paid_even_past_the_expiry(
    app: Starlette, api: Api, world: World, browsers: list[httpx.AsyncClient]
) -> None:
    request_id, payer, _ = await waiting_payment(app, api, world, browsers[0])
    eight_days_on = datetime.now(UTC) + timedelta(days=8)

    # The worker's pass: reconciliation learns the charge went through, then expiry runs.
    await run_pass(Runner(services(app), clock=lambda: eight_days_on))
    after_pass = await state(api, world, request_id)
    shown = await payer.open()

    assert after_pass["transaction"]["status"] == "PAID"
    # The payer was charged: the request is PAID (not EXPIRED) and the page must not say nothing was charged.
    assert after_pass["status"] == "PAID"
    assert "Nothing was charged" not in shown.text
    assert "This payment has been made" in shown.text
    assert await charges(app) == [(2500, "USD", "succeeded")]
