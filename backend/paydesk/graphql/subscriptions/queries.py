"""Reading open orders."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.billing import changes
from paydesk.errors import DomainError
from paydesk.graphql.context import Info
from paydesk.graphql.errors import user_errors
from paydesk.graphql.subscriptions.inputs import SubscriptionChangePreviewInput
from paydesk.graphql.subscriptions.payloads import SubscriptionChangePreviewResult
from paydesk.graphql.subscriptions.types import (
    Subscription,
    SubscriptionChangePreview,
    subscription_loaders,
)


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

    @strawberry.field(
        description=(
            "What updateSubscription(prorate: true) with this quantity or unit price would charge now or "
            "credit today, checked as it checks them; nothing is written or charged. Any role may ask."
        )
    )
    async def subscription_change_preview(
        self,
        info: Info,
        input: Annotated[
            SubscriptionChangePreviewInput, strawberry.argument(description="The order and the change.")
        ],
    ) -> SubscriptionChangePreviewResult:
        ctx = info.context
        try:
            preview = await changes.preview_change(
                ctx.db,
                ctx.caller,
                input.subscription_id,
                quantity=input.quantity,
                unit_price=input.unit_price,
                now=ctx.clock(),
            )
        except DomainError as error:
            return SubscriptionChangePreviewResult(user_errors=user_errors(error))
        return SubscriptionChangePreviewResult(preview=SubscriptionChangePreview.of(preview))
