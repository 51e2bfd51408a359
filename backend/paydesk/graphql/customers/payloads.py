"""Payloads of the customer mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.customers.types import Address, Comment, Customer
from paydesk.graphql.errors import UserError


@strawberry.type(description="The result of a mutation on a customer.")
class CustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="The customer as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of addAddress or updateAddress.")
class AddressPayload:
    address: Address | None = strawberry.field(default=None, description="The address as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of addComment.")
class CommentPayload:
    comment: Comment | None = strawberry.field(default=None, description="The new comment.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
