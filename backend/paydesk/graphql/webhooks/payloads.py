"""Payloads of the webhook mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.webhooks.types import WebhookDelivery, WebhookEndpoint


@strawberry.type(description="The result of a mutation on a webhook endpoint.")
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = strawberry.field(
        default=None, description="The endpoint as it is now."
    )
    secret: str | None = strawberry.field(
        default=None,
        description=(
            "The signing secret (whsec_...), only in the answers to createWebhookEndpoint and "
            "rotateWebhookSecret: keep it, it is never shown again."
        ),
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of redeliverEvent.")
class RedeliverEventPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        default=None, description="The new attempt, due now (the job sends it within seconds)."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
