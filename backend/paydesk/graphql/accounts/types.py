"""Accounts, staff users, roles, API keys and the viewer."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from paydesk.auth.roles import Role as DomainRole
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.graphql.subscriptions.policy import DunningPolicy
from paydesk.models import Account as AccountModel
from paydesk.models import ApiKey as ApiKeyModel
from paydesk.models import User as UserModel
from paydesk.money import Money as DomainMoney


@strawberry.enum(description="What a staff member or API key may do.")
class Role(Enum):
    OWNER = strawberry.enum_value("OWNER", description="Everything, including making other owners.")
    ADMIN = strawberry.enum_value(
        "ADMIN", description="Everything but owners: products, refunds, gateways, users, API keys, settings."
    )
    REP = strawberry.enum_value(
        "REP",
        description="Reads; works with customers, cards, sales, payment requests and subscriptions' dates.",
    )
    VIEWER = strawberry.enum_value("VIEWER", description="Reads only.")

    @property
    def domain(self) -> DomainRole:
        return DomainRole(self.name)


@strawberry.type(description="A merchant: every other object belongs to exactly one account.")
class Account(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix acct_.")
    name: str = strawberry.field(description="The merchant's name, shown to payers.")
    default_currency: str = strawberry.field(description="ISO 4217 code used when an input names none.")
    timezone: str = strawberry.field(
        description="IANA time zone that decides billing days, e.g. America/Los_Angeles."
    )
    locale: str = strawberry.field(description="BCP 47 locale for formatting money and dates, e.g. en-US.")
    email_invoices: bool = strawberry.field(description="Each new invoice is emailed to the customer.")
    renewal_reminder_days: int | None = strawberry.field(
        description="Subscribers are emailed this many days before each renewal charge; null: no reminder."
    )
    email_plan_completed: bool = strawberry.field(
        description="The customer is emailed when a payment plan is paid in full."
    )
    rep_refund_limit: Money | None = strawberry.field(
        description="The largest refund a REP may give; null: REPs may not refund."
    )

    dunning_policy: DunningPolicy = strawberry.field(
        description="How declined installments are retried, and what happens when retries run out."
    )

    @classmethod
    def from_model(cls, m: AccountModel) -> Account:
        limit = m.rep_refund_limit
        return cls(
            id=strawberry.ID(m.id),
            name=m.name,
            default_currency=m.default_currency,
            timezone=m.timezone,
            locale=m.locale,
            email_invoices=m.email_invoices,
            renewal_reminder_days=m.renewal_reminder_days,
            email_plan_completed=m.email_plan_completed,
            rep_refund_limit=Money.of(DomainMoney(limit, m.default_currency)) if limit is not None else None,
            dunning_policy=DunningPolicy.from_model(m),
        )


@strawberry.type(description="A staff member of the account, who signs in to the portal.")
class User(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix usr_.")
    email: str = strawberry.field(description="Sign-in email, unique across paydesk.")
    role: Role = strawberry.field(description="What this user may do.")
    created_at: datetime = strawberry.field(description="When the user was added.")

    @classmethod
    def from_model(cls, m: UserModel) -> User:
        return cls(id=strawberry.ID(m.id), email=m.email, role=Role(m.role), created_at=m.created_at)


@strawberry.type(description="A partner credential. Its secret is shown once, when it is created.")
class ApiKey:
    app_id: str = strawberry.field(description="Sent as the Api-Appid header.")
    role: Role = strawberry.field(description="What calls with this key may do.")
    created_at: datetime = strawberry.field(description="When the key was made.")
    last_used_at: datetime | None = strawberry.field(description="Last call made with it, to the minute.")
    revoked_at: datetime | None = strawberry.field(description="When it stopped working, if it has.")

    @classmethod
    def from_model(cls, m: ApiKeyModel) -> ApiKey:
        return cls(
            app_id=m.id,
            role=Role(m.role),
            created_at=m.created_at,
            last_used_at=m.last_used_at,
            revoked_at=m.revoked_at,
        )


@strawberry.type(description="Who is calling.")
class Viewer:
    account: Account = strawberry.field(description="The caller's account.")
    user: User | None = strawberry.field(
        description="The signed-in staff member; null when the caller is an API key."
    )
    role: Role = strawberry.field(description="The caller's role: the user's, or the API key's.")
