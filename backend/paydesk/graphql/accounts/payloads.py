"""Payloads of the account and staff mutations."""

from __future__ import annotations

import strawberry

from paydesk.graphql.accounts.types import Account, ApiKey, User
from paydesk.graphql.errors import UserError


@strawberry.type(description="The result of signIn: the session cookie is set on success.")
class SignInPayload:
    user: User | None = strawberry.field(default=None, description="The signed-in user.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of signOut.")
class SignOutPayload:
    signed_out: bool = strawberry.field(default=False, description="True when a portal session was ended.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of a mutation on a staff user.")
class UserPayload:
    user: User | None = strawberry.field(default=None, description="The user as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of a mutation on an API key.")
class ApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(default=None, description="The key as it is now.")
    secret: str | None = strawberry.field(
        default=None,
        description="The secret, sent as the Api-Key header: shown by createApiKey only, this once.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


@strawberry.type(description="The result of updateAccount.")
class AccountPayload:
    account: Account | None = strawberry.field(default=None, description="The account as it is now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")
