"""Webhook endpoints (ADMIN and up): create, change, delete, rotate the secret, redeliver an event."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.context import Info
from paydesk.graphql.permissions import mutation
from paydesk.graphql.webhooks.inputs import (
    CreateWebhookEndpointInput,
    DeleteWebhookEndpointInput,
    RedeliverEventInput,
    RotateWebhookSecretInput,
    UpdateWebhookEndpointInput,
)
from paydesk.graphql.webhooks.payloads import RedeliverEventPayload, WebhookEndpointPayload
from paydesk.graphql.webhooks.types import WebhookDelivery, WebhookEndpoint
from paydesk.webhooks import service as webhooks
from paydesk.webhooks import targets


def _allow_private(info: Info) -> bool:
    return targets.allows_internal(info.context.settings)


@strawberry.type
class WebhookMutations:
    @mutation(
        role=Role.ADMIN,
        description=(
            "Send the account's events to a URL, signed per Standard Webhooks (webhook-id, "
            "webhook-timestamp, webhook-signature). The secret is in this answer only. Unknown types are "
            "INVALID at their position in events; in production, internal addresses are INVALID on url."
        ),
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        ctx = info.context
        endpoint, secret = await webhooks.create_endpoint(
            ctx.db,
            ctx.caller,
            ctx.server_secret,
            url=input.url,
            events=input.events,
            description=input.description,
            allow_private=_allow_private(info),
        )
        return WebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(endpoint), secret=secret)

    @mutation(
        role=Role.ADMIN, description="Change an endpoint's URL, event types, description or whether it is on."
    )
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        ctx = info.context
        endpoint = await webhooks.update_endpoint(
            ctx.db,
            ctx.caller,
            input.id,
            url=input.url,
            events=input.events,
            description=input.description,
            enabled=input.enabled,
            allow_private=_allow_private(info),
        )
        return WebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(endpoint))

    @mutation(
        role=Role.ADMIN,
        description="Stop sending to an endpoint and remove it; its deliveries stay as history.",
    )
    async def delete_webhook_endpoint(
        self, info: Info, input: DeleteWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        endpoint = await webhooks.delete_endpoint(info.context.db, info.context.caller, input.id)
        return WebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(endpoint))

    @mutation(
        role=Role.ADMIN,
        description=(
            "Replace an endpoint's signing secret; the new one is in this answer only. For 24 hours both "
            "sign (two v1 signatures), so the receiver can switch without missing a delivery."
        ),
    )
    async def rotate_webhook_secret(
        self, info: Info, input: RotateWebhookSecretInput
    ) -> WebhookEndpointPayload:
        ctx = info.context
        endpoint, secret = await webhooks.rotate_secret(ctx.db, ctx.caller, ctx.server_secret, input.id)
        return WebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(endpoint), secret=secret)

    @mutation(role=Role.ADMIN, description="Send an event to an endpoint again now, as a new attempt.")
    async def redeliver_event(self, info: Info, input: RedeliverEventInput) -> RedeliverEventPayload:
        delivery, event = await webhooks.redeliver(
            info.context.db, info.context.caller, input.event_id, input.endpoint_id
        )
        return RedeliverEventPayload(delivery=WebhookDelivery.from_model(delivery, event))
