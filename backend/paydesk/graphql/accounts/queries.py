"""Who is calling, the account's staff and API keys."""

from __future__ import annotations

import strawberry

from paydesk.accounts import options
from paydesk.auth import service as auth
from paydesk.graphql.accounts.types import Account, ApiKey, Role, User, Viewer
from paydesk.graphql.context import Info


@strawberry.type(description="One choice of a setting: the value to send, and how people read it.")
class SettingChoice:
    value: str = strawberry.field(description="What to send, e.g. USD, en-US.")
    label: str = strawberry.field(description="Its English name, e.g. US Dollar, English (United States).")


@strawberry.type(description="What updateAccount accepts for the settings that take a code or a name.")
class AccountSettingChoices:
    currencies: list[SettingChoice] = strawberry.field(
        description="ISO 4217 currencies payments can be taken in, by code (defaultCurrency)."
    )
    time_zones: list[str] = strawberry.field(description="IANA time zone names, sorted (timezone).")
    locales: list[SettingChoice] = strawberry.field(
        description="Locales money and dates can be formatted for, as BCP 47 tags, by name (locale)."
    )


@strawberry.type
class AccountQueries:
    @strawberry.field(
        description="The values the account's currency, time zone and locale settings may take, for pickers."
    )
    def account_setting_choices(self) -> AccountSettingChoices:
        return AccountSettingChoices(
            currencies=[SettingChoice(value=c.value, label=c.label) for c in options.currencies()],
            time_zones=list(options.time_zones()),
            locales=[SettingChoice(value=c.value, label=c.label) for c in options.locales()],
        )

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
