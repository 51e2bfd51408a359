"""Reading open orders."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.subscriptions.types import Subscription, subscription_loaders


@strawberry.type
class SubscriptionQueries:
    @strawberry.field(
        description="A subscription or payment plan of your account by id; null when there is none."
    )
    async def subscription(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The order, prefix sub_.")],
    ) -> Subscription | None:
        found = await subscription_loaders(info).subscription.load(id)
        return Subscription.from_model(found) if found else None
