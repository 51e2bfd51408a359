"""Reading invoice templates, and the invoice fields other types delegate to.

``invoiceTemplates`` only reads: an account that has neither made a
template nor issued an invoice has no rows yet and gets an empty list.
The built-in "Standard" template becomes a row (the default) the first
time a template is created or an invoice issued; issuing without a
template always uses it, so the empty list never blocks a sale.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.invoices.types import Invoice, InvoiceConnection, InvoiceTemplate, invoice_loaders
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import AFTER_DESCRIPTION, FIRST_DESCRIPTION, page_request
from paydesk.invoices import service as invoices


@strawberry.type
class InvoiceQueries:
    @strawberry.field(
        description=(
            "The account's invoice templates, the default first, then oldest first. Empty until the "
            "first template is made or the first invoice issued (which adds the built-in Standard one)."
        )
    )
    async def invoice_templates(self, info: Info) -> list[InvoiceTemplate]:
        ctx = info.context
        return [
            InvoiceTemplate.from_model(t)
            for t in await invoices.list_templates(ctx.db, ctx.caller.account_id)
        ]


async def customer_invoices(
    info: Info,
    customer_id: str,
    first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
    after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
) -> InvoiceConnection:
    """Customer.invoices: the customer's invoices, newest first (first pages batched per request)."""
    request = page_request(first, after)
    ctx = info.context
    if request.after is None:
        page = await invoice_loaders(info).first_pages.load((customer_id, request.first))
    else:
        page = (await invoices.invoices_of(ctx.db, ctx.caller.account_id, [customer_id], request))[0]
    return InvoiceConnection.from_page(page)


async def transaction_invoice(info: Info, transaction_id: str) -> Invoice | None:
    """Transaction.invoice: the sale's invoice, batched per request; null when it has none."""
    found = await invoice_loaders(info).by_transaction.load(transaction_id)
    return Invoice.from_model(found) if found else None


async def invoice_node(info: Info, id: str) -> Node | None:
    """node(id:) for inv_ ids."""
    found = await invoices.get_invoice(info.context.db, info.context.caller.account_id, id)
    return Invoice.from_model(found) if found else None


async def invoice_template_node(info: Info, id: str) -> Node | None:
    """node(id:) for itpl_ ids."""
    found = await invoice_loaders(info).template.load(id)
    return InvoiceTemplate.from_model(found) if found else None
