"""Payloads of the coupon mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.coupons.types import Coupon
from paydesk.graphql.errors import UserError


@strawberry.type(description="The result of a mutation on a coupon.")
class CouponPayload:
    coupon: Coupon | None = strawberry.field(default=None, description="The coupon as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
