"""Coupons and their redemptions.

A customer's redemptions come from one DataLoader per request that loads
the redemptions, their coupons and their sales in three queries, however
many customers a query lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from paydesk.coupons import service as coupons
from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.models import Coupon as CouponModel
from paydesk.models import CouponRedemption as RedemptionModel
from paydesk.models import Transaction as TransactionModel
from paydesk.money import Money as DomainMoney

if TYPE_CHECKING:
    from paydesk.graphql.customers.types import Customer
    from paydesk.graphql.sales.types import Transaction  # type: ignore[import-not-found, unused-ignore]

# Where the per-request loader of redemptions is kept on the request's Loaders.


@strawberry.type(
    description="A discount code: a percentage or an amount off, optionally for one customer, "
    "with an optional expiry and redemption cap."
)
class Coupon(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix cpn_.")
    code: str = strawberry.field(description="What the payer or staff type; matched ignoring case.")
    percent_off: Decimal | None = strawberry.field(
        description="10 means 10 percent; rounded half-up in the minor unit. Null for an amount coupon."
    )
    amount_off: Money | None = strawberry.field(
        description="Taken off the subtotal, at most all of it; only on sales in its currency."
    )
    expires_at: datetime | None = strawberry.field(description="From then on it is refused; null: never.")
    max_redemptions: int | None = strawberry.field(description="How many sales may use it; null: unlimited.")
    times_redeemed: int = strawberry.field(description="How many sales have used it.")
    customer_id: strawberry.Private[str | None]

    @strawberry.field(description="The only customer who may use it; null: any customer of the account.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")] | None:
        from paydesk.graphql.customers.types import Customer

        if self.customer_id is None:
            return None
        found = await info.context.loaders.customer.load(self.customer_id)
        return Customer.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: CouponModel) -> Coupon:
        amount = None
        if m.amount_off is not None and m.amount_currency is not None:
            amount = Money.of(DomainMoney(m.amount_off, m.amount_currency))
        return cls(
            id=strawberry.ID(m.id),
            code=m.code,
            percent_off=Decimal(m.percent_off) if m.percent_off is not None else None,
            amount_off=amount,
            expires_at=m.expires_at,
            max_redemptions=m.max_redemptions,
            times_redeemed=m.times_redeemed,
            customer_id=m.customer_id,
        )


@strawberry.type(description="One use of a coupon: the sale it was used on and what it took off.")
class CouponRedemption:
    coupon: Coupon = strawberry.field(description="The coupon used.")
    amount: Money = strawberry.field(description="What the coupon took off the sale.")
    _sale: strawberry.Private[TransactionModel]

    @strawberry.field(description="The sale it was used on.")
    def transaction(self) -> Annotated[Transaction, strawberry.lazy("paydesk.graphql.sales.types")]:
        from paydesk.graphql.sales.types import Transaction  # type: ignore[import-not-found, unused-ignore]

        return Transaction.from_model(self._sale)


async def coupon_node(info: Info, id: str) -> Coupon | None:
    """node(id:) for ids with the cpn_ prefix."""
    found = await coupons.get_coupon(info.context.db, info.context.caller, id)
    return Coupon.from_model(found) if found else None


async def coupons_used(info: Info, customer_id: str) -> list[CouponRedemption]:
    """Customer.couponsUsed: the customer's redemptions, newest first, batched per request."""
    return await _redemptions(info).load(customer_id)


def _redemptions(info: Info) -> DataLoader[str, list[CouponRedemption]]:
    db, account_id = info.context.db, info.context.caller.account_id

    async def load(customer_ids: Sequence[str]) -> list[list[CouponRedemption]]:
        return await _load_redemptions(db, account_id, customer_ids)

    loader: DataLoader[str, list[CouponRedemption]] = info.context.loaders.keep(
        "coupon_redemptions", lambda: DataLoader(load)
    )
    return loader


async def _load_redemptions(
    db: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[list[CouponRedemption]]:
    from paydesk.transactions.repository import get_many as transactions_by_ids

    rows = await coupons.redemptions_of(db, account_id, customer_ids)
    by_customer: dict[str, list[CouponRedemption]] = {k: [] for k in customer_ids}
    if not rows:
        return [by_customer[k] for k in customer_ids]
    used = {c.id: c for c in await coupons.coupons_by_ids(db, account_id, list({r.coupon_id for r in rows}))}
    sales = {
        t.id: t for t in await transactions_by_ids(db, account_id, list({r.transaction_id for r in rows}))
    }
    for row in rows:
        by_customer[row.customer_id].append(_redemption(row, used[row.coupon_id], sales[row.transaction_id]))
    return [by_customer[k] for k in customer_ids]


def _redemption(row: RedemptionModel, coupon: CouponModel, sale: TransactionModel) -> CouponRedemption:
    return CouponRedemption(
        coupon=Coupon.from_model(coupon),
        amount=Money.of(DomainMoney(row.amount, row.currency)),
        _sale=sale,
    )
