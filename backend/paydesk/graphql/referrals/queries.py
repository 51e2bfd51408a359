"""Reading referral partners."""

from __future__ import annotations

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.referrals.types import Partner
from paydesk.referrals import service as referrals


@strawberry.type
class ReferralQueries:
    @strawberry.field(description="The account's referral partners, by name.")
    async def partners(self, info: Info) -> list[Partner]:
        ctx = info.context
        return [Partner.from_model(p) for p in await referrals.partners_of(ctx.db, ctx.caller)]
