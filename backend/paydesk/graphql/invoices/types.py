"""Invoices and invoice templates, with the batch loaders their fields use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import PageInfo, edges_and_info
from paydesk.invoices import service as invoices
from paydesk.invoices.records import InvoiceRecord
from paydesk.models import Invoice as InvoiceModel
from paydesk.models import InvoiceTemplate as TemplateModel
from paydesk.models import Transaction as TransactionModel
from paydesk.pagination import Page, PageRequest, Position

if TYPE_CHECKING:
    from paydesk.graphql.sales.types import Transaction


@dataclass
class InvoiceLoaders:
    """Batch loaders of one request and one account, kept on the request's state."""

    db: AsyncSession
    account_id: str
    first_pages: DataLoader[tuple[str, int], Page[InvoiceRecord]] = field(init=False)
    by_transaction: DataLoader[str, InvoiceModel | None] = field(init=False)
    transaction: DataLoader[str, TransactionModel | None] = field(init=False)
    template: DataLoader[str, TemplateModel | None] = field(init=False)

    def __post_init__(self) -> None:
        self.first_pages = DataLoader(self._first_pages)
        self.by_transaction = DataLoader(self._by_transaction)
        self.transaction = DataLoader(self._transactions)
        self.template = DataLoader(self._templates)

    async def _first_pages(self, keys: Sequence[tuple[str, int]]) -> list[Page[InvoiceRecord]]:
        """First pages of invoices; keys are (customer id, page size), batched per size."""
        pages: dict[tuple[str, int], Page[InvoiceRecord]] = {}
        for size in {size for _, size in keys}:
            customer_ids = [cid for cid, s in keys if s == size]
            found = await invoices.invoices_of(
                self.db, self.account_id, customer_ids, PageRequest(size, None)
            )
            pages.update(((cid, size), page) for cid, page in zip(customer_ids, found, strict=True))
        return [pages[k] for k in keys]

    async def _by_transaction(self, keys: Sequence[str]) -> list[InvoiceModel | None]:
        found = {
            i.transaction_id: i
            for i in await invoices.invoice_for_transactions(self.db, self.account_id, keys)
        }
        return [found.get(k) for k in keys]

    async def _transactions(self, keys: Sequence[str]) -> list[TransactionModel | None]:
        found = {t.id: t for t in await invoices.transactions_by_ids(self.db, self.account_id, keys)}
        return [found.get(k) for k in keys]

    async def _templates(self, keys: Sequence[str]) -> list[TemplateModel | None]:
        found = {t.id: t for t in await invoices.templates_by_ids(self.db, self.account_id, keys)}
        return [found.get(k) for k in keys]


def invoice_loaders(info: Info) -> InvoiceLoaders:
    """This request's invoice loaders, made on first use."""
    db, account_id = info.context.db, info.context.caller.account_id
    return info.context.loaders.keep("invoices", lambda: InvoiceLoaders(db, account_id))


@strawberry.type(
    description=(
        "A Jinja2 template invoices are rendered with, in a sandbox; the context variables are listed "
        "in the paydesk.invoices.render documentation."
    )
)
class InvoiceTemplate(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix itpl_.")
    number: int = strawberry.field(
        description="The account's own number for it (1, 2, ...; never reused), as classic integrations send."
    )
    name: str = strawberry.field(description="What staff pick it by.")
    is_default: bool = strawberry.field(description="Used for invoices issued without naming a template.")
    body: str = strawberry.field(description="The Jinja2 source: an HTML fragment.")
    created_at: datetime = strawberry.field(description="When it was added.")

    @classmethod
    def from_model(cls, m: TemplateModel) -> InvoiceTemplate:
        return cls(
            id=strawberry.ID(m.id),
            number=m.number,
            name=m.name,
            is_default=m.is_default,
            body=m.body,
            created_at=m.created_at,
        )


@strawberry.type(description="The invoice of one sale, numbered per account without gaps.")
class Invoice(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix inv_.")
    number: str = strawberry.field(description="INV-000001, INV-000002, ...: consecutive within the account.")
    total: Money = strawberry.field(description="The sale's total when the invoice was issued.")
    issued_at: datetime = strawberry.field(description="When it was issued.")
    last_sent_at: datetime | None = strawberry.field(description="When it was last emailed; null if never.")
    _record: strawberry.Private[InvoiceModel | InvoiceRecord]

    @strawberry.field(description="Public page showing the invoice, for the customer; no login needed.")
    def url(self, info: Info) -> str:
        ctx = info.context
        return invoices.invoice_url(self._record, ctx.server_secret, ctx.settings.public_url)

    @strawberry.field(description="The sale it is for.")
    async def transaction(
        self, info: Info
    ) -> Annotated[Transaction, strawberry.lazy("paydesk.graphql.sales.types")]:
        from paydesk.graphql.sales.types import Transaction

        found = await invoice_loaders(info).transaction.load(self._record.transaction_id)
        assert found is not None, "an invoice's sale exists"
        return Transaction.from_model(found)

    @strawberry.field(description="The template it is rendered with.")
    async def template(self, info: Info) -> InvoiceTemplate | None:
        if self._record.template_id is None:
            return None
        found = await invoice_loaders(info).template.load(self._record.template_id)
        return InvoiceTemplate.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: InvoiceModel | InvoiceRecord) -> Invoice:
        return cls(
            id=strawberry.ID(m.id),
            number=m.number,
            total=Money.minor(m.total, m.currency),
            issued_at=m.issued_at,
            last_sent_at=m.last_sent_at,
            _record=m,
        )


@strawberry.type(description="An invoice and its cursor.")
class InvoiceEdge:
    cursor: str = strawberry.field(description="Pass as after to get the invoices that follow.")
    node: Invoice = strawberry.field(description="The invoice.")


@strawberry.type(description="A page of invoices, newest first.")
class InvoiceConnection:
    edges: list[InvoiceEdge] = strawberry.field(description="The invoices of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All the invoices, on every page.")

    @classmethod
    def from_page(cls, page: Page[InvoiceRecord]) -> InvoiceConnection:
        # Invoices are ordered by (issued_at, id), so their cursors hold issued_at.
        edges, info = edges_and_info(
            page, Invoice.from_model, InvoiceEdge, lambda m: Position(m.issued_at, m.id)
        )
        return cls(edges=edges, page_info=info, total_count=page.total)
