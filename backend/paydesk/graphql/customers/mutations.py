"""Creating and changing customers, their addresses and comments."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.customers import service as customers
from paydesk.graphql.context import Info
from paydesk.graphql.customers.inputs import (
    AddAddressInput,
    AddCommentInput,
    CreateCustomerInput,
    UpdateAddressInput,
    UpdateCustomerInput,
)
from paydesk.graphql.customers.payloads import AddressPayload, CommentPayload, CustomerPayload
from paydesk.graphql.customers.types import Address, Comment, Customer
from paydesk.graphql.permissions import mutation


@strawberry.type
class CustomerMutations:
    @mutation(role=Role.REP, description="Add a customer.")
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> CustomerPayload:
        customer = await customers.create_customer(
            info.context.db, info.context.caller, input.fields(), number=input.number
        )
        return CustomerPayload(customer=Customer.from_model(customer))

    @mutation(role=Role.REP, description="Change a customer's contact details.")
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> CustomerPayload:
        ctx = info.context
        customer = await customers.update_customer(ctx.db, ctx.caller, input.customer_id, input.changes())
        return CustomerPayload(customer=Customer.from_model(customer))

    @mutation(role=Role.REP, description="Add a postal address to a customer.")
    async def add_address(self, info: Info, input: AddAddressInput) -> AddressPayload:
        ctx = info.context
        address = await customers.add_address(ctx.db, ctx.caller, input.customer_id, input.fields())
        return AddressPayload(address=Address.from_model(address))

    @mutation(
        role=Role.REP,
        description="Change a customer's address: only the given fields, checked as addAddress checks them.",
    )
    async def update_address(self, info: Info, input: UpdateAddressInput) -> AddressPayload:
        ctx = info.context
        address = await customers.update_address(ctx.db, ctx.caller, input.address_id, input.changes())
        return AddressPayload(address=Address.from_model(address))

    @mutation(role=Role.REP, description="Add a staff comment to a customer.")
    async def add_comment(self, info: Info, input: AddCommentInput) -> CommentPayload:
        ctx = info.context
        comment = await customers.add_comment(ctx.db, ctx.caller, input.customer_id, input.body)
        return CommentPayload(comment=Comment.from_model(comment))
