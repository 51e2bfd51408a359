"""Changing invoice templates."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.context import Info
from paydesk.graphql.invoices.inputs import CreateInvoiceTemplateInput
from paydesk.graphql.invoices.payloads import InvoiceTemplatePayload
from paydesk.graphql.invoices.types import InvoiceTemplate
from paydesk.graphql.permissions import mutation
from paydesk.invoices import service as invoices


@strawberry.type
class InvoiceMutations:
    @mutation(
        role=Role.ADMIN,
        description=(
            "Add an invoice template. Its body is compiled and rendered with sample data first; "
            "a template error is INVALID on body, with the reason."
        ),
    )
    async def create_invoice_template(
        self, info: Info, input: CreateInvoiceTemplateInput
    ) -> InvoiceTemplatePayload:
        template = await invoices.create_template(
            info.context.db,
            info.context.caller,
            name=input.name,
            body=input.body,
            make_default=input.make_default,
        )
        return InvoiceTemplatePayload(invoice_template=InvoiceTemplate.from_model(template))
