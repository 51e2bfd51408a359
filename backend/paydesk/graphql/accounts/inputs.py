"""Inputs for signing in and managing staff and API keys."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from paydesk.graphql.accounts.types import Role


@strawberry.input(description="A staff member's sign-in.")
class SignInInput:
    email: str = strawberry.field(description="The user's email.")
    password: str = strawberry.field(description="The user's password.")


@strawberry.input(description="A new staff member of the caller's account.")
class CreateUserInput:
    email: str = strawberry.field(description="Sign-in email, unique across paydesk.")
    password: str = strawberry.field(
        description="At least 12 characters, and not one of the most common passwords (zxcvbn's list)."
    )
    role: Role = strawberry.field(description="What the user may do; only an owner may make another owner.")


@strawberry.input(description="A new role for a staff member.")
class UpdateUserRoleInput:
    user_id: strawberry.ID = strawberry.field(description="The user, prefix usr_.")
    role: Role = strawberry.field(description="The new role; only an owner may grant or take OWNER.")


@strawberry.input(description="A new partner API key.")
class CreateApiKeyInput:
    role: Role = strawberry.field(default=Role.ADMIN, description="What calls with the key may do.")


@strawberry.input(description="An API key to stop accepting.")
class RevokeApiKeyInput:
    app_id: str = strawberry.field(description="The key's app id.")


@strawberry.input(description="Changes to the account's settings; omitted fields stay.")
class UpdateAccountInput:
    name: str | None = strawberry.field(default=None, description="The merchant's name, shown to payers.")
    default_currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code used when an input names none."
    )
    timezone: str | None = strawberry.field(
        default=None, description="IANA time zone that decides billing days."
    )
    locale: str | None = strawberry.field(default=None, description="BCP 47 locale for money and dates.")
    email_invoices: bool | None = strawberry.field(
        default=None, description="Email each new invoice to the customer."
    )
    renewal_reminder_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Email subscribers this many days (1 to 60) before each renewal charge; null: never.",
    )
    email_plan_completed: bool | None = strawberry.field(
        default=None, description="Email the customer when a payment plan is paid in full."
    )
    rep_refund_limit: Decimal | None = strawberry.field(
        default=None,
        description=(
            "The largest refund a REP may give, in major units of the default currency; 0: REPs may not "
            "refund (the default). ADMIN and OWNER refund without limit."
        ),
    )
