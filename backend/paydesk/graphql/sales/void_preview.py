"""voidPreview: what voiding a sale would do, computed by the code voidTransaction runs, before confirming."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.coupons.types import Coupon
from paydesk.graphql.money import Money
from paydesk.graphql.sales.mutations import services
from paydesk.graphql.sales.types import Transaction
from paydesk.graphql.subscriptions.types import Subscription
from paydesk.money import Money as DomainMoney
from paydesk.transactions import actions


@strawberry.type(description="An open order that ends when the sale that opened it is voided.")
class VoidEndingOrder:
    subscription: Subscription = strawberry.field(
        description="The subscription or payment plan; it is cancelled."
    )
    balance_forgiven: Money = strawberry.field(
        description=(
            "A payment plan's installments not yet paid, less credit: never charged; zero for a subscription."
        )
    )


@strawberry.type(
    description="Exactly what voidTransaction would do to a sale now; nothing is changed by asking."
)
class VoidPreview:
    transaction: Transaction = strawberry.field(description="The sale.")
    allowed: bool = strawberry.field(description="The sale's state and the caller's role allow the void now.")
    reason: str | None = strawberry.field(description="Why the void is not allowed now; null when it is.")
    through_gateway: bool = strawberry.field(
        description="The gateway is asked to cancel the charge; false when the void is only recorded."
    )
    amount: Money = strawberry.field(description="The sale's total, which is cancelled (never collected).")
    orders_ending: list[VoidEndingOrder] = strawberry.field(
        description="Open orders this sale opened that nothing else has paid for since: they are cancelled."
    )
    balance_forgiven: Money = strawberry.field(
        description="The ending payment plans' unpaid balances together."
    )
    coupon_returned: Coupon | None = strawberry.field(
        description="The coupon the sale used, whose use is given back; null when none."
    )
    commission_zeroed: Money | None = strawberry.field(
        description="The referral commission owed on the sale now, which becomes zero; null when none."
    )


@strawberry.type
class VoidPreviewQueries:
    @strawberry.field(
        description=(
            "What voidTransaction would do to a sale of your account now (orders that end, balance forgiven, "
            "coupon given back, commission zeroed), computed by the same code; null when there is no such "
            "sale. Any role may ask; allowed says whether the caller may void it."
        )
    )
    async def void_preview(
        self,
        info: Info,
        transaction_id: Annotated[strawberry.ID, strawberry.argument(description="The sale, prefix txn_.")],
    ) -> VoidPreview | None:
        ctx = info.context
        found = await actions.preview_void(ctx.db, services(info), ctx.caller, transaction_id)
        if found is None:
            return None
        sale, effects = found.sale, found.effects

        def money(minor: int) -> Money:
            return Money.of(DomainMoney(minor, sale.currency))

        return VoidPreview(
            transaction=Transaction.from_model(sale),
            allowed=found.refused is None,
            reason=found.refused,
            through_gateway=found.through_gateway,
            amount=money(sale.total),
            orders_ending=[
                VoidEndingOrder(
                    subscription=Subscription.from_model(e.order), balance_forgiven=money(e.balance_forgiven)
                )
                for e in effects.ending
            ],
            balance_forgiven=money(effects.balance_forgiven),
            coupon_returned=Coupon.from_model(effects.coupon) if effects.coupon else None,
            commission_zeroed=money(effects.commission) if effects.commission is not None else None,
        )
