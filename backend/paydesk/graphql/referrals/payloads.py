"""Payloads of the referral mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.errors import UserError
from paydesk.graphql.referrals.types import Partner


@strawberry.type(description="The result of a mutation on a partner.")
class PartnerPayload:
    partner: Partner | None = strawberry.field(default=None, description="The partner as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
