"""Transactions (sales), their lines, events and refunds."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from paydesk.graphql.accounts.types import User
from paydesk.graphql.catalog.types import BillingUnit, LineKind, Product, product_of
from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import PageInfo, edges_and_info
from paydesk.graphql.payments.types import Gateway, GatewayResultCode, PaymentMethod
from paydesk.models import Transaction as TransactionModel
from paydesk.models import TransactionEvent as EventModel
from paydesk.models import TransactionLine as LineModel
from paydesk.money import Money as DomainMoney
from paydesk.pagination import Page

if TYPE_CHECKING:
    from paydesk.graphql.customers.types import Customer
    from paydesk.graphql.invoices.types import Invoice


@strawberry.enum(description="Where a sale stands.")
class TransactionStatus(Enum):
    PAID = strawberry.enum_value("PAID", description="Paid in full.")
    DECLINED = strawberry.enum_value("DECLINED", description="The issuer refused the card.")
    FAILED = strawberry.enum_value(
        "FAILED",
        description="The gateway refused or failed, not the issuer (result codes 2 to 6); no money moved.",
    )
    PENDING = strawberry.enum_value(
        "PENDING", description="Outcome not known yet (e.g. a timeout); settled by reconciliation."
    )
    REFUNDED = strawberry.enum_value("REFUNDED", description="Paid, then refunded in full.")
    PARTIALLY_REFUNDED = strawberry.enum_value(
        "PARTIALLY_REFUNDED", description="Paid, then refunded in part."
    )
    VOIDED = strawberry.enum_value("VOIDED", description="Cancelled before it settled.")
    WRITTEN_OFF = strawberry.enum_value("WRITTEN_OFF", description="Will not be collected.")


@strawberry.enum(description="How the money of a sale moved.")
class TransactionOrigin(Enum):
    CHARGED = strawberry.enum_value("CHARGED", description="Charged through a gateway by this system.")
    LOGGED = strawberry.enum_value(
        "LOGGED", description="Recorded here, paid elsewhere (trade show, other payment system)."
    )


@strawberry.enum(description="Whether a refund went through.")
class RefundStatus(Enum):
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="The money went back.")
    PENDING = strawberry.enum_value("PENDING", description="Sent; the gateway has not confirmed it yet.")
    FAILED = strawberry.enum_value("FAILED", description="The gateway refused it; no money went back.")


@strawberry.type(description="Money given back from a sale.")
class Refund(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix re_.")
    amount: Money = strawberry.field(description="How much went back.")
    status: RefundStatus = strawberry.field(description="Whether it went through.")
    reason: str | None = strawberry.field(description="Why, in staff's words.")
    external_id: str | None = strawberry.field(description="The gateway's own id for the refund.")
    created_at: datetime = strawberry.field(description="When it was made.")


@strawberry.type(description="One line of a sale.")
class TransactionLine:
    description: str = strawberry.field(description="What was sold.")
    quantity: int = strawberry.field(description="How many units.")
    unit_price: Money = strawberry.field(
        description="One unit's price (for a PAYMENT_PLAN line: each installment)."
    )
    discount: Money = strawberry.field(description="This line's share of the discount.")
    total: Money = strawberry.field(description="What this line charged now, after its discount.")
    kind: LineKind = strawberry.field(description="SINGLE, SUBSCRIPTION or PAYMENT_PLAN.")
    unit: BillingUnit | None = strawberry.field(description="How often a recurring line recurs.")
    payment_count: int | None = strawberry.field(description="Payments of a PAYMENT_PLAN line.")
    product_id: strawberry.Private[str | None]

    @strawberry.field(description="The product sold; null for a free-text line.")
    async def product(self, info: Info) -> Product | None:
        return await product_of(info, self.product_id)

    @classmethod
    def from_model(cls, m: LineModel, currency: str) -> TransactionLine:
        return cls(
            description=m.description,
            quantity=m.quantity,
            unit_price=Money.of(DomainMoney(m.unit_price, currency)),
            discount=Money.of(DomainMoney(m.discount, currency)),
            total=Money.of(DomainMoney(m.total, currency)),
            kind=LineKind[m.kind],
            unit=BillingUnit[m.unit] if m.unit else None,
            payment_count=m.payment_count,
            product_id=m.product_id,
        )


@strawberry.type(description="Something that happened to a sale: who, when, what, how much.")
class TransactionEvent:
    kind: str = strawberry.field(
        description="What happened, e.g. logged, charge_started, paid, declined, invoice_issued."
    )
    amount: Money | None = strawberry.field(description="The amount involved, if any.")
    note: str | None = strawberry.field(description="Detail, e.g. a decline code or an invoice number.")
    created_at: datetime = strawberry.field(description="When it happened.")
    actor_user_id: strawberry.Private[str | None]

    @strawberry.field(description="The staff member who did it; null for API keys and automation.")
    async def actor(self, info: Info) -> User | None:
        if self.actor_user_id is None:
            return None
        user = await info.context.loaders.user.load(self.actor_user_id)
        return User.from_model(user) if user else None

    @classmethod
    def from_model(cls, m: EventModel, currency: str) -> TransactionEvent:
        return cls(
            kind=m.kind,
            amount=Money.of(DomainMoney(m.amount, currency)) if m.amount is not None else None,
            note=m.note,
            created_at=m.created_at,
            actor_user_id=m.actor_user_id,
        )


@strawberry.type(description="One sale: charged through a gateway, or logged as paid elsewhere.")
class Transaction(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix txn_.")
    status: TransactionStatus = strawberry.field(description="Where the sale stands.")
    origin: TransactionOrigin = strawberry.field(description="CHARGED here or LOGGED from elsewhere.")
    subtotal: Money = strawberry.field(description="The lines before discount.")
    discount: Money = strawberry.field(description="One-off discount and coupon together.")
    total: Money = strawberry.field(description="What was charged or paid.")
    amount_refunded: Money = strawberry.field(description="Refunds that succeeded or are pending.")
    transaction_date: datetime = strawberry.field(
        description="When the sale happened (may be in the past for a logged sale)."
    )
    created_at: datetime = strawberry.field(description="When this record was made.")
    updated_at: datetime = strawberry.field(description="Last change of status, amounts or refunds.")
    result_code: GatewayResultCode | None = strawberry.field(
        description="The gateway's outcome code; null for logged sales."
    )
    decline_code: str | None = strawberry.field(
        description="For DECLINED: the issuer's reason, e.g. generic_decline, insufficient_funds."
    )
    result_message: str | None = strawberry.field(
        description="The gateway's words on the outcome, or advice."
    )
    external_id: str | None = strawberry.field(description="The gateway's own id for the charge.")
    _record: strawberry.Private[TransactionModel]

    @strawberry.field(description="Who paid.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")]:
        from paydesk.graphql.customers.types import Customer

        found = await info.context.loaders.customer.load(self._record.customer_id)
        assert found is not None, "a sale's customer exists"
        return Customer.from_model(found)

    @strawberry.field(description="What was sold, in order.")
    async def lines(self, info: Info) -> list[TransactionLine]:
        rows = await info.context.loaders.transaction_lines.load(self._record.id)
        return [TransactionLine.from_model(row, self._record.currency) for row in rows]

    @strawberry.field(description="Everything that happened to the sale, oldest first.")
    async def events(self, info: Info) -> list[TransactionEvent]:
        rows = await info.context.loaders.transaction_events.load(self._record.id)
        return [TransactionEvent.from_model(row, self._record.currency) for row in rows]

    @strawberry.field(description="The gateway that charged it; null for logged sales.")
    async def gateway(self, info: Info) -> Gateway | None:
        if self._record.gateway_id is None:
            return None
        found = await info.context.loaders.gateway.load(self._record.gateway_id)
        return Gateway.from_model(found) if found else None

    @strawberry.field(description="The card charged; null for logged sales.")
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        if self._record.payment_method_id is None:
            return None
        found = await info.context.loaders.payment_method.load(self._record.payment_method_id)
        return PaymentMethod.from_model(found) if found else None

    @strawberry.field(description="The invoice of a paid sale.")
    async def invoice(
        self, info: Info
    ) -> Annotated[Invoice, strawberry.lazy("paydesk.graphql.invoices.types")] | None:
        from paydesk.graphql.invoices.queries import transaction_invoice

        return await transaction_invoice(info, self._record.id)

    @strawberry.field(description="Money given back, oldest first.")
    def refunds(self) -> list[Refund]:
        # Refunds arrive with the transaction actions; until then a sale has none.
        return []

    @strawberry.field(description="The voided sale this one replaces.")
    async def replaces_transaction(self, info: Info) -> Transaction | None:
        if self._record.replaces_transaction_id is None:
            return None
        found = await info.context.loaders.transaction.load(self._record.replaces_transaction_id)
        return Transaction.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: TransactionModel) -> Transaction:
        def money(minor: int) -> Money:
            return Money.of(DomainMoney(minor, m.currency))

        return cls(
            id=strawberry.ID(m.id),
            status=TransactionStatus[m.status],
            origin=TransactionOrigin[m.origin],
            subtotal=money(m.subtotal),
            discount=money(m.discount),
            total=money(m.total),
            amount_refunded=money(0),
            transaction_date=m.transaction_date,
            created_at=m.created_at,
            updated_at=m.updated_at,
            result_code=GatewayResultCode[m.result_code] if m.result_code else None,
            decline_code=m.decline_code,
            result_message=m.result_message,
            external_id=m.external_id,
            _record=m,
        )


@strawberry.type(description="A sale and its cursor.")
class TransactionEdge:
    cursor: str = strawberry.field(description="Pass as after to get the sales that follow.")
    node: Transaction = strawberry.field(description="The sale.")


@strawberry.type(description="A page of sales.")
class TransactionConnection:
    edges: list[TransactionEdge] = strawberry.field(description="The sales of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All sales that match, on every page.")

    @classmethod
    def from_page(cls, page: Page[TransactionModel]) -> TransactionConnection:
        edges, info = edges_and_info(page, Transaction.from_model, TransactionEdge)
        return cls(edges=edges, page_info=info, total_count=page.total)
