"""Payloads of the product and offer mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.catalog.types import Offer, Product
from paydesk.graphql.errors import UserError


@strawberry.type(description="The result of a mutation on a product.")
class ProductPayload:
    product: Product | None = strawberry.field(default=None, description="The product as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of a mutation on a saved offer.")
class OfferPayload:
    offer: Offer | None = strawberry.field(default=None, description="The offer as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
