"""Payloads of the open-order mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.subscriptions.types import Subscription


@strawberry.type(description="The result of a mutation on an open order.")
class SubscriptionPayload:
    subscription: Subscription | None = strawberry.field(default=None, description="The order as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
