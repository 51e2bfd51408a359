"""Money at the API edge: decimal strings in major units with an ISO 4217 code."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.scalars import Long
from paydesk.money import Money as DomainMoney
from paydesk.money import exponent


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: Decimal = strawberry.field(description='Decimal string in major units, e.g. "49.00".')
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD, JPY, KWD.")
    minor_units: Long = strawberry.field(
        description="Integer amount in the currency's minor unit (4900 for USD 49.00)."
    )

    @strawberry.field(description='Human-readable in the account\'s locale, e.g. "$49.00".')
    async def formatted(self, info: Info) -> str:
        account = await info.context.loaders.account.load(info.context.caller.account_id)
        return DomainMoney(self.minor_units, self.currency).format(account.locale if account else "en-US")

    @classmethod
    def of(cls, money: DomainMoney) -> Money:
        return cls(amount=money.amount, currency=money.currency, minor_units=Long(money.minor_units))

    @classmethod
    def minor(cls, minor_units: int, currency: str) -> Money:
        """``of(DomainMoney(minor_units, currency))`` without the domain object in between (a page of
        sales builds hundreds); the amount is ``DomainMoney.amount``'s."""
        amount = Decimal(minor_units).scaleb(-exponent(currency))
        return cls(amount=amount, currency=currency, minor_units=Long(minor_units))


@strawberry.input(
    description="An amount in major units with its currency; more decimals than it has are INVALID."
)
class MoneyInput:
    amount: Decimal = strawberry.field(description='Major units as a string or number, e.g. "49.00".')
    currency: str = strawberry.field(description="ISO 4217 code.")
