"""Payloads of the email template mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.email_templates.types import EmailTemplate
from paydesk.graphql.errors import UserError


@strawberry.type(description="The result of updateEmailTemplate and resetEmailTemplate.")
class EmailTemplatePayload:
    email_template: EmailTemplate | None = strawberry.field(
        default=None, description="The email's template as it is sent from now on."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
