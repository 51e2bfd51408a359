"""An email template as the API shows it, and a rendered preview."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from paydesk.email_templates import kinds
from paydesk.email_templates.service import Rendered, Template
from paydesk.graphql.errors import UserError
from paydesk.models import Account


@strawberry.enum(description="The emails an account can rewrite.")
class EmailTemplateKind(Enum):
    RECEIPT = strawberry.enum_value(
        "RECEIPT", description="The receipt with the invoice, after a paid sale and on resendInvoice."
    )
    DUNNING_NOTICE = strawberry.enum_value(
        "DUNNING_NOTICE",
        description="After a declined installment: the decline, the next try and a fresh card link.",
    )
    RENEWAL_REMINDER = strawberry.enum_value(
        "RENEWAL_REMINDER",
        description="Some days before a subscription charges (Account.renewalReminderDays).",
    )
    PLAN_COMPLETED = strawberry.enum_value(
        "PLAN_COMPLETED", description="When a payment plan is paid in full (Account.emailPlanCompleted)."
    )

    @property
    def domain(self) -> kinds.Kind:
        return kinds.Kind(self.name)


@strawberry.type(description="A value an email template can use, e.g. {{ customer_name }}.")
class EmailTemplateVariable:
    name: str = strawberry.field(description="Its name in the template.")
    description: str = strawberry.field(description="What it holds.")


@strawberry.type(
    description=(
        "One email the account sends its customers, in the account's wording or paydesk's built-in one. "
        "Subject and body are plain-text Jinja2, rendered in the same sandbox as invoice templates."
    )
)
class EmailTemplate:
    kind: EmailTemplateKind = strawberry.field(description="Which email.")
    title: str = strawberry.field(description="Its name for people, e.g. Dunning notice.")
    sent_when: str = strawberry.field(description="When it goes out.")
    enabled: bool = strawberry.field(
        description=(
            "Whether the account sends it now: emailInvoices, dunningPolicy.emailCardLink, "
            "renewalReminderDays or emailPlanCompleted decide."
        )
    )
    subject: str = strawberry.field(description="The subject template as it is sent now.")
    body: str = strawberry.field(description="The plain-text body template as it is sent now.")
    is_custom: bool = strawberry.field(description="True when the account rewrote it; false: built-in.")
    updated_at: datetime | None = strawberry.field(description="When it was last rewritten; null: built-in.")
    default_subject: str = strawberry.field(description="paydesk's built-in subject, to start from.")
    default_body: str = strawberry.field(description="paydesk's built-in body, to start from.")
    variables: list[EmailTemplateVariable] = strawberry.field(description="The values it can use.")

    @classmethod
    def from_domain(cls, t: Template, account: Account) -> EmailTemplate:
        info = t.info
        return cls(
            kind=EmailTemplateKind[info.kind.value],
            title=info.title,
            sent_when=info.when,
            enabled=kinds.switched_on(account, info.kind),
            subject=t.subject,
            body=t.body,
            is_custom=t.custom,
            updated_at=t.updated_at,
            default_subject=info.default_subject(),
            default_body=info.default_body(),
            variables=[EmailTemplateVariable(name=v.name, description=v.description) for v in info.variables],
        )


@strawberry.type(description="An email rendered with sample values, as a customer would get it.")
class EmailPreview:
    subject: str = strawberry.field(description="The subject line.")
    text: str = strawberry.field(description="The plain-text part.")
    html: str = strawberry.field(description="The HTML part (a whole document, for a sandboxed iframe).")

    @classmethod
    def from_domain(cls, r: Rendered) -> EmailPreview:
        return cls(subject=r.subject, text=r.text, html=r.html)


@strawberry.type(
    description="The result of emailTemplatePreview: the rendered email, or why it does not render."
)
class EmailTemplatePreviewResult:
    preview: EmailPreview | None = strawberry.field(
        default=None, description="Null when there are userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description='Empty when it renders; else on ["input", "subject"] or ["input", "body"].',
    )
