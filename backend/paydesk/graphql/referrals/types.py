"""Referral partners and the commission a sale owes, with their batch loaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.models import Commission as CommissionModel
from paydesk.models import Partner as PartnerModel
from paydesk.money import Money as DomainMoney
from paydesk.referrals import service as referrals


@dataclass
class ReferralLoaders:
    """Batch loaders of one request and one account."""

    db: AsyncSession
    account_id: str
    partner: DataLoader[str, PartnerModel | None] = field(init=False)
    commission: DataLoader[str, CommissionModel | None] = field(init=False)

    def __post_init__(self) -> None:
        self.partner = DataLoader(self._partners)
        self.commission = DataLoader(self._commissions)

    async def _partners(self, keys: Sequence[str]) -> list[PartnerModel | None]:
        found = {p.id: p for p in await referrals.partners_by_ids(self.db, self.account_id, keys)}
        return [found.get(k) for k in keys]

    async def _commissions(self, keys: Sequence[str]) -> list[CommissionModel | None]:
        found = {c.transaction_id: c for c in await referrals.commissions_of(self.db, self.account_id, keys)}
        return [found.get(k) for k in keys]


def referral_loaders(info: Info) -> ReferralLoaders:
    """This request's referral loaders, made on first use."""
    db, account_id = info.context.db, info.context.caller.account_id
    return info.context.loaders.keep("referrals", lambda: ReferralLoaders(db, account_id))


@strawberry.type(description="Someone who refers customers and earns a commission on their paid sales.")
class Partner(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix ptr_.")
    name: str = strawberry.field(description="Who they are.")
    email: str | None = strawberry.field(description="Where to reach them.")
    commission_percent: Decimal | None = strawberry.field(
        description="Percent of each paid sale's total (12.5 means 12.5%); null for a fixed rate."
    )
    commission_amount: Money | None = strawberry.field(
        description=(
            "A fixed amount per paid sale in this currency (sales in others earn none); null for a percent."
        )
    )
    created_at: datetime = strawberry.field(description="When they were added.")
    updated_at: datetime = strawberry.field(description="When they or their rate last changed.")

    @classmethod
    def from_model(cls, m: PartnerModel) -> Partner:
        fixed = (
            Money.of(DomainMoney(m.commission_amount, m.commission_currency))
            if m.commission_amount is not None and m.commission_currency
            else None
        )
        return cls(
            id=strawberry.ID(m.id),
            name=m.name,
            email=m.email,
            commission_percent=Decimal(m.commission_percent) if m.commission_percent is not None else None,
            commission_amount=fixed,
            created_at=m.created_at,
            updated_at=m.updated_at,
        )


async def partner_of(info: Info, partner_id: str | None) -> Partner | None:
    if partner_id is None:
        return None
    found = await referral_loaders(info).partner.load(partner_id)
    return Partner.from_model(found) if found else None


@strawberry.type(description="What a sale owes its customer's referring partner, after refunds.")
class Commission:
    amount: Money = strawberry.field(
        description="Owed now: the whole sale's commission scaled by what is left after refunds."
    )
    gross: Money = strawberry.field(description="What the whole sale earned before any refund.")
    rate_percent: Decimal | None = strawberry.field(description="The percent it was computed with, if any.")
    rate_amount: Money | None = strawberry.field(description="The fixed amount it was computed with, if any.")
    computed_at: datetime = strawberry.field(description="When it was last computed (paid, or re-run).")
    partner_id: strawberry.Private[str]

    @strawberry.field(description="The partner who earns it.")
    async def partner(self, info: Info) -> Partner:
        found = await partner_of(info, self.partner_id)
        assert found is not None, "a commission's partner exists"
        return found

    @classmethod
    def from_model(cls, m: CommissionModel) -> Commission:
        def money(minor: int) -> Money:
            return Money.of(DomainMoney(minor, m.currency))

        return cls(
            amount=money(m.amount),
            gross=money(m.gross),
            rate_percent=Decimal(m.rate_percent) if m.rate_percent is not None else None,
            rate_amount=money(m.rate_amount) if m.rate_amount is not None else None,
            computed_at=m.computed_at,
            partner_id=m.partner_id,
        )


async def commission_of(info: Info, transaction_id: str) -> Commission | None:
    found = await referral_loaders(info).commission.load(transaction_id)
    return Commission.from_model(found) if found else None
