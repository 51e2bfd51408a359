"""Creating coupons."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.coupons import service as coupons
from paydesk.graphql.context import Info
from paydesk.graphql.coupons.inputs import CreateCouponInput
from paydesk.graphql.coupons.payloads import CouponPayload
from paydesk.graphql.coupons.types import Coupon
from paydesk.graphql.permissions import mutation


@strawberry.type
class CouponMutations:
    @mutation(
        role=Role.ADMIN,
        description="Create a coupon: a percentage or an amount off, optionally for one customer, "
        "with an optional expiry and redemption cap.",
    )
    async def create_coupon(self, info: Info, input: CreateCouponInput) -> CouponPayload:
        coupon = await coupons.create_coupon(
            info.context.db,
            info.context.caller,
            code=input.code,
            customer_id=input.customer_id,
            percent_off=input.percent_off,
            amount_off=input.amount(),
            expires_at=input.expires_at,
            max_redemptions=input.max_redemptions,
        )
        return CouponPayload(coupon=Coupon.from_model(coupon))
