"""Payloads of the gateway, card and card-link mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.payments.types import CardTokenizationLink, Gateway, PaymentMethod


@strawberry.type(description="The result of a mutation on a card on file.")
class PaymentMethodPayload:
    payment_method: PaymentMethod | None = strawberry.field(
        default=None, description="The card as it is now."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of a mutation on a card tokenization link.")
class CardTokenizationLinkPayload:
    card_tokenization_link: CardTokenizationLink | None = strawberry.field(
        default=None, description="The link as it is now."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of a mutation on a gateway.")
class GatewayPayload:
    gateway: Gateway | None = strawberry.field(default=None, description="The gateway as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
