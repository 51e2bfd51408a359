"""The account's event feed over the API."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from paydesk.events.feed import data_of
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import PageInfo, edges_and_info
from paydesk.models import Event as EventModel
from paydesk.pagination import Page


@strawberry.enum(description="Who caused an event.")
class EventActorType(Enum):
    USER = strawberry.enum_value("USER", description="A staff member, signed in to the portal.")
    API_KEY = strawberry.enum_value(
        "API_KEY", description="An integration, with one of the account's API keys."
    )
    PAYER = strawberry.enum_value(
        "PAYER", description="The payer, on a hosted page (a payment request or card link)."
    )
    SYSTEM = strawberry.enum_value(
        "SYSTEM", description="paydesk itself: the billing runner, reconciliation, expiry."
    )


@strawberry.type(description="Who caused an event, as the webhook body's actor says too.")
class EventActor:
    type: EventActorType = strawberry.field(description="A staff member, an API key, the payer or paydesk.")
    id: strawberry.ID | None = strawberry.field(
        description="The user (usr_) or API key (app_) that acted; null for the payer and for paydesk."
    )


@strawberry.type(
    description=(
        "Something that happened in the account that an integration may act on, e.g. transaction.paid. "
        "Kept at least 30 days. The same event is what webhooks deliver."
    )
)
class Event(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix evt_.")
    type: str = strawberry.field(description="e.g. transaction.paid, subscription.past_due.")
    created_at: datetime = strawberry.field(description="When it happened.")
    data: JSON = strawberry.field(
        description=(
            "The object the event is about, in this API's shape as it was when the event happened "
            "(field names as in the API, money as {amount, currency, minorUnits})."
        )
    )
    actor: EventActor = strawberry.field(description="Who caused it.")

    @classmethod
    def from_model(cls, m: EventModel) -> Event:
        return cls(
            id=strawberry.ID(m.id),
            type=m.type,
            created_at=m.created_at,
            data=JSON(data_of(m)),
            actor=EventActor(
                type=EventActorType[m.actor_type],
                id=strawberry.ID(m.actor_id) if m.actor_id else None,
            ),
        )


@strawberry.type(description="One event of a page.")
class EventEdge:
    cursor: str = strawberry.field(description="Pass as after to get the events that follow.")
    node: Event = strawberry.field(description="The event.")


@strawberry.type(description="A page of the account's events, newest first.")
class EventConnection:
    edges: list[EventEdge] = strawberry.field(description="The events of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All events that match, on every page.")

    @classmethod
    def from_page(cls, page: Page[EventModel]) -> EventConnection:
        edges, info = edges_and_info(page, Event.from_model, EventEdge)
        return cls(edges=edges, page_info=info, total_count=page.total)
