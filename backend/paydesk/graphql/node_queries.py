"""node(id:): any object by its opaque id, within the caller's account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from paydesk import ids
from paydesk.card_links import service as card_links
from paydesk.customers import service as customers
from paydesk.graphql.accounts.types import Account, User
from paydesk.graphql.catalog.types import Offer, Product
from paydesk.graphql.context import Info
from paydesk.graphql.coupons.types import coupon_node
from paydesk.graphql.customers.types import Address, Comment, Customer
from paydesk.graphql.events.queries import event_node
from paydesk.graphql.invoices.queries import invoice_node, invoice_template_node
from paydesk.graphql.node import Node
from paydesk.graphql.payment_requests.types import payment_request_node
from paydesk.graphql.payments.types import CardTokenizationLink, Gateway, PaymentMethod
from paydesk.graphql.referrals.types import partner_of
from paydesk.graphql.sales.types import Refund, Transaction
from paydesk.graphql.subscriptions.types import subscription_node
from paydesk.graphql.webhooks.queries import webhook_endpoint_node
from paydesk.offers import service as offers
from paydesk.transactions import queries as sales


async def _account(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.account.load(id)
    return Account.from_model(found) if found else None


async def _user(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.user.load(id)
    return User.from_model(found) if found else None


async def _customer(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.customer.load(id)
    return Customer.from_model(found) if found else None


async def _address(info: Info, id: str) -> Node | None:
    found = await customers.get_address(info.context.db, info.context.caller, id)
    return Address.from_model(found) if found else None


async def _comment(info: Info, id: str) -> Node | None:
    found = await customers.get_comment(info.context.db, info.context.caller, id)
    return Comment.from_model(found) if found else None


async def _gateway(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.gateway.load(id)
    return Gateway.from_model(found) if found else None


async def _payment_method(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.payment_method.load(id)
    return PaymentMethod.from_model(found) if found else None


async def _card_link(info: Info, id: str) -> Node | None:
    found = await card_links.get_link(info.context.db, info.context.caller, id)
    return CardTokenizationLink.from_model(found) if found else None


async def _product(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.product.load(id)
    return Product.from_model(found) if found else None


async def _offer(info: Info, id: str) -> Node | None:
    found = await offers.get_offer(info.context.db, info.context.caller, id)
    return Offer.from_model(found) if found else None


async def _transaction(info: Info, id: str) -> Node | None:
    found = await info.context.loaders.transaction.load(id)
    return Transaction.from_model(found) if found else None


async def _refund(info: Info, id: str) -> Node | None:
    found = await sales.refund_by_id(info.context.db, info.context.caller, id)
    return Refund.from_model(found) if found else None


async def _partner(info: Info, id: str) -> Node | None:
    return await partner_of(info, id)


RESOLVERS: dict[str, Callable[[Info, str], Awaitable[Node | None]]] = {
    ids.ACCOUNT: _account,
    ids.USER: _user,
    ids.CUSTOMER: _customer,
    ids.ADDRESS: _address,
    ids.COMMENT: _comment,
    ids.GATEWAY: _gateway,
    ids.PAYMENT_METHOD: _payment_method,
    ids.CARD_LINK: _card_link,
    ids.PRODUCT: _product,
    ids.OFFER: _offer,
    ids.TRANSACTION: _transaction,
    ids.COUPON: coupon_node,
    ids.INVOICE: invoice_node,
    ids.INVOICE_TEMPLATE: invoice_template_node,
    ids.REFUND: _refund,
    ids.PARTNER: _partner,
    ids.SUBSCRIPTION: subscription_node,
    ids.PAYMENT_REQUEST: payment_request_node,
    ids.EVENT: event_node,
    ids.WEBHOOK_ENDPOINT: webhook_endpoint_node,
}


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its id; null when it does not exist in your account.")
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="An opaque id.")]
    ) -> Node | None:
        resolver = RESOLVERS.get(ids.prefix_of(id) or "")
        return await resolver(info, id) if resolver else None
