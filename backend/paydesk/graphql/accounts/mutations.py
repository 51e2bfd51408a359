"""Signing in and out, staff users and API keys."""

from __future__ import annotations

import strawberry

from paydesk.accounts import service as accounts
from paydesk.auth import service as auth
from paydesk.auth.roles import Role as DomainRole
from paydesk.graphql.accounts.inputs import (
    CreateApiKeyInput,
    CreateUserInput,
    RevokeApiKeyInput,
    SignInInput,
    UpdateAccountInput,
    UpdateUserRoleInput,
)
from paydesk.graphql.accounts.payloads import (
    AccountPayload,
    ApiKeyPayload,
    SignInPayload,
    SignOutPayload,
    UserPayload,
)
from paydesk.graphql.accounts.types import Account, ApiKey, User
from paydesk.graphql.context import CookieChange, Info
from paydesk.graphql.permissions import mutation


@strawberry.type
class AccountMutations:
    @mutation(
        role=None,
        description=(
            "Sign a staff member in to the portal: sets an HttpOnly session cookie. After 5 failures for an "
            "address within 15 minutes its attempts are refused for 30 seconds, doubling with each further "
            "failure up to 15 minutes; 50 failures from one IP block it for 15 minutes. A refused attempt is "
            "HTTP 429 RATE_LIMITED with Retry-After, for known and unknown addresses alike."
        ),
    )
    async def sign_in(self, info: Info, input: SignInInput) -> SignInPayload:
        ctx = info.context
        client = ctx.request.client.host if ctx.request.client else "unknown"
        signed_in = await auth.sign_in(
            ctx.db, input.email, input.password, guard=ctx.sign_in_guard, ip=client
        )
        info.context.cookie = CookieChange(signed_in.token, signed_in.expires_at)
        return SignInPayload(user=User.from_model(signed_in.user))

    @mutation(role=DomainRole.VIEWER, description="End the caller's portal session and clear its cookie.")
    async def sign_out(self, info: Info) -> SignOutPayload:
        caller = info.context.caller
        await auth.sign_out(info.context.db, caller)
        if caller.session_id is None:
            return SignOutPayload(signed_out=False)
        info.context.cookie = CookieChange(None)
        return SignOutPayload(signed_out=True)

    @mutation(role=DomainRole.ADMIN, description="Change the account's name, defaults and settings.")
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        account = await accounts.update_account(
            info.context.db,
            info.context.caller.account_id,
            name=input.name,
            currency=input.default_currency,
            timezone=input.timezone,
            locale=input.locale,
            email_invoices=input.email_invoices,
            rep_refund_limit=input.rep_refund_limit,
            renewal_reminder_days=(
                accounts.UNSET
                if input.renewal_reminder_days is strawberry.UNSET
                else input.renewal_reminder_days
            ),
            email_plan_completed=input.email_plan_completed,
        )
        return AccountPayload(account=Account.from_model(account))

    @mutation(role=DomainRole.ADMIN, description="Add a staff member to the caller's account.")
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        ctx = info.context
        user = await auth.create_user(ctx.db, ctx.caller, input.email, input.password, input.role.domain)
        return UserPayload(user=User.from_model(user))

    @mutation(
        role=DomainRole.ADMIN,
        description="Change a staff member's role; their sessions end so it applies at once.",
    )
    async def update_user_role(self, info: Info, input: UpdateUserRoleInput) -> UserPayload:
        ctx = info.context
        user = await auth.update_user_role(ctx.db, ctx.caller, input.user_id, input.role.domain)
        return UserPayload(user=User.from_model(user))

    @mutation(
        role=DomainRole.ADMIN, description="Make a partner API key; its secret is in this payload only."
    )
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKeyPayload:
        ctx = info.context
        issued = await auth.create_api_key(ctx.db, ctx.server_secret, ctx.caller, input.role.domain)
        return ApiKeyPayload(api_key=ApiKey.from_model(issued.key), secret=issued.secret)

    @mutation(role=DomainRole.ADMIN, description="Stop accepting an API key, at once and for good.")
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> ApiKeyPayload:
        key = await auth.revoke_api_key(info.context.db, info.context.caller.account_id, input.app_id)
        return ApiKeyPayload(api_key=ApiKey.from_model(key))
