"""Inputs of the webhook mutations."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A new webhook endpoint.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="Where to POST events; in production a public https:// address.")
    events: list[str] = strawberry.field(
        description='Event types to receive, e.g. ["transaction.paid"]; ["*"] for all.'
    )
    description: str | None = strawberry.field(default=None, description="What it is for, for people.")


@strawberry.input(description="Changes to an endpoint; fields left out stay as they are.")
class UpdateWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description="The endpoint, prefix whep_.")
    url: str | None = strawberry.field(default=None, description="A new address.")
    events: list[str] | None = strawberry.field(
        default=None, description="The event types it receives from now on."
    )
    description: str | None = strawberry.field(
        default=None, description="A new description; empty clears it."
    )
    enabled: bool | None = strawberry.field(
        default=None,
        description="False stops deliveries; true starts them again (after a 3-day failure too).",
    )


@strawberry.input(description="The endpoint to delete.")
class DeleteWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description="The endpoint, prefix whep_.")


@strawberry.input(description="The endpoint whose signing secret to replace.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description="The endpoint, prefix whep_.")


@strawberry.input(description="Send an event to an endpoint again, now.")
class RedeliverEventInput:
    event_id: strawberry.ID = strawberry.field(description="The event, prefix evt_.")
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint, prefix whep_.")
