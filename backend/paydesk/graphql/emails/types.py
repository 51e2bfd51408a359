"""The email log over the API: every email paydesk sent a customer, or is about to send."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from paydesk.graphql.pagination import PageInfo, edges_and_info
from paydesk.models import OutgoingEmail
from paydesk.pagination import Page


@strawberry.enum(description="Where an email stands.")
class EmailStatus(Enum):
    PENDING = strawberry.enum_value(
        "PENDING", description="Queued with its change; the outbox job sends it within seconds."
    )
    SENT = strawberry.enum_value("SENT", description="The mail server took it.")
    FAILED = strawberry.enum_value(
        "FAILED", description="The mail server refused it, or did not take it for a day of retries: given up."
    )


@strawberry.type(description="One email to a customer: what it was, to whom, when, and whether it went.")
class SentEmail:
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix eml_.")
    purpose: str = strawberry.field(description="What it was: invoice, card_request, payment_request, ...")
    to: str = strawberry.field(description="The address it went to.")
    subject: str = strawberry.field(description="Its subject line.")
    status: EmailStatus = strawberry.field(description="Queued, sent or given up.")
    attempts: int = strawberry.field(description="How many times it was handed to the mail server.")
    created_at: datetime = strawberry.field(description="When the change that sends it happened.")
    sent_at: datetime | None = strawberry.field(description="When the mail server took it; null until then.")
    error: str | None = strawberry.field(description="Why the last attempt failed; null when none did.")

    @classmethod
    def from_model(cls, m: OutgoingEmail) -> SentEmail:
        return cls(
            id=strawberry.ID(m.id),
            purpose=m.purpose,
            to=m.recipient,
            subject=m.subject,
            status=EmailStatus[m.status],
            attempts=m.attempts,
            created_at=m.created_at,
            sent_at=m.sent_at,
            error=m.last_error,
        )


@strawberry.type(description="One email of a page.")
class SentEmailEdge:
    cursor: str = strawberry.field(description="Pass as after to get the emails that follow.")
    node: SentEmail = strawberry.field(description="The email.")


@strawberry.type(description="A page of a customer's emails, newest first.")
class SentEmailConnection:
    edges: list[SentEmailEdge] = strawberry.field(description="The emails of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All of the customer's emails, on every page.")

    @classmethod
    def from_page(cls, page: Page[OutgoingEmail]) -> SentEmailConnection:
        edges, info = edges_and_info(page, SentEmail.from_model, SentEmailEdge)
        return cls(edges=edges, page_info=info, total_count=page.total)
