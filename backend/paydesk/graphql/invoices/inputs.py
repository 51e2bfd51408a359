"""Inputs for invoice templates."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A new invoice template; it must compile and render with sample data.")
class CreateInvoiceTemplateInput:
    name: str = strawberry.field(description="What staff pick it by, up to 100 characters.")
    body: str = strawberry.field(
        description=(
            "Jinja2 source of an HTML fragment, at most 100 KB, rendered in a sandbox with every value "
            "escaped. Variables: account, customer, invoice, transaction, lines, subtotal, discount, "
            "total, currency (see the built-in Standard template)."
        )
    )
    make_default: bool = strawberry.field(
        default=False, description="Use it for every invoice issued without naming a template."
    )


@strawberry.input(description="Email a sale's invoice again.")
class ResendInvoiceInput:
    transaction_id: strawberry.ID = strawberry.field(
        description="The sale whose invoice to send, prefix txn_."
    )
    email: str | None = strawberry.field(default=None, description="Omitted: the customer's email.")
