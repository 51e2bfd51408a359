"""Who is calling, the account's staff and API keys."""

from __future__ import annotations

import strawberry

from paydesk.auth import service as auth
from paydesk.graphql.accounts.types import Account, ApiKey, Role, User, Viewer
from paydesk.graphql.context import Info


@strawberry.type
class AccountQueries:
    @strawberry.field(
        description="Who is calling: the account, and the staff member unless it is an API key."
    )
    async def viewer(self, info: Info) -> Viewer:
        caller = info.context.caller
        account = await info.context.loaders.account.load(caller.account_id)
        assert account is not None, "a principal's account exists"
        user = await info.context.loaders.user.load(caller.user_id) if caller.user_id else None
        return Viewer(
            account=Account.from_model(account),
            user=User.from_model(user) if user else None,
            role=Role(caller.role.value),
        )

    @strawberry.field(description="The account's staff members, oldest first.")
    async def users(self, info: Info) -> list[User]:
        return [User.from_model(u) for u in await auth.users_of_account(info.context.db, info.context.caller)]

    @strawberry.field(
        description="The account's API keys, newest first, revoked ones included; never their secrets."
    )
    async def api_keys(self, info: Info) -> list[ApiKey]:
        keys = await auth.api_keys_of_account(info.context.db, info.context.caller)
        return [ApiKey.from_model(k) for k in keys]
