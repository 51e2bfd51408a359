"""Payloads of the open-order mutations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.subscriptions.types import Subscription, SubscriptionChangePreview

if TYPE_CHECKING:
    from paydesk.graphql.sales.types import Transaction


@strawberry.type(description="The result of a mutation on an open order.")
class SubscriptionPayload:
    subscription: Subscription | None = strawberry.field(default=None, description="The order as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(
    description="The result of subscriptionChangePreview: the preview, or why updateSubscription refuses."
)
class SubscriptionChangePreviewResult:
    preview: SubscriptionChangePreview | None = strawberry.field(
        default=None, description="What the change would do today; null when there are userErrors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description='Empty when the change is possible; else on updateSubscription\'s paths, e.g. ["input", '
        '"quantity"].',
    )


@strawberry.type(description="The result of retryInstallment: the order and the sale the retry made.")
class RetryInstallmentPayload:
    subscription: Subscription | None = strawberry.field(
        default=None, description="The order as it is now (ACTIVE again when the retry was paid)."
    )
    transaction: Annotated[Transaction, strawberry.lazy("paydesk.graphql.sales.types")] | None = (
        strawberry.field(
            default=None,
            description="The installment's sale: PAID, DECLINED, FAILED or PENDING like any charge.",
        )
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
