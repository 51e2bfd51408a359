"""Open orders (subscriptions and payment plans), their dunning, and the loaders their fields use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from paydesk.billing.changes import ChangePreview
from paydesk.graphql.catalog.types import BillingUnit, LineKind, Product, product_of
from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.graphql.payments.types import PaymentMethod
from paydesk.models import Subscription as SubscriptionModel
from paydesk.models import Transaction as TransactionModel
from paydesk.money import Money as DomainMoney
from paydesk.subscriptions import service as orders

if TYPE_CHECKING:
    from paydesk.graphql.customers.types import Customer
    from paydesk.graphql.sales.types import Transaction


@dataclass
class SubscriptionLoaders:
    """Batch loaders of one request and one account."""

    db: AsyncSession
    account_id: str
    by_customer: DataLoader[str, list[SubscriptionModel]] = field(init=False)
    subscription: DataLoader[str, SubscriptionModel | None] = field(init=False)
    sales: DataLoader[str, list[TransactionModel]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_customer = DataLoader(self._by_customer)
        self.subscription = DataLoader(self._subscriptions)
        self.sales = DataLoader(self._sales)

    async def _by_customer(self, keys: Sequence[str]) -> list[list[SubscriptionModel]]:
        grouped: dict[str, list[SubscriptionModel]] = {k: [] for k in keys}
        for sub in await orders.of_customers(self.db, self.account_id, keys):
            grouped[sub.customer_id].append(sub)
        return [grouped[k] for k in keys]

    async def _subscriptions(self, keys: Sequence[str]) -> list[SubscriptionModel | None]:
        found = {s.id: s for s in await orders.by_ids(self.db, self.account_id, keys)}
        return [found.get(k) for k in keys]

    async def _sales(self, keys: Sequence[str]) -> list[list[TransactionModel]]:
        subs = {s.id: s for s in await orders.by_ids(self.db, self.account_id, keys)}
        # One sale may open several orders (one per recurring line).
        opened: dict[str, list[str]] = {}
        for sub in subs.values():
            if sub.origin_transaction_id is not None:
                opened.setdefault(sub.origin_transaction_id, []).append(sub.id)
        grouped: dict[str, list[TransactionModel]] = {k: [] for k in keys}
        for sale in await orders.installments_of(self.db, self.account_id, list(subs)):
            owners = [sale.subscription_id] if sale.subscription_id else opened.get(sale.id, [])
            for owner in owners:
                if owner in grouped:
                    grouped[owner].append(sale)
        return [grouped[k] for k in keys]


def subscription_loaders(info: Info) -> SubscriptionLoaders:
    """This request's subscription loaders, made on first use."""
    db, account_id = info.context.db, info.context.caller.account_id
    return info.context.loaders.keep("subscriptions", lambda: SubscriptionLoaders(db, account_id))


@strawberry.enum(description="Where an open order stands.")
class SubscriptionStatus(Enum):
    ACTIVE = strawberry.enum_value(
        "ACTIVE", description="Charged on schedule (possibly retrying a decline; see dunning)."
    )
    PAUSED = strawberry.enum_value("PAUSED", description="Not charged until resumed.")
    PAST_DUE = strawberry.enum_value(
        "PAST_DUE", description="Retries ran out; a new default card or staff action recovers it."
    )
    CANCELLED = strawberry.enum_value("CANCELLED", description="Ended; never charged again.")
    COMPLETED = strawberry.enum_value(
        "COMPLETED", description="A payment plan whose installments are all paid."
    )


@strawberry.type(description="Retrying a declined installment, per the account's dunning policy.")
class Dunning:
    attempts: int = strawberry.field(description="Declined attempts at the installment now due.")
    since: date = strawberry.field(description="The day of its first decline.")
    next_retry_at: datetime | None = strawberry.field(
        description="When it is tried next; null when no retry is scheduled (past due)."
    )


@strawberry.type(
    description="An open order: a subscription or a payment plan started by a sale's recurring line."
)
class Subscription(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix sub_.")
    kind: LineKind = strawberry.field(description="SUBSCRIPTION or PAYMENT_PLAN.")
    description: str = strawberry.field(description="What is charged for, from the sale's line.")
    quantity: int = strawberry.field(description="Units charged each period.")
    unit_price: Money = strawberry.field(description="One unit's price (a plan's installment).")
    unit: BillingUnit = strawberry.field(description="How often it is charged.")
    payments_remaining: int | None = strawberry.field(
        description=(
            "Payments a PAYMENT_PLAN will still charge (zero once it is cancelled or completed); null for an "
            "open-ended subscription."
        )
    )
    next_charge_date: date | None = strawberry.field(
        description=(
            "The day the runner next charges it, in the account's time zone: while PAUSED the day it "
            "resumes onto (the later of its scheduled date and resumeOn), null while paused until resumed "
            "by hand and once it is ended."
        )
    )
    status: SubscriptionStatus = strawberry.field(description="Where the order stands.")
    trial_ends_on: date | None = strawberry.field(
        description="Opened with a free trial: the day of its first charge (chargeNow.trialDays); null: none."
    )
    cancel_at: date | None = strawberry.field(
        description="Set when cancelled at period end: the day it stops (status stays ACTIVE until then)."
    )
    credit: Money = strawberry.field(description="Credit from a downgrade, taken off the next charges.")
    paused_at: datetime | None = strawberry.field(description="When it was paused; null unless PAUSED.")
    resume_on: date | None = strawberry.field(
        description="The day a pause ends by itself; null: until resumed."
    )
    created_at: datetime = strawberry.field(description="When the sale that opened it was paid.")
    _record: strawberry.Private[SubscriptionModel]

    @strawberry.field(description="Who pays.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")]:
        from paydesk.graphql.customers.types import Customer

        found = await info.context.loaders.customer.load(self._record.customer_id)
        assert found is not None, "an order's customer exists"
        return Customer.from_model(found)

    @strawberry.field(description="The product charged for; null for a free-text line.")
    async def product(self, info: Info) -> Product | None:
        return await product_of(info, self._record.product_id)

    @strawberry.field(description="The card charged; null when it has none.")
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        if self._record.payment_method_id is None:
            return None
        found = await info.context.loaders.payment_method.load(self._record.payment_method_id)
        return PaymentMethod.from_model(found) if found else None

    @strawberry.field(
        description=(
            "For a PAYMENT_PLAN: what its installments still to be charged come to, less credit (zero once "
            "it is cancelled or completed); else null."
        )
    )
    def balance_remaining(self) -> Money | None:
        owed = orders.balance_left(self._record)
        return None if owed is None else Money.of(DomainMoney(owed, self._record.currency))

    @strawberry.field(
        description=(
            "When the billing runner next acts on an ACTIVE or PAST_DUE order (a charge, a retry, a card "
            "that took over from a declined one); null when nothing is scheduled."
        )
    )
    def next_attempt_at(self) -> datetime | None:
        sub = self._record
        return sub.due_at if sub.status in (orders.Status.ACTIVE, orders.Status.PAST_DUE) else None

    @strawberry.field(description="The installment now being retried after a decline; null when none is.")
    def dunning(self) -> Dunning | None:
        sub = self._record
        if sub.dunning_attempts == 0 or sub.dunning_since is None:
            return None
        retrying = sub.status == orders.Status.ACTIVE and sub.due_at is not None
        return Dunning(
            attempts=sub.dunning_attempts,
            since=sub.dunning_since,
            next_retry_at=sub.due_at if retrying else None,
        )

    @strawberry.field(
        description="Its sales, oldest first: the one that opened it, then each installment and change."
    )
    async def transactions(
        self, info: Info
    ) -> list[Annotated[Transaction, strawberry.lazy("paydesk.graphql.sales.types")]]:
        from paydesk.graphql.sales.types import Transaction

        return [
            Transaction.from_model(t) for t in await subscription_loaders(info).sales.load(self._record.id)
        ]

    @classmethod
    def from_model(cls, m: SubscriptionModel) -> Subscription:
        return cls(
            id=strawberry.ID(m.id),
            kind=LineKind[m.kind],
            description=m.description,
            quantity=m.quantity,
            unit_price=Money.minor(m.unit_price, m.currency),
            unit=BillingUnit[m.unit],
            payments_remaining=orders.payments_to_come(m),
            next_charge_date=orders.next_charge_day(m),
            status=SubscriptionStatus[m.status],
            trial_ends_on=m.trial_ends_on,
            cancel_at=m.cancel_at,
            credit=Money.minor(m.credit, m.currency),
            paused_at=m.paused_at,
            resume_on=m.resume_on,
            created_at=m.created_at,
            _record=m,
        )


async def subscriptions_of(info: Info, customer_id: str) -> list[Subscription]:
    return [
        Subscription.from_model(s) for s in await subscription_loaders(info).by_customer.load(customer_id)
    ]


async def subscription_node(info: Info, id: str) -> Node | None:
    found = await subscription_loaders(info).subscription.load(id)
    return Subscription.from_model(found) if found else None


@strawberry.type(
    description="What updateSubscription(prorate: true) would do today: charge the difference or credit it."
)
class SubscriptionChangePreview:
    current_amount: Money = strawberry.field(description="What each period costs now: quantity x unitPrice.")
    new_amount: Money = strawberry.field(description="What each period would cost after the change.")
    charge_now: Money = strawberry.field(
        description="An upgrade's difference for the rest of the period, charged now as its own sale; else 0."
    )
    credit: Money = strawberry.field(
        description="A downgrade's difference for the rest of the period, taken off the next charges; else 0."
    )
    period_start: date | None = strawberry.field(
        description="First day of the period the change is prorated over; null when nothing is prorated."
    )
    period_end: date | None = strawberry.field(
        description="The day the prorated period ends (the next charge date); null when nothing is prorated "
        "(not ACTIVE, or the amount stays the same)."
    )

    @classmethod
    def of(cls, preview: ChangePreview) -> SubscriptionChangePreview:
        def money(minor: int) -> Money:
            return Money.of(DomainMoney(minor, preview.currency))

        return cls(
            current_amount=money(preview.current_amount),
            new_amount=money(preview.new_amount),
            charge_now=money(preview.charge_now),
            credit=money(preview.credit),
            period_start=preview.period_start,
            period_end=preview.period_end,
        )
