"""Reading and previewing the account's email templates."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.email_templates import service as email_templates
from paydesk.errors import DomainError
from paydesk.graphql.context import Info
from paydesk.graphql.email_templates.inputs import EmailTemplatePreviewInput
from paydesk.graphql.email_templates.types import EmailPreview, EmailTemplate, EmailTemplatePreviewResult
from paydesk.graphql.errors import user_errors
from paydesk.models import Account


async def caller_account(info: Info) -> Account:
    account = await info.context.loaders.account.load(info.context.caller.account_id)
    assert account is not None, "a principal's account exists"
    return account


@strawberry.type
class EmailTemplateQueries:
    @strawberry.field(
        description=(
            "The emails the account sends its customers after a change, each with its wording (the "
            "account's or the built-in one), whether it is switched on and the values it can use."
        )
    )
    async def email_templates(self, info: Info) -> list[EmailTemplate]:
        account = await caller_account(info)
        found = await email_templates.templates_of(info.context.db, account.id)
        return [EmailTemplate.from_domain(t, account) for t in found]

    @strawberry.field(
        description=(
            "An email in the given wording, rendered with sample values and the account's name, as a "
            "customer would get it; nothing is saved. The built-in wording, unchanged, shows its own HTML."
        )
    )
    async def email_template_preview(
        self,
        info: Info,
        input: Annotated[
            EmailTemplatePreviewInput, strawberry.argument(description="The wording to render.")
        ],
    ) -> EmailTemplatePreviewResult:
        account = await caller_account(info)
        try:
            rendered = email_templates.preview(
                input.kind.domain, account.name, subject=input.subject, body=input.body
            )
        except DomainError as error:
            return EmailTemplatePreviewResult(user_errors=user_errors(error))
        return EmailTemplatePreviewResult(preview=EmailPreview.from_domain(rendered))
