"""Rewriting the account's emails (ADMIN and up)."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.email_templates import service as email_templates
from paydesk.graphql.context import Info
from paydesk.graphql.email_templates.inputs import ResetEmailTemplateInput, UpdateEmailTemplateInput
from paydesk.graphql.email_templates.payloads import EmailTemplatePayload
from paydesk.graphql.email_templates.queries import caller_account
from paydesk.graphql.email_templates.types import EmailTemplate
from paydesk.graphql.permissions import mutation


@strawberry.type
class EmailTemplateMutations:
    @mutation(
        role=Role.ADMIN,
        description=(
            "Send an email in the account's own wording from now on. Both parts are checked with sample "
            "values: a template that does not render, or uses a value the email does not have, is INVALID "
            "on subject or body. Saving the built-in wording unchanged goes back to it."
        ),
    )
    async def update_email_template(
        self, info: Info, input: UpdateEmailTemplateInput
    ) -> EmailTemplatePayload:
        ctx = info.context
        saved = await email_templates.save_template(
            ctx.db, ctx.caller, input.kind.domain, subject=input.subject, body=input.body
        )
        return EmailTemplatePayload(
            email_template=EmailTemplate.from_domain(saved, await caller_account(info))
        )

    @mutation(role=Role.ADMIN, description="Send an email in paydesk's built-in wording again.")
    async def reset_email_template(self, info: Info, input: ResetEmailTemplateInput) -> EmailTemplatePayload:
        ctx = info.context
        saved = await email_templates.reset_template(ctx.db, ctx.caller, input.kind.domain)
        return EmailTemplatePayload(
            email_template=EmailTemplate.from_domain(saved, await caller_account(info))
        )
