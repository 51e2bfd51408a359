"""Reading webhook endpoints (ADMIN and up)."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role, allows
from paydesk.graphql.context import Info
from paydesk.graphql.errors import forbidden_read
from paydesk.graphql.node import Node
from paydesk.graphql.webhooks.types import WebhookEndpoint
from paydesk.webhooks import service as webhooks


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="The account's webhook endpoints, oldest first (ADMIN and up; others get FORBIDDEN)."
    )
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        caller = info.context.caller
        if not allows(caller.role, Role.ADMIN):
            raise forbidden_read(
                f"webhookEndpoints needs the ADMIN role or higher; you have {caller.role.value}."
            )
        return [
            WebhookEndpoint.from_model(e)
            for e in await webhooks.list_endpoints(info.context.db, caller.account_id)
        ]


async def webhook_endpoint_node(info: Info, id: str) -> Node | None:
    caller = info.context.caller
    if not allows(caller.role, Role.ADMIN):
        return None
    found = await webhooks.get_endpoint(info.context.db, caller.account_id, id)
    return WebhookEndpoint.from_model(found) if found else None
