"""Invoices through their services: numbering, templates in the sandbox, the public page and email."""

from __future__ import annotations

import asyncio
import email
import itertools
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.routing import Route

from paydesk import ids
from paydesk.accounts.service import create_account
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.errors import DomainError, ErrorCode
from paydesk.invoices import service as invoices
from paydesk.models import Account, Customer, Invoice, Transaction, TransactionLine
from paydesk.notify.email import OutboxMailer
from paydesk.outbox.delivery import deliver_emails
from paydesk.pagination import PageRequest, Position
from paydesk.unit_of_work import unit_of_work
from paydesk.web.invoice_page import invoice_routes
from paydesk.web.security import PAGE_CSP
from tests.helpers import resources

PUBLIC_URL = "http://127.0.0.1:8000"
_labels = itertools.count()

# A line: description, quantity, unit price and discount, in minor units.
LineSpec = tuple[str, int, int, int]


@dataclass(frozen=True)
class Shop:
    account: Account
    customer_id: str

    @property
    def admin(self) -> Principal:
        return Principal(self.account.id, Role.ADMIN)


async def new_shop(
    app: Starlette, *, currency: str = "USD", locale: str = "en-US", email: str | None = None
) -> Shop:
    res = resources(app)
    label = next(_labels)
    async with res.sessions() as db:
        created = await create_account(
            db,
            res.secret,
            name=f"Shop {label}",
            owner_email=f"owner{label}@shop.test",
            owner_password="correct horse battery",
            currency=currency,
            locale=locale,
        )
        customer = Customer(
            id=ids.new_id(ids.CUSTOMER),
            account_id=created.account.id,
            first_name="Ada",
            last_name="Lovelace",
            email=email if email is not None else f"ada{label}@example.com",
        )
        db.add(customer)
        await db.commit()
        return Shop(created.account, customer.id)


async def new_sale(
    db: AsyncSession, shop: Shop, lines: list[LineSpec] | None = None, *, currency: str | None = None
) -> Transaction:
    """A PAID logged sale with ``lines`` (one $10.00 line by default), flushed, not committed."""
    specs = lines if lines is not None else [("Tea", 1, 1000, 0)]
    subtotal = sum(quantity * price for _, quantity, price, _ in specs)
    discount = sum(d for *_, d in specs)
    sale = Transaction(
        id=ids.new_id(ids.TRANSACTION),
        account_id=shop.account.id,
        customer_id=shop.customer_id,
        status="PAID",
        origin="LOGGED",
        currency=currency or shop.account.default_currency,
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
    )
    db.add(sale)
    await db.flush()
    for position, (description, quantity, price, line_discount) in enumerate(specs):
        db.add(
            TransactionLine(
                transaction_id=sale.id,
                position=position,
                description=description,
                quantity=quantity,
                unit_price=price,
                subtotal=quantity * price,
                discount=line_discount,
                total=quantity * price - line_discount,
                kind="SINGLE",
            )
        )
    await db.flush()
    return sale


async def issue(
    app: Starlette, shop: Shop, lines: list[LineSpec] | None = None, *, template_id: str | None = None
) -> Invoice:
    """Record a sale and issue its invoice in one committed transaction."""
    res = resources(app)
    async with res.sessions() as db:
        sale = await new_sale(db, shop, lines)
        invoice = await invoices.issue_invoice(db, res.secret, shop.account, sale, template_id=template_id)
        await db.commit()
        return invoice


async def html_of(app: Starlette, invoice: Invoice) -> str:
    async with resources(app).read_sessions() as db:
        return await invoices.render_invoice_html(db, invoice)


def only_problem(
    error: pytest.ExceptionInfo[DomainError],
) -> tuple[ErrorCode, tuple[str | int, ...] | None, str]:
    [problem] = error.value.problems
    return problem.code, problem.field, problem.message


# Numbering


async def test_numbers_start_at_one_per_account_and_leave_no_gaps(app: Starlette) -> None:
    first, second = await new_shop(app), await new_shop(app)

    numbers = [(await issue(app, shop)).number for shop in (first, first, second, first, second)]

    assert numbers == ["INV-000001", "INV-000002", "INV-000001", "INV-000003", "INV-000002"]


async def test_concurrent_issuers_get_distinct_consecutive_numbers(app: Starlette) -> None:
    shop = await new_shop(app)
    res = resources(app)
    async with res.sessions() as db:
        sales = [await new_sale(db, shop) for _ in range(20)]
        await db.commit()

    async def issue_one(sale: Transaction) -> str:
        async with res.sessions() as db:
            invoice = await invoices.issue_invoice(db, res.secret, shop.account, sale, template_id=None)
            await db.commit()
            return invoice.number

    numbers = await asyncio.wait_for(asyncio.gather(*(issue_one(sale) for sale in sales)), timeout=60)

    assert sorted(numbers) == [f"INV-{n:06d}" for n in range(1, 21)]
    async with res.read_sessions() as db:
        templates = await invoices.list_templates(db, shop.account.id)
    assert [(t.name, t.is_default) for t in templates] == [("Standard", True)]


async def test_a_rolled_back_issue_gives_its_number_back(app: Starlette) -> None:
    shop = await new_shop(app)
    res = resources(app)
    async with res.sessions() as db:
        sale = await new_sale(db, shop)
        taken = await invoices.issue_invoice(db, res.secret, shop.account, sale, template_id=None)
        assert taken.number == "INV-000001"
        await db.rollback()

    assert (await issue(app, shop)).number == "INV-000001"
    assert (await issue(app, shop)).number == "INV-000002"


async def test_issuing_twice_returns_the_first_invoice_and_takes_no_number(app: Starlette) -> None:
    shop = await new_shop(app)
    res = resources(app)
    async with res.sessions() as db:
        sale = await new_sale(db, shop)
        first = await invoices.issue_invoice(db, res.secret, shop.account, sale, template_id=None)
        again = await invoices.issue_invoice(db, res.secret, shop.account, sale, template_id=None)
        await db.commit()

    assert again.id == first.id
    assert (await issue(app, shop)).number == "INV-000002"


# Templates


@pytest.mark.parametrize(
    ("currency", "lines", "expected"),
    [
        ("USD", [("Consulting", 1, 123_450, 0)], ["$1,234.50"]),
        ("USD", [("Tea", 3, 250, 0), ("Cake", 1, 400, 150)], ["$2.50", "$7.50", "$11.50", "$1.50", "$10.00"]),
        ("JPY", [("Sencha", 2, 500, 0)], ["¥500", "¥1,000"]),
        ("KWD", [("Dates", 1, 12_345, 0)], ["KWD\u00a012.345"]),
    ],
)
async def test_the_default_template_shows_lines_and_totals_in_the_account_locale(
    app: Starlette, currency: str, lines: list[LineSpec], expected: list[str]
) -> None:
    shop = await new_shop(app, currency=currency)
    invoice = await issue(app, shop, lines)

    html = await html_of(app, invoice)

    assert "INV-000001" in html
    assert "Ada Lovelace" in html
    assert shop.account.name in html
    for description, *_ in lines:
        assert description in html
    for amount in expected:
        assert amount in html
    assert "Status: Paid" in html
    assert "<script" not in html


async def test_values_are_escaped_in_the_invoice(app: Starlette) -> None:
    shop = await new_shop(app)
    invoice = await issue(app, shop, [("<script>alert(1)</script> & co", 1, 100, 0)])

    html = await html_of(app, invoice)

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ customer.__dict__ }}", "unsafe"),
        ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "range"),
        ("{{ range(10**9)|list|length }}", "range"),
        ("{{ 'x' * 10**9 }}", "at most"),
        ("{{ 2 ** 100000 }}", "too large"),
        ("{{ '{:>999999999}'.format(1) }}", "format"),
        ("{{ 'x'.center(10**9) }}", "unsafe"),
        (
            "{% for a in lines %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
            "loops",
        ),
        ("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}", "Macros"),
        ("{% include 'secrets.html' %}", "include"),
        ("{{ total|safe }}", "safe"),
        ("{{ lipsum(10**6) }}", "lipsum"),
        ("{{ lines.append(1) }}", "unsafe"),
        ("{{ no_such_thing }}", "no_such_thing"),
        ("{% if %}", "Line 1"),
        ("{{ 1 / 0 }}", "division"),
    ],
)
async def test_a_template_the_sandbox_refuses_is_invalid_on_body(
    app: Starlette, body: str, reason: str
) -> None:
    shop = await new_shop(app)
    async with resources(app).sessions() as db:
        with pytest.raises(DomainError) as refused:
            await invoices.create_template(db, shop.admin, name="Evil", body=body, make_default=False)

    code, field, message = only_problem(refused)
    assert (code, field) == (ErrorCode.INVALID, ("body",))
    assert reason in message


async def test_a_template_over_100_kb_is_invalid(app: Starlette) -> None:
    shop = await new_shop(app)
    async with resources(app).sessions() as db:
        with pytest.raises(DomainError) as refused:
            await invoices.create_template(
                db, shop.admin, name="Big", body="x" * (100 * 1024 + 1), make_default=False
            )

    assert only_problem(refused) == (ErrorCode.INVALID, ("body",), "A template is at most 100 KB.")


async def test_a_named_template_is_used_and_a_new_default_replaces_the_old(app: Starlette) -> None:
    shop = await new_shop(app)
    res = resources(app)
    plain = "<p>Plain {{ invoice.number }} for {{ customer.name }}: {{ total }}</p>"
    short = "<p>Short {{ invoice.number }}{% for line in lines %}, {{ line.description }}{% endfor %}</p>"
    async with res.sessions() as db:
        named = await invoices.create_template(db, shop.admin, name=" Plain ", body=plain, make_default=False)
        await db.commit()

    invoice = await issue(app, shop, template_id=named.id)
    standard = await issue(app, shop)

    assert await html_of(app, invoice) == "<p>Plain INV-000001 for Ada Lovelace: $10.00</p>"
    assert "<table" in await html_of(app, standard)

    async with res.sessions() as db:
        new_default = await invoices.create_template(
            db, shop.admin, name="Short", body=short, make_default=True
        )
        await db.commit()
        templates = await invoices.list_templates(db, shop.account.id)
    assert [(t.name, t.is_default) for t in templates] == [
        ("Short", True),
        ("Standard", False),
        ("Plain", False),
    ]
    assert templates[0].id == new_default.id

    assert await html_of(app, await issue(app, shop)) == "<p>Short INV-000003, Tea</p>"


async def test_a_template_of_another_account_is_not_found(app: Starlette) -> None:
    mine, theirs = await new_shop(app), await new_shop(app)
    res = resources(app)
    async with res.sessions() as db:
        foreign = await invoices.create_template(
            db, theirs.admin, name="Theirs", body="<p>x</p>", make_default=False
        )
        await db.commit()

    async with res.sessions() as db:
        sale = await new_sale(db, mine)
        with pytest.raises(DomainError) as refused:
            await invoices.issue_invoice(db, res.secret, mine.account, sale, template_id=foreign.id)
        await db.rollback()

    code, field, _ = only_problem(refused)
    assert (code, field) == (ErrorCode.NOT_FOUND, ("invoice_template_id",))
    assert (await issue(app, mine)).number == "INV-000001"


# Reading


async def test_invoices_page_newest_first_per_customer(app: Starlette) -> None:
    shop, other = await new_shop(app), await new_shop(app)
    made = [await issue(app, shop) for _ in range(3)]
    await issue(app, other)
    res = resources(app)

    async with res.read_sessions() as db:
        [first] = await invoices.invoices_of(db, shop.account.id, [shop.customer_id], PageRequest(2, None))
        last = first.items[-1]
        [rest] = await invoices.invoices_of(
            db, shop.account.id, [shop.customer_id], PageRequest(2, Position(last.issued_at, last.id))
        )
        [foreign] = await invoices.invoices_of(db, other.account.id, [shop.customer_id], PageRequest(2, None))
        by_sale = await invoices.invoice_for_transactions(db, shop.account.id, [made[1].transaction_id])

    assert [i.number for i in first.items] == ["INV-000003", "INV-000002"]
    assert (first.has_next, first.has_previous, first.total) == (True, False, 3)
    assert [i.number for i in rest.items] == ["INV-000001"]
    assert (rest.has_next, rest.has_previous) == (False, True)
    assert (list(foreign.items), foreign.total) == ([], 0)
    assert [i.id for i in by_sale] == [made[1].id]


async def test_the_url_token_finds_the_invoice_and_is_not_stored(app: Starlette) -> None:
    shop = await new_shop(app)
    invoice = await issue(app, shop)
    res = resources(app)

    url = invoices.invoice_url(invoice, res.secret, PUBLIC_URL + "/")
    token = url.removeprefix(PUBLIC_URL + "/invoice/")

    assert len(token) == 43
    assert token not in (invoice.token_hash, invoice.token_encrypted)
    async with res.read_sessions() as db:
        found = await invoices.invoice_by_token(db, token)
        assert found is not None
        assert found.id == invoice.id
        assert await invoices.invoice_by_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


# The public page


@pytest.fixture
async def browser(app: Starlette) -> httpx.AsyncClient:
    """A client of the app with the invoice page, whether or not create_app mounts it already."""
    if not any(isinstance(r, Route) and r.path == "/invoice/{token}" for r in app.router.routes):
        app.router.routes.extend(invoice_routes)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_public_page_shows_the_invoice(app: Starlette, browser: httpx.AsyncClient) -> None:
    shop = await new_shop(app)
    invoice = await issue(app, shop, [("Consulting", 1, 123_450, 0)])
    path = httpx.URL(invoices.invoice_url(invoice, resources(app).secret, PUBLIC_URL)).path

    async with browser:
        response = await browser.get(path)

    assert response.status_code == 200
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "script-src" not in PAGE_CSP
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert "<script" not in html.lower()
    assert f"<title>Invoice INV-000001 · {shop.account.name}</title>" in html
    assert "<td>Consulting</td>" in html
    assert "$1,234.50" in html


@pytest.mark.parametrize("token", ["A" * 43, "short", "not a token at all!"])
async def test_an_unknown_token_is_a_404_page(app: Starlette, browser: httpx.AsyncClient, token: str) -> None:
    async with browser:
        response = await browser.get(f"/invoice/{token}")

    assert response.status_code == 404
    assert "Invoice not found" in response.text
    assert response.headers["content-security-policy"] == PAGE_CSP


# Email


def outbox_messages(outbox: Path) -> list[EmailMessage]:
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=default_policy)
        for path in sorted(outbox.glob("*.eml"))
    ]
    assert all(isinstance(m, EmailMessage) for m in messages)
    return messages  # type: ignore[return-value]


async def test_an_invoice_email_goes_out_through_the_outbox_and_sets_last_sent_at(
    app: Starlette, tmp_path: Path
) -> None:
    shop = await new_shop(app, currency="KWD")
    invoice = await issue(app, shop, [("Dates", 1, 12_345, 0)])
    res = resources(app)
    mailer = OutboxMailer(tmp_path / "outbox", "shop@example.com")
    assert invoice.last_sent_at is None

    async with unit_of_work(res.sessions) as db:
        row = await invoices.get_invoice(db, shop.account.id, invoice.id)
        assert row is not None
        await invoices.queue_invoice_email(db, res.secret, PUBLIC_URL, row)
    assert outbox_messages(tmp_path / "outbox") == []
    assert (await deliver_emails(res.sessions, mailer, res.secret)).sent == 1

    [message] = outbox_messages(tmp_path / "outbox")
    url = invoices.invoice_url(invoice, res.secret, PUBLIC_URL)
    assert message["To"].endswith("@example.com")
    assert message["Subject"] == f"Invoice INV-000001 from {shop.account.name}"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    assert url in text.get_content()
    assert "KWD\u00a012.345" in text.get_content()
    assert url in html.get_content()
    async with res.read_sessions() as db:
        sent = await invoices.get_invoice(db, shop.account.id, invoice.id)
    assert sent is not None
    assert sent.last_sent_at is not None


async def test_an_invoice_email_to_another_address_or_without_one(app: Starlette, tmp_path: Path) -> None:
    shop = await new_shop(app, email="")
    invoice = await issue(app, shop)
    res = resources(app)
    mailer = OutboxMailer(tmp_path / "outbox", "shop@example.com")

    async with unit_of_work(res.sessions) as db:
        row = await invoices.get_invoice(db, shop.account.id, invoice.id)
        assert row is not None
        with pytest.raises(DomainError) as missing:
            await invoices.queue_invoice_email(db, res.secret, PUBLIC_URL, row)
        with pytest.raises(DomainError) as malformed:
            await invoices.queue_invoice_email(db, res.secret, PUBLIC_URL, row, to="not an address")
        await invoices.queue_invoice_email(db, res.secret, PUBLIC_URL, row, to="Books@Example.com")
    assert (await deliver_emails(res.sessions, mailer, res.secret)).sent == 1

    assert only_problem(missing)[:2] == (ErrorCode.INVALID, ("email",))
    assert only_problem(malformed)[:2] == (ErrorCode.INVALID, ("email",))
    [message] = outbox_messages(tmp_path / "outbox")
    assert message["To"] == "books@example.com"
