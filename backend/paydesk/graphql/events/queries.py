"""Reading the account's events (every role, and API keys)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.events import feed
from paydesk.events.types import EVENT_TYPES
from paydesk.graphql.context import Info
from paydesk.graphql.events.types import Event, EventConnection
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import AFTER_DESCRIPTION, FIRST_DESCRIPTION, page_request


@strawberry.type
class EventQueries:
    @strawberry.field(
        description=(
            "The account's events, newest first, kept at least 30 days. Deliveries may arrive in "
            "another order: order by createdAt."
        )
    )
    async def events(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        type: Annotated[
            str | None, strawberry.argument(description="Only events of this type, e.g. transaction.paid.")
        ] = None,
    ) -> EventConnection:
        ctx = info.context
        page = await feed.list_events(ctx.db, ctx.caller.account_id, page_request(first, after), type)
        return EventConnection.from_page(page)

    @strawberry.field(
        description=(
            "Every event type paydesk records, for filters and webhook endpoint pickers "
            '(an endpoint may also take "*": every type, present and future).'
        )
    )
    def event_types(self) -> list[str]:
        return list(EVENT_TYPES)


async def event_node(info: Info, id: str) -> Node | None:
    found = await feed.get_event(info.context.db, info.context.caller.account_id, id)
    return Event.from_model(found) if found else None
