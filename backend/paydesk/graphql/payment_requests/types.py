"""Payment requests and their pages of a customer."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from paydesk.graphql.catalog.types import BillingUnit, LineKind, Product, product_of
from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import PageInfo, edges_and_info
from paydesk.models import PaymentRequest as RequestModel
from paydesk.offers.lines import Line
from paydesk.pagination import Page
from paydesk.payment_requests import service as requests
from paydesk.payment_requests.records import RequestRecord

if TYPE_CHECKING:
    from paydesk.graphql.customers.types import Customer
    from paydesk.graphql.sales.types import Transaction


@strawberry.enum(description="Where a payment request stands.")
class PaymentRequestStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="Waiting for the payer.")
    PAID = strawberry.enum_value("PAID", description="Paid; see transaction.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Past its expiry; the page charges nothing.")
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="Cancelled by staff; the page charges nothing."
    )
    LOCKED = strawberry.enum_value(
        "LOCKED", description="Too many declined attempts; nothing more is accepted."
    )


@strawberry.type(description="One line a payment request charges.")
class PaymentRequestLine:
    description: str = strawberry.field(description="What is paid for.")
    quantity: int = strawberry.field(description="How many units.")
    unit_price: Money = strawberry.field(
        description="One unit's price (a PAYMENT_PLAN line: each installment)."
    )
    kind: LineKind = strawberry.field(description="SINGLE, SUBSCRIPTION or PAYMENT_PLAN.")
    unit: BillingUnit | None = strawberry.field(description="How often a recurring line recurs.")
    payment_count: int | None = strawberry.field(description="Payments of a PAYMENT_PLAN line.")
    first_payment: Money | None = strawberry.field(
        description="A PAYMENT_PLAN's first payment, when it differs."
    )
    product_id: strawberry.Private[str | None]

    @strawberry.field(description="The product; null for a free-text line.")
    async def product(self, info: Info) -> Product | None:
        return await product_of(info, self.product_id)

    @classmethod
    def of(cls, line: Line, currency: str) -> PaymentRequestLine:
        def money(minor: int) -> Money:
            return Money.minor(minor, currency)

        return cls(
            description=line.description,
            quantity=line.quantity,
            unit_price=money(line.unit_price),
            kind=LineKind[line.kind.value],
            unit=BillingUnit[line.unit.value] if line.unit else None,
            payment_count=line.payment_count,
            first_payment=money(line.first_payment) if line.first_payment is not None else None,
            product_id=line.product_id,
        )


@strawberry.type(
    description="A link to a hosted checkout page where the customer pays; single use, expiring."
)
class PaymentRequest(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix preq_.")
    status: PaymentRequestStatus = strawberry.field(description="Where it stands (expiry applies on read).")
    amount: Money = strawberry.field(description="What the payer pays now: the total after discount.")
    subtotal: Money = strawberry.field(description="The lines before discount.")
    discount: Money = strawberry.field(description="The discount priced in when it was made.")
    description: str | None = strawberry.field(description="What it is for, shown to the payer.")
    allow_coupon: bool = strawberry.field(description="The page offers a coupon code field.")
    expires_at: datetime = strawberry.field(description="After this the page charges nothing.")
    failed_attempts: int = strawberry.field(description="Declined attempts so far; five lock it.")
    created_at: datetime = strawberry.field(description="When it was made.")
    paid_at: datetime | None = strawberry.field(description="When it was paid.")
    cancelled_at: datetime | None = strawberry.field(description="When staff cancelled it.")
    last_sent_at: datetime | None = strawberry.field(description="When its link was last emailed.")
    _record: strawberry.Private[RequestModel | RequestRecord]

    @strawberry.field(description="Public checkout page for the payer.")
    def url(self, info: Info) -> str:
        ctx = info.context
        return requests.url_of(self._record, ctx.server_secret, ctx.settings.public_url)

    @strawberry.field(description="What it charges, in order.")
    def lines(self) -> list[PaymentRequestLine]:
        return [
            PaymentRequestLine.of(line, self._record.currency) for line in requests.lines_of(self._record)
        ]

    @strawberry.field(description="Who is asked to pay.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")]:
        from paydesk.graphql.customers.types import Customer

        found = await info.context.loaders.customer.load(self._record.customer_id)
        assert found is not None, "a request's customer exists"
        return Customer.from_model(found)

    @strawberry.field(description="The sale that paid it (or is waiting for the gateway's answer).")
    async def transaction(
        self, info: Info
    ) -> Annotated[Transaction, strawberry.lazy("paydesk.graphql.sales.types")] | None:
        from paydesk.graphql.sales.types import Transaction

        if self._record.transaction_id is None:
            return None
        found = await info.context.loaders.transaction.load(self._record.transaction_id)
        return Transaction.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: RequestModel | RequestRecord) -> PaymentRequest:
        def money(minor: int) -> Money:
            return Money.minor(minor, m.currency)

        return cls(
            id=strawberry.ID(m.id),
            status=PaymentRequestStatus[requests.status_of(m).value],
            amount=money(m.total),
            subtotal=money(m.subtotal),
            discount=money(m.discount),
            description=m.description,
            allow_coupon=m.allow_coupon,
            expires_at=m.expires_at,
            failed_attempts=m.failed_attempts,
            created_at=m.created_at,
            paid_at=m.paid_at,
            cancelled_at=m.cancelled_at,
            last_sent_at=m.last_sent_at,
            _record=m,
        )


@strawberry.type(description="A payment request and its cursor.")
class PaymentRequestEdge:
    cursor: str = strawberry.field(description="Pass as after to get the requests that follow.")
    node: PaymentRequest = strawberry.field(description="The payment request.")


@strawberry.type(description="A page of payment requests, newest first.")
class PaymentRequestConnection:
    edges: list[PaymentRequestEdge] = strawberry.field(description="The requests of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All the customer's requests, on every page.")

    @classmethod
    def from_page(cls, page: Page[RequestRecord]) -> PaymentRequestConnection:
        edges, info = edges_and_info(page, PaymentRequest.from_model, PaymentRequestEdge)
        return cls(edges=edges, page_info=info, total_count=page.total)


async def payment_request_node(info: Info, id: str) -> Node | None:
    found = await requests.get(info.context.db, info.context.caller, id)
    return PaymentRequest.from_model(found) if found else None
