"""Customers, their addresses and comments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from paydesk.customers import service as customers
from paydesk.customers.records import AddressRecord, CommentRecord, CustomerRecord
from paydesk.graphql.accounts.types import User
from paydesk.graphql.context import Info
from paydesk.graphql.coupons.types import CouponRedemption, coupons_used
from paydesk.graphql.loaders import load_into, loaded, settled
from paydesk.graphql.node import Node

if TYPE_CHECKING:
    from paydesk.graphql.invoices.types import InvoiceConnection

from paydesk.graphql.emails.types import SentEmailConnection
from paydesk.graphql.pagination import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    PageInfo,
    edges_and_info,
    page_request,
)
from paydesk.graphql.payment_requests.types import PaymentRequestConnection
from paydesk.graphql.payments.types import CardTokenizationLink, PaymentMethod
from paydesk.graphql.referrals.types import Partner, partner_of
from paydesk.graphql.sales.types import (
    ORDER_BY_DESCRIPTION,
    Transaction,
    TransactionConnection,
    TransactionOrder,
    TransactionStatus,
    prime_page,
)
from paydesk.graphql.selection import selects
from paydesk.graphql.subscriptions.types import Subscription, subscription_loaders, subscriptions_of
from paydesk.models import Address as AddressModel
from paydesk.models import Comment as CommentModel
from paydesk.models import Customer as CustomerModel
from paydesk.outbox import log as email_log
from paydesk.pagination import Page
from paydesk.payment_methods.records import CardRecord
from paydesk.payment_requests import service as payment_requests
from paydesk.subscriptions import service as orders
from paydesk.transactions import queries as sales


@strawberry.type(description="A postal address of a customer.")
class Address(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix addr_.")
    line1: str = strawberry.field(description="Street and number.")
    line2: str | None = strawberry.field(description="Apartment, suite, building.")
    city: str = strawberry.field(description="City or town.")
    state: str | None = strawberry.field(description="State, province or region.")
    postal_code: str | None = strawberry.field(description="ZIP or postal code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2.")

    @classmethod
    def from_model(cls, m: AddressModel | AddressRecord) -> Address:
        return cls(
            id=strawberry.ID(m.id),
            line1=m.line1,
            line2=m.line2,
            city=m.city,
            state=m.state,
            postal_code=m.postal_code,
            country=m.country,
        )


@strawberry.type(description="A staff note on a customer.")
class Comment(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix cmt_.")
    body: str = strawberry.field(description="The note's text.")
    created_at: datetime = strawberry.field(description="When it was written.")
    author_id: strawberry.Private[str | None]

    @strawberry.field(description="The staff member who wrote it; null when an API key did.")
    def author(self, info: Info) -> User | None:
        if self.author_id is None:
            return None
        # Synchronous when the page primed the loader (Customer.comments); else an awaitable.
        primed = settled(info.context.loaders.user, self.author_id)
        if primed is None:
            return self._author_later(info, self.author_id)  # type: ignore[return-value]
        user = primed.result()
        return User.from_model(user) if user else None

    async def _author_later(self, info: Info, author_id: str) -> User | None:
        user = await info.context.loaders.user.load(author_id)
        return User.from_model(user) if user else None

    @classmethod
    def from_model(cls, m: CommentModel | CommentRecord) -> Comment:
        return cls(id=strawberry.ID(m.id), body=m.body, created_at=m.created_at, author_id=m.author_id)


@strawberry.type(description="A comment and its cursor.")
class CommentEdge:
    cursor: str = strawberry.field(description="Pass as after to get the comments that follow.")
    node: Comment = strawberry.field(description="The comment.")


@strawberry.type(description="A page of comments, newest first.")
class CommentConnection:
    edges: list[CommentEdge] = strawberry.field(description="The comments of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All the customer's comments.")

    @classmethod
    def from_page(cls, page: Page[CommentRecord]) -> CommentConnection:
        edges, info = edges_and_info(page, Comment.from_model, CommentEdge)
        return cls(edges=edges, page_info=info, total_count=page.total)


@strawberry.type(description="A person or business the merchant takes payments from.")
class Customer(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix cus_.")
    number: int = strawberry.field(
        description=(
            "The account's own number for the customer (1, 2, ...; never reused; an imported contact may "
            "keep its old one), as classic integrations send contact_id. customers(search:) finds it."
        )
    )
    created_at: datetime = strawberry.field(description="When the customer was added.")
    first_name: str | None = strawberry.field(description="Given name.")
    last_name: str | None = strawberry.field(description="Family name.")
    email: str | None = strawberry.field(description="Where invoices and payment links are sent.")
    phone: str | None = strawberry.field(description="Phone number as entered.")
    referred_by_partner_id: strawberry.Private[str | None] = None

    @strawberry.field(description="Postal addresses, oldest first.")
    async def addresses(self, info: Info) -> list[Address]:
        return [Address.from_model(a) for a in await info.context.loaders.addresses.load(self.id)]

    @strawberry.field(description="Staff comments, newest first.")
    async def comments(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> CommentConnection:
        request = page_request(first, after)
        ctx = info.context
        if request.after is None:
            page = await ctx.loaders.comments.load((self.id, request.first))
        else:
            page = (await customers.comment_pages(ctx.db, ctx.caller, [self.id], request))[0]
        authors = {c.author_id for c in page.items if c.author_id is not None}
        if authors and selects(info, "edges", "node", "author"):
            # One batch, so that each comment's author resolves synchronously (the loader's statement).
            await load_into(ctx.loaders.user, sorted(authors))
        return CommentConnection.from_page(page)

    @strawberry.field(
        description="Cards on file: active first (the default leading), then expired; removed when asked."
    )
    async def payment_methods(
        self,
        info: Info,
        include_removed: Annotated[bool, strawberry.argument(description="Also list removed cards.")] = False,
    ) -> list[PaymentMethod]:
        methods = await info.context.loaders.payment_methods.load((self.id, include_removed))
        return [PaymentMethod.from_model(m) for m in methods]

    @strawberry.field(description="The card charged when no other is named; null when there is none.")
    def default_payment_method(self, info: Info) -> PaymentMethod | None:
        # Synchronous when the page primed the loader (prime_customers); else an awaitable.
        methods = loaded(info.context.loaders.payment_methods, (self.id, False))
        if methods is None:
            return self._default_later(info)  # type: ignore[return-value]
        return _default_of(methods)

    async def _default_later(self, info: Info) -> PaymentMethod | None:
        return _default_of(await info.context.loaders.payment_methods.load((self.id, False)))

    @strawberry.field(description="Links sent to the customer to put a card on file, newest first.")
    async def card_tokenization_links(self, info: Info) -> list[CardTokenizationLink]:
        return [
            CardTokenizationLink.from_model(link)
            for link in await info.context.loaders.card_links.load(self.id)
        ]

    @strawberry.field(
        description="The customer's sales, newest first by createdAt (or by transactionDate with orderBy); "
        "optionally only those in one status."
    )
    async def transactions(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        status: Annotated[
            TransactionStatus | None, strawberry.argument(description="Only sales in this status.")
        ] = None,
        order_by: Annotated[
            TransactionOrder | None, strawberry.argument(description=ORDER_BY_DESCRIPTION)
        ] = TransactionOrder.CREATED_AT,
    ) -> TransactionConnection:
        ctx = info.context
        order = (order_by or TransactionOrder.CREATED_AT).domain
        request = page_request(first, after, order.cursor_tag)
        page = await sales.page(
            ctx.db,
            ctx.caller,
            request,
            customer_id=self.id,
            status=status.name if status else None,
            order=order,
        )
        await prime_page(info, page)
        return TransactionConnection.from_page(page, order)

    @strawberry.field(
        description="The customer's newest paid sale (PAID, PARTIALLY_REFUNDED or REFUNDED) by "
        "transactionDate; null when there is none."
    )
    def last_payment(self, info: Info) -> Transaction | None:
        # Synchronous when the page primed the loader (prime_customers); else an awaitable.
        primed = settled(info.context.loaders.last_payment, self.id)
        if primed is None:
            return self._last_payment_later(info)  # type: ignore[return-value]
        found = primed.result()
        return Transaction.from_model(found) if found else None

    async def _last_payment_later(self, info: Info) -> Transaction | None:
        found = await info.context.loaders.last_payment.load(self.id)
        return Transaction.from_model(found) if found else None

    @strawberry.field(description="Invoices of the customer's paid sales, newest first.")
    async def invoices(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> Annotated[InvoiceConnection, strawberry.lazy("paydesk.graphql.invoices.types")]:
        from paydesk.graphql.invoices.queries import customer_invoices

        return await customer_invoices(info, self.id, first, after)

    @strawberry.field(description="Coupons the customer used, newest first.")
    async def coupons_used(self, info: Info) -> list[CouponRedemption]:
        return await coupons_used(info, self.id)

    @strawberry.field(description="Payment requests sent to the customer, newest first.")
    async def payment_requests(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> PaymentRequestConnection:
        ctx = info.context
        page = await payment_requests.page_of(
            ctx.db, ctx.caller.account_id, self.id, page_request(first, after)
        )
        return PaymentRequestConnection.from_page(page)

    @strawberry.field(
        description=(
            "Every email paydesk sent the customer or is about to (invoices, card and payment requests), "
            "newest first: what, to whom, when, and whether the mail server took it."
        )
    )
    async def emails(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> SentEmailConnection:
        ctx = info.context
        page = await email_log.emails_of(ctx.db, ctx.caller.account_id, self.id, page_request(first, after))
        return SentEmailConnection.from_page(page)

    @strawberry.field(
        description="The customer's subscriptions and payment plans, newest first, ended ones too."
    )
    async def subscriptions(self, info: Info) -> list[Subscription]:
        return await subscriptions_of(info, self.id)

    @strawberry.field(
        description=(
            "An open order of the customer is PAST_DUE or retrying a declined installment: someone should "
            "look (a page of customers is answered with one query)."
        )
    )
    async def past_due(self, info: Info) -> bool:
        orders_of = await subscription_loaders(info).by_customer.load(self.id)
        return any(orders.waiting_on_retry(sub) for sub in orders_of)

    @strawberry.field(
        description="The partner who referred the customer and earns commission on their paid sales."
    )
    async def referred_by(self, info: Info) -> Partner | None:
        return await partner_of(info, self.referred_by_partner_id)

    @classmethod
    def from_model(cls, m: CustomerModel | CustomerRecord) -> Customer:
        return cls(
            id=strawberry.ID(m.id),
            number=m.number,
            created_at=m.created_at,
            first_name=m.first_name,
            last_name=m.last_name,
            email=m.email,
            phone=m.phone,
            referred_by_partner_id=m.referred_by_partner_id,
        )


def _default_of(methods: list[CardRecord]) -> PaymentMethod | None:
    default = next((m for m in methods if m.is_default), None)
    return PaymentMethod.from_model(default) if default else None


async def prime_customers(info: Info, page: Page[CustomerRecord]) -> None:
    """Load the default cards and last payments of a page's customers, one batch each, when the
    connection's query asks for them: each customer's ``defaultPaymentMethod`` and ``lastPayment`` then
    resolve synchronously (the statements the loaders would send anyway, without 2 awaits a customer)."""
    ids = [customer.id for customer in page.items]
    if not ids:
        return
    loaders = info.context.loaders
    if selects(info, "edges", "node", "defaultPaymentMethod"):
        await load_into(loaders.payment_methods, [(cid, False) for cid in ids])
    if selects(info, "edges", "node", "lastPayment"):
        await load_into(loaders.last_payment, ids)


@strawberry.type(description="A customer and its cursor.")
class CustomerEdge:
    cursor: str = strawberry.field(description="Pass as after to get the customers that follow.")
    node: Customer = strawberry.field(description="The customer.")


@strawberry.type(description="A page of customers, newest first.")
class CustomerConnection:
    edges: list[CustomerEdge] = strawberry.field(description="The customers of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All customers that match, on every page.")

    @classmethod
    def from_page(cls, page: Page[CustomerRecord]) -> CustomerConnection:
        edges, info = edges_and_info(page, Customer.from_model, CustomerEdge)
        return cls(edges=edges, page_info=info, total_count=page.total)
