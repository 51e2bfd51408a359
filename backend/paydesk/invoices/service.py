"""Invoices: numbered per account without gaps, shown at PUBLIC_URL/invoice/{token}, emailed on request.

An invoice is issued in the same database transaction that records its sale
(nothing here commits). Its number comes from the account's
``invoice_counter`` row, bumped under a row lock, so concurrent sales queue
for numbers and a rolled-back sale gives its number back.

The token in the public URL is 256 random bits; the database keeps its
SHA-256 (to find the invoice) and its encryption (to show the URL again),
never the token itself. Templates are rendered in a sandbox (see
``render``); every account has a default template, the built-in
"Standard" one until the merchant names another.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids, rows
from paydesk.auth.principal import Principal
from paydesk.auth.tokens import session_token_hash
from paydesk.clock import utcnow
from paydesk.crypto import decrypt_text, encrypt_text
from paydesk.email_templates import service as email_templates
from paydesk.email_templates.kinds import Kind
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.invoices import render
from paydesk.invoices import repository as repo
from paydesk.invoices.records import InvoiceRecord, IssuedInvoice
from paydesk.logs import get_logger
from paydesk.models import Account, Customer, Invoice, InvoiceTemplate, OutgoingEmail, Transaction
from paydesk.money import Money
from paydesk.outbox.emails import queue_email
from paydesk.pagination import Page, PageRequest
from paydesk.subscriptions.plans import plan_payment_number
from paydesk.transactions import repository as sales
from paydesk.transactions.repository import COUNTED
from paydesk.validation import clean_required, normalize_email

log = get_logger("paydesk.invoices")
# The outbox purpose of an invoice's email (OutgoingEmail.purpose).
INVOICE_EMAIL = "invoice"

INVOICE_TOKENS = "paydesk invoice tokens v1"
PATH = "/invoice/"
# New invoices are appended as plain rows (paydesk.rows).
INVOICES = rows.table_of(Invoice)
TEMPLATE_FIELD = ("invoice_template_id",)


def number_for(sequence: int) -> str:
    return f"INV-{sequence:06d}"


# Templates


async def ensure_default_template(session: AsyncSession, account_id: str) -> InvoiceTemplate:
    """The account's default template, made from the built-in one if it has none (not committed).

    Every account gets it when it is created (and migration 0017 gave it to older accounts), so
    this finds it; it makes it only for an account created some other way.
    """
    found = await repo.default_template(session, account_id)
    if found is not None:
        return found
    await repo.lock_account(session, account_id)
    found = await repo.default_template(session, account_id)  # another issuer may have made it meanwhile
    if found is not None:
        return found
    template = InvoiceTemplate(
        id=ids.new_id(ids.INVOICE_TEMPLATE),
        account_id=account_id,
        name=render.DEFAULT_TEMPLATE_NAME,
        body=render.default_source(),
        is_default=True,
    )
    session.add(template)
    await session.flush()
    return template


async def create_template(
    session: AsyncSession, principal: Principal, *, name: str, body: str, make_default: bool
) -> InvoiceTemplate:
    """A new template once its body compiles and renders with sample data; INVALID on ("body",) if not."""
    problems = Problems()
    clean_name = clean_required(problems, name, ("name",), max_length=100, label="Name")
    try:
        render.check(body)
    except render.TemplateRefused as refused:
        problems.add(ErrorCode.INVALID, str(refused), ("body",))
    problems.raise_any()
    account_id = principal.account_id
    await ensure_default_template(session, account_id)
    if make_default:
        await repo.lock_account(session, account_id)
        await repo.clear_default_template(session, account_id)
    template = InvoiceTemplate(
        id=ids.new_id(ids.INVOICE_TEMPLATE),
        account_id=account_id,
        name=clean_name,
        body=body,
        is_default=make_default,
    )
    session.add(template)
    await session.flush()
    return template


async def list_templates(session: AsyncSession, account_id: str) -> list[InvoiceTemplate]:
    """The account's templates, the default first; empty until the first is made or an invoice issued."""
    return await repo.templates_of(session, account_id)


async def get_template(session: AsyncSession, account_id: str, template_id: str) -> InvoiceTemplate | None:
    return await repo.template(session, account_id, template_id)


async def templates_by_ids(
    session: AsyncSession, account_id: str, template_ids: Sequence[str]
) -> list[InvoiceTemplate]:
    return await repo.templates_by_ids(session, account_id, template_ids) if template_ids else []


async def get_template_or_fail(session: AsyncSession, account_id: str, template_id: str) -> InvoiceTemplate:
    """The account's template; NOT_FOUND on ("invoice_template_id",) for a missing or another account's."""
    template = await repo.template(session, account_id, template_id)
    if template is None:
        raise not_found("invoice template", TEMPLATE_FIELD)
    return template


# Issuing


async def issue_invoice(
    session: AsyncSession,
    secret: bytes,
    account: Account,
    transaction: Transaction,
    *,
    template_id: str | None,
) -> Invoice:
    """The sale's invoice, numbered in the caller's transaction (not committed).

    The template is ``template_id``, else the one the sale named, else the
    account's default. A sale that has its invoice already gets it back,
    and no number is taken.
    """
    (issued,) = await issue_invoices(session, secret, account, [transaction], template_id=template_id)
    if isinstance(issued, Invoice):
        return issued
    invoice = await session.get(Invoice, issued.id)  # its row is written before this read
    assert invoice is not None, "an issued invoice is in its transaction"
    return invoice


async def issue_invoices(
    session: AsyncSession,
    secret: bytes,
    account: Account,
    transactions: Sequence[Transaction],
    *,
    template_id: str | None = None,
) -> list[Invoice | IssuedInvoice]:
    """The invoices of an account's sales, in their order, numbered in the caller's transaction.

    As ``issue_invoice`` for each sale, with a batch's statements: one read
    of the invoices they have, one of their templates, and one counter
    update for all the new numbers, which are consecutive in the sales'
    order (and given back together if the transaction rolls back). A new
    invoice is a plain row appended to the transaction (``paydesk.rows``).
    """
    assert all(sale.account_id == account.id for sale in transactions), "sales belong to their account"
    sale_ids = [sale.id for sale in transactions]
    existing: dict[str, Invoice | IssuedInvoice] = {
        invoice.transaction_id: invoice
        for invoice in await repo.of_transactions(session, account.id, sale_ids)
    }
    new = [sale for sale in transactions if sale.id not in existing]
    if new:
        chosen = {
            sale.id: template_id if template_id is not None else sale.invoice_template_id for sale in new
        }
        templates = {
            named: await get_template_or_fail(session, account.id, named)
            for named in sorted({named for named in chosen.values() if named is not None})
        }
        default = await ensure_default_template(session, account.id) if None in chosen.values() else None
        sequences = await repo.next_sequences(session, account.id, len(new))
        issued_at = utcnow()
        for sale, sequence in zip(new, sequences, strict=True):
            named = chosen[sale.id]
            template = templates[named] if named is not None else default
            assert template is not None
            token = secrets.token_urlsafe(32)
            invoice = IssuedInvoice(
                id=ids.new_id(ids.INVOICE),
                account_id=account.id,
                transaction_id=sale.id,
                customer_id=sale.customer_id,
                sequence=sequence,
                number=number_for(sequence),
                total=sale.total,
                currency=sale.currency,
                template_id=template.id,
                token_hash=session_token_hash(token),
                token_encrypted=encrypt_text(secret, INVOICE_TOKENS, token),
                issued_at=issued_at,
            )
            rows.append(session, INVOICES, invoice.row())
            existing[sale.id] = invoice
    return [existing[sale_id] for sale_id in sale_ids]


def invoice_url(invoice: Invoice | IssuedInvoice | InvoiceRecord, secret: bytes, public_url: str) -> str:
    """The invoice's public URL again, from its encrypted token."""
    return f"{public_url.rstrip('/')}{PATH}{decrypt_text(secret, INVOICE_TOKENS, invoice.token_encrypted)}"


# Reading


async def get_invoice(session: AsyncSession, account_id: str, invoice_id: str) -> Invoice | None:
    return await repo.invoice(session, account_id, invoice_id)


async def invoice_by_token(session: AsyncSession, token: str) -> Invoice | None:
    """The invoice behind a public URL token; None for an unknown one."""
    return await repo.by_token_hash(session, session_token_hash(token))


async def invoice_for_transactions(
    session: AsyncSession, account_id: str, transaction_ids: Sequence[str]
) -> list[Invoice]:
    """The invoices of these sales of the account (a sale has at most one), in no order."""
    return await repo.of_transactions(session, account_id, transaction_ids) if transaction_ids else []


async def transactions_by_ids(
    session: AsyncSession, account_id: str, transaction_ids: Sequence[str]
) -> list[Transaction]:
    """The account's sales among these ids, for the sale of each invoice."""
    return await repo.transactions(session, account_id, transaction_ids) if transaction_ids else []


async def transaction_of(session: AsyncSession, invoice: Invoice) -> Transaction:
    transaction = await session.get(Transaction, invoice.transaction_id)
    assert transaction is not None, "an invoice's sale exists"
    assert transaction.account_id == invoice.account_id, "an invoice's sale is of its account"
    return transaction


async def invoices_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], request: PageRequest
) -> list[Page[InvoiceRecord]]:
    """One page of invoices, newest first, for each customer in the order of ``customer_ids`` (plain
    records)."""
    by_customer: dict[str, list[InvoiceRecord]] = {cid: [] for cid in customer_ids}
    counts: dict[str, int] = {}
    if request.after is None:
        # First pages carry their totals (a window count per customer): one statement for all.
        firsts = await repo.first_invoices(session, account_id, customer_ids, request.first + 1)
        for invoice, total in firsts:
            by_customer[invoice.customer_id].append(invoice)
            counts[invoice.customer_id] = total
    else:
        counts = await repo.invoice_counts(session, account_id, customer_ids)
        for cid in customer_ids:
            by_customer[cid] = await repo.invoices_after(session, account_id, cid, request)
    return [
        Page(rows[: request.first], len(rows) > request.first, request.after is not None, counts.get(cid, 0))
        for cid, rows in ((cid, by_customer[cid]) for cid in customer_ids)
    ]


# Showing and sending


async def render_invoice_html(session: AsyncSession, invoice: Invoice) -> str:
    """The invoice as HTML (a fragment, every value escaped), from its template.

    Should the template fail on this invoice's data, the built-in template
    is used instead and a warning logged: the customer always sees their invoice.
    """
    account = await session.get(Account, invoice.account_id)
    customer = await session.get(Customer, invoice.customer_id)
    transaction = await transaction_of(session, invoice)
    assert account is not None, "an invoice's account exists"
    assert customer is not None, "an invoice's customer exists"
    template = await repo.template(session, account.id, invoice.template_id) if invoice.template_id else None
    lines = await repo.lines_of(session, transaction.id)
    payment = plan_payment_number(transaction.installment_key)
    context = render.context_of(
        account=render.AccountView(account.name),
        customer=render.CustomerView(customer.first_name, customer.last_name, customer.email),
        number=invoice.number,
        issued_at=invoice.issued_at,
        status=transaction.status,
        transaction_date=transaction.transaction_date,
        currency=transaction.currency,
        lines=[
            render.LineAmounts(
                line.description,
                line.quantity,
                line.unit_price,
                line.subtotal,
                line.discount,
                line.total,
                plan_payment=payment if line.kind == "PAYMENT_PLAN" else None,
                payment_count=line.payment_count,
                unit=line.unit,
            )
            for line in lines
        ],
        totals=(transaction.subtotal, transaction.discount, transaction.total),
        where=render.Localization(account.locale, account.timezone),
        refunded=sum(
            r.amount for r in await sales.refunds_of(session, [transaction.id]) if r.status in COUNTED
        ),
    )
    source = template.body if template is not None else render.default_source()
    try:
        return render.render(source, context)
    except render.TemplateRefused as refused:
        log.warning(
            "invoice.template_failed",
            invoice_id=invoice.id,
            template_id=invoice.template_id,
            error=str(refused),
        )
        return render.render(render.default_source(), context)


async def queue_invoice_email(
    session: AsyncSession,
    secret: bytes,
    public_url: str,
    invoice: Invoice | IssuedInvoice,
    *,
    to: str | None = None,
    principal: Principal | None = None,
) -> OutgoingEmail:
    """Put the invoice's email (number, total and link) to ``to`` or else the customer in the outbox.

    INVALID on ("email",) when there is no (valid) address. Nothing is sent
    here: the outbox job sends it once the caller's change commits, and
    ``mark_sent`` then sets the invoice's last_sent_at.
    """
    customer = await session.get(Customer, invoice.customer_id)
    account = await session.get(Account, invoice.account_id)
    assert account is not None, "an invoice's account exists"
    assert customer is not None, "an invoice's customer exists"
    given = (to or "").strip() or customer.email
    if not given:
        raise fail(
            ErrorCode.INVALID,
            "The customer has no email address; give one to send the invoice to.",
            ("email",),
        )
    address = normalize_email(given)
    if address is None:
        raise fail(ErrorCode.INVALID, "This is not a valid email address.", ("email",))
    values = {
        "merchant_name": account.name,
        "customer_name": (customer.first_name or "").strip() or None,
        "number": invoice.number,
        "total": Money(invoice.total, invoice.currency).format(account.locale),
        "url": invoice_url(invoice, secret, public_url),
    }
    email = await email_templates.compose(session, account.id, Kind.RECEIPT, values, to=address)
    return queue_email(
        session,
        secret,
        email,
        account_id=account.id,
        purpose=INVOICE_EMAIL,
        customer_id=customer.id,
        subject_id=invoice.id,
        principal=principal,
    )


async def mark_sent(session: AsyncSession, invoice_id: str, at: datetime) -> Invoice | None:
    """The outbox handed the invoice's email over at ``at``; the invoice says so (nothing is committed)."""
    invoice = await session.get(Invoice, invoice_id)
    if invoice is None:
        return None
    invoice.last_sent_at = at
    session.add(invoice)
    await session.flush()
    return invoice


@dataclass(frozen=True)
class PublicInvoice:
    """What the public page shows: the merchant, the number and the rendered invoice."""

    merchant: str
    number: str
    html: str


async def public_invoice(session: AsyncSession, token: str) -> PublicInvoice | None:
    """The invoice behind a URL token, rendered; None for an unknown token."""
    invoice = await invoice_by_token(session, token)
    if invoice is None:
        return None
    account = await session.get(Account, invoice.account_id)
    assert account is not None, "an invoice's account exists"
    return PublicInvoice(account.name, invoice.number, await render_invoice_html(session, invoice))
