"""Payloads of the invoice template mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.invoices.types import Invoice, InvoiceTemplate


@strawberry.type(description="The result of a mutation on an invoice template.")
class InvoiceTemplatePayload:
    invoice_template: InvoiceTemplate | None = strawberry.field(
        default=None, description="The template as it is now."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of a mutation on an invoice.")
class InvoicePayload:
    invoice: Invoice | None = strawberry.field(default=None, description="The invoice as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
