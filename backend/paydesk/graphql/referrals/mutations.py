"""Referral partners and who referred a customer."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.context import Info
from paydesk.graphql.customers.payloads import CustomerPayload
from paydesk.graphql.customers.types import Customer
from paydesk.graphql.permissions import mutation
from paydesk.graphql.referrals.inputs import CreatePartnerInput, SetCustomerReferrerInput, UpdatePartnerInput
from paydesk.graphql.referrals.payloads import PartnerPayload
from paydesk.graphql.referrals.types import Partner
from paydesk.referrals import service as referrals


@strawberry.type
class ReferralMutations:
    @mutation(role=Role.ADMIN, description="Add a referral partner with a percent or fixed commission rate.")
    async def create_partner(self, info: Info, input: CreatePartnerInput) -> PartnerPayload:
        partner = await referrals.create_partner(info.context.db, info.context.caller, input.fields())
        return PartnerPayload(partner=Partner.from_model(partner))

    @mutation(
        role=Role.ADMIN,
        description=(
            "Change a partner's name, email or rate; re-run a sale's commission to apply a new rate to it."
        ),
    )
    async def update_partner(self, info: Info, input: UpdatePartnerInput) -> PartnerPayload:
        partner = await referrals.update_partner(
            info.context.db, info.context.caller, input.id, input.fields()
        )
        return PartnerPayload(partner=Partner.from_model(partner))

    @mutation(
        role=Role.ADMIN,
        description=(
            "Name the partner who referred a customer (or nobody); their later paid sales earn it commission."
        ),
    )
    async def set_customer_referrer(self, info: Info, input: SetCustomerReferrerInput) -> CustomerPayload:
        customer = await referrals.set_referrer(
            info.context.db, info.context.caller, input.customer_id, input.partner_id
        )
        return CustomerPayload(customer=Customer.from_model(customer))
