"""Inputs of the email template mutations and preview."""

from __future__ import annotations

import strawberry

from paydesk.graphql.email_templates.types import EmailTemplateKind


@strawberry.input(description="The account's own wording of one email.")
class UpdateEmailTemplateInput:
    kind: EmailTemplateKind = strawberry.field(description="Which email.")
    subject: str = strawberry.field(description="The subject template (one line once rendered).")
    body: str = strawberry.field(
        description="The plain-text body template; the HTML part shows it with its links made clickable."
    )


@strawberry.input(description="The email to take back to paydesk's built-in wording.")
class ResetEmailTemplateInput:
    kind: EmailTemplateKind = strawberry.field(description="Which email.")


@strawberry.input(description="A wording to render with sample values before saving it.")
class EmailTemplatePreviewInput:
    kind: EmailTemplateKind = strawberry.field(description="Which email.")
    subject: str = strawberry.field(description="The subject template.")
    body: str = strawberry.field(description="The plain-text body template.")
