"""Webhook endpoints and their delivery attempts over the API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from paydesk.events.feed import events_by_ids
from paydesk.graphql.context import Info
from paydesk.graphql.events.types import Event
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    PageInfo,
    edges_and_info,
    page_request,
)
from paydesk.models import Event as EventModel
from paydesk.models import WebhookDelivery as DeliveryModel
from paydesk.models import WebhookEndpoint as EndpointModel
from paydesk.pagination import Page
from paydesk.webhooks import service as webhooks


@strawberry.enum(description="Where one delivery attempt stands.")
class DeliveryStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Scheduled: not made yet.")
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="The receiver answered with a 2xx status.")
    FAILED = strawberry.enum_value(
        "FAILED", description="Another status or no answer in 10 s; a next attempt follows while one is due."
    )


@strawberry.type(description="One attempt to deliver one event to one endpoint.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix whd_.")
    attempt: int = strawberry.field(
        description="1 for the first attempt at this event and endpoint, then 2, 3, ..."
    )
    status: DeliveryStatus = strawberry.field(description="Scheduled, succeeded or failed.")
    response_status: int | None = strawberry.field(
        description="The receiver's HTTP status; null when no answer came."
    )
    duration_ms: int | None = strawberry.field(
        description="How long the receiver took to answer, in milliseconds."
    )
    created_at: datetime = strawberry.field(description="When the attempt was scheduled.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due; null when none is."
    )
    event: Event = strawberry.field(description="The event delivered.")

    @classmethod
    def from_model(cls, m: DeliveryModel, event: EventModel) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(m.id),
            attempt=m.attempt,
            status=DeliveryStatus[m.status],
            response_status=m.response_status,
            duration_ms=m.duration_ms,
            created_at=m.created_at,
            next_attempt_at=m.next_attempt_at,
            event=Event.from_model(event),
        )


@strawberry.type(description="One delivery attempt of a page.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description="Pass as after to get the attempts that follow.")
    node: WebhookDelivery = strawberry.field(description="The attempt.")


@strawberry.type(description="A page of an endpoint's delivery attempts, newest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge] = strawberry.field(description="The attempts of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")

    @classmethod
    def from_page(
        cls, page: Page[DeliveryModel], events: Mapping[str, EventModel]
    ) -> WebhookDeliveryConnection:
        """The page's attempts with their events (read in one query by the caller)."""
        edges, info = edges_and_info(
            page, lambda m: WebhookDelivery.from_model(m, events[m.event_id]), WebhookDeliveryEdge
        )
        return cls(edges=edges, page_info=info)


@strawberry.type(description="Where the account's events are sent, signed with the Standard Webhooks scheme.")
class WebhookEndpoint(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix whep_.")
    url: str = strawberry.field(description="Where events are POSTed (https:// in production).")
    events: list[str] = strawberry.field(description='Event types it receives; ["*"] receives every type.')
    description: str | None = strawberry.field(description="What it is for, for people.")
    enabled: bool = strawberry.field(description="False once disabled by staff or after failing for 3 days.")
    created_at: datetime = strawberry.field(
        description="When it was made; it receives the events recorded after."
    )
    account_id: strawberry.Private[str]

    @strawberry.field(description="Delivery attempts, newest first.")
    async def deliveries(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> WebhookDeliveryConnection:
        db = info.context.db
        page = await webhooks.deliveries_page(db, self.account_id, str(self.id), page_request(first, after))
        found = await events_by_ids(db, self.account_id, list({d.event_id for d in page.items}))
        return WebhookDeliveryConnection.from_page(page, {e.id: e for e in found})

    @classmethod
    def from_model(cls, m: EndpointModel) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(m.id),
            url=m.url,
            events=webhooks.subscribed_types(m),
            description=m.description,
            enabled=m.enabled,
            created_at=m.created_at,
            account_id=m.account_id,
        )
