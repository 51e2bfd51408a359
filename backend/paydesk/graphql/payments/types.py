"""Gateways, cards on file and card tokenization links."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from paydesk.card_links import service as card_links
from paydesk.gateways import service as gateways
from paydesk.graphql.context import Info
from paydesk.graphql.node import Node
from paydesk.models import CardTokenizationLink as LinkModel
from paydesk.models import Gateway as GatewayModel
from paydesk.models import PaymentMethod as PaymentMethodModel
from paydesk.payment_methods.records import CardRecord
from paydesk.payment_methods.service import status_of

if TYPE_CHECKING:
    from paydesk.graphql.customers.types import Address, Customer


@strawberry.enum(description="The gateway outcome codes of the Payments API, 1 to 7.")
class GatewayResultCode(Enum):
    GOOD = strawberry.enum_value("GOOD", description="1: approved or done.")
    BAD_DATA = strawberry.enum_value(
        "BAD_DATA", description="2: the issuer declined, or the request was invalid."
    )
    GATEWAY_ACCOUNT_ERROR = strawberry.enum_value(
        "GATEWAY_ACCOUNT_ERROR", description="3: the merchant's gateway account refused the request."
    )
    INTERNAL_ERROR = strawberry.enum_value("INTERNAL_ERROR", description="4: paydesk itself failed.")
    REMOTE_GATEWAY_ERROR = strawberry.enum_value("REMOTE_GATEWAY_ERROR", description="5: the gateway failed.")
    GATEWAY_CREDENTIALS_ERROR = strawberry.enum_value(
        "GATEWAY_CREDENTIALS_ERROR", description="6: the gateway rejected the merchant's credentials."
    )
    CONNECTION_ERROR = strawberry.enum_value(
        "CONNECTION_ERROR", description="7: no answer from the gateway; the outcome is not known yet."
    )


@strawberry.enum(description="Whether a payment method can be charged.")
class PaymentMethodStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="On file and chargeable.")
    EXPIRED = strawberry.enum_value(
        "EXPIRED", description="Past its expiry month; update the expiry or add a new card."
    )
    REMOVED = strawberry.enum_value("REMOVED", description="Taken off file; kept for history, never charged.")


@strawberry.enum(description="The kind of payment method.")
class PaymentMethodType(Enum):
    CARD = strawberry.enum_value("CARD", description="A credit or debit card.")


@strawberry.enum(description="Whether a card tokenization link still accepts a card.")
class LinkStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Waiting for the customer's card.")
    USED = strawberry.enum_value("USED", description="A card was put on file through it.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Past its expiry.")
    REVOKED = strawberry.enum_value("REVOKED", description="Withdrawn by staff.")
    LOCKED = strawberry.enum_value("LOCKED", description="Too many failed card attempts.")


@strawberry.type(description="A payment gateway of the account. Its credentials are never returned.")
class Gateway(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix gw_.")
    number: int = strawberry.field(
        description="The account's own number for it (1, 2, ...; never reused), as classic integrations send."
    )
    name: str = strawberry.field(description="A name staff recognise, e.g. Stripe (EU).")
    kind: str = strawberry.field(description="Adapter kind, e.g. sandbox, stripe.")
    test_mode: bool = strawberry.field(
        description="True for test gateways (the sandbox, Stripe test keys): no real money moves."
    )
    is_default: bool = strawberry.field(description="Used when a request names no gateway.")
    created_at: datetime = strawberry.field(description="When it was added.")

    @strawberry.field(
        description=(
            "Where to point a Stripe webhook endpoint (charge.refunded, charge.dispute.created, "
            "charge.dispute.closed, payment_intent.succeeded, payment_intent.payment_failed); null for "
            "gateways without webhooks."
        )
    )
    def webhook_url(self, info: Info) -> str | None:
        path = gateways.webhook_path(self._record)
        return info.context.settings.public_url.rstrip("/") + path if path else None

    @strawberry.field(description="A Stripe webhook signing secret is set, so Stripe's events are taken.")
    def receives_webhooks(self, info: Info) -> bool:
        return gateways.webhook_secret_of(info.context.server_secret, self._record) is not None

    @strawberry.field(description="ISO 4217 codes it accepts.")
    def currencies(self, info: Info) -> list[str]:
        return gateways.currencies(info.context.gateways, self._record)

    _record: strawberry.Private[GatewayModel]

    @classmethod
    def from_model(cls, m: GatewayModel) -> Gateway:
        return cls(
            id=strawberry.ID(m.id),
            number=m.number,
            name=m.name,
            kind=m.kind,
            test_mode=m.test_mode,
            is_default=m.is_default,
            created_at=m.created_at,
            _record=m,
        )


@strawberry.type(
    description="A card on file: the gateway's token with the card's brand, last digits and expiry."
)
class PaymentMethod(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix pm_.")
    type: PaymentMethodType = strawberry.field(description="CARD.")
    brand: str = strawberry.field(description="Card brand, e.g. visa, mastercard, amex.")
    last4: str = strawberry.field(description="The card number's last four digits.")
    exp_month: int | None = strawberry.field(
        description="Expiry month 1 to 12; null for methods that do not expire."
    )
    exp_year: int | None = strawberry.field(
        description="Four-digit expiry year; null for methods that do not expire."
    )
    name_on_card: str | None = strawberry.field(description="The cardholder's name as entered.")
    is_default: bool = strawberry.field(description="Charged when no other card is named.")
    status: PaymentMethodStatus = strawberry.field(description="ACTIVE, EXPIRED or REMOVED.")
    created_at: datetime = strawberry.field(description="When it was put on file.")
    gateway_id: strawberry.Private[str]
    billing_address_id: strawberry.Private[str | None]
    customer_id: strawberry.Private[str]

    @strawberry.field(description="The gateway that holds the card.")
    async def gateway(self, info: Info) -> Gateway:
        record = await info.context.loaders.gateway.load(self.gateway_id)
        assert record is not None, "a payment method's gateway exists"
        return Gateway.from_model(record)

    @strawberry.field(description="The customer whose card it is.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")]:
        from paydesk.graphql.customers.types import Customer

        found = await info.context.loaders.customer.load(self.customer_id)
        assert found is not None, "a card's customer exists"
        return Customer.from_model(found)

    @strawberry.field(description="The billing address, one of the customer's addresses.")
    async def billing_address(
        self, info: Info
    ) -> Annotated[Address, strawberry.lazy("paydesk.graphql.customers.types")] | None:
        from paydesk.graphql.customers.types import Address

        if self.billing_address_id is None:
            return None
        addresses = await info.context.loaders.addresses.load(self.customer_id)
        found = next((a for a in addresses if a.id == self.billing_address_id), None)
        return Address.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: PaymentMethodModel | CardRecord) -> PaymentMethod:
        return cls(
            id=strawberry.ID(m.id),
            type=PaymentMethodType.CARD,
            brand=m.brand,
            last4=m.last4,
            exp_month=m.exp_month,
            exp_year=m.exp_year,
            name_on_card=m.name_on_card,
            is_default=m.is_default,
            status=PaymentMethodStatus[status_of(m)],
            created_at=m.created_at,
            gateway_id=m.gateway_id,
            billing_address_id=m.billing_address_id,
            customer_id=m.customer_id,
        )


@strawberry.type(description="A link where the customer puts a card on file themselves.")
class CardTokenizationLink(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix clink_.")
    status: LinkStatus = strawberry.field(description="Whether it still accepts a card.")
    expires_at: datetime = strawberry.field(description="When it stops accepting cards.")
    used_at: datetime | None = strawberry.field(description="When a card was put on file through it.")
    takes_over_open_orders: bool = strawberry.field(
        description="The new card also becomes the card of the customer's open subscriptions and plans."
    )
    failed_attempts: int = strawberry.field(description="Cards refused through it; five lock it.")
    created_at: datetime = strawberry.field(description="When it was made.")
    _record: strawberry.Private[LinkModel]

    @strawberry.field(description="Public page where the customer enters a card to keep on file.")
    def url(self, info: Info) -> str:
        return card_links.url_of(self._record, info.context.server_secret, info.context.settings.public_url)

    @strawberry.field(description="The customer the link is for.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")]:
        from paydesk.graphql.customers.types import Customer

        found = await info.context.loaders.customer.load(self._record.customer_id)
        assert found is not None, "a link's customer exists"
        return Customer.from_model(found)

    @strawberry.field(description="The card put on file through it.")
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        if self._record.payment_method_id is None:
            return None
        found = await info.context.loaders.payment_method.load(self._record.payment_method_id)
        return PaymentMethod.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: LinkModel) -> CardTokenizationLink:
        return cls(
            id=strawberry.ID(m.id),
            status=LinkStatus[card_links.status_of(m).value],
            expires_at=m.expires_at,
            used_at=m.used_at,
            takes_over_open_orders=m.takes_over_open_orders,
            failed_attempts=m.failed_attempts,
            created_at=m.created_at,
            _record=m,
        )
