"""Products, saved offers and their lines."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from paydesk.graphql.context import Info
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.models import Offer as OfferModel
from paydesk.models import OfferLine as OfferLineModel
from paydesk.models import Product as ProductModel
from paydesk.money import Money as DomainMoney


@strawberry.enum(description="How a line is charged.")
class LineKind(Enum):
    SINGLE = strawberry.enum_value("SINGLE", description="Charged once, in full.")
    SUBSCRIPTION = strawberry.enum_value(
        "SUBSCRIPTION", description="quantity x unitPrice every unit, until cancelled."
    )
    PAYMENT_PLAN = strawberry.enum_value(
        "PAYMENT_PLAN",
        description="paymentCount installments of unitPrice every unit; firstPayment may differ.",
    )


@strawberry.enum(description="How often a recurring line is charged.")
class BillingUnit(Enum):
    DAY = strawberry.enum_value("DAY", description="Every day.")
    WEEK = strawberry.enum_value("WEEK", description="Every seven days.")
    MONTH = strawberry.enum_value(
        "MONTH", description="Every month, on the starting day (or the month's last day)."
    )
    QUARTER = strawberry.enum_value("QUARTER", description="Every three months.")
    YEAR = strawberry.enum_value("YEAR", description="Every year.")


@strawberry.type(
    description=(
        "The email a buyer gets when a sale of a product is paid (charged, logged or marked paid): "
        "plain-text Jinja2 templates with customer_name, merchant_name, product_name, quantity and "
        "transaction_id."
    )
)
class ProductDeliveryEmail:
    subject: str = strawberry.field(description="The subject line template.")
    body: str = strawberry.field(description="The body template: a download link, licence key, instructions.")


@strawberry.type(description="Something the account sells, at a price.")
class Product(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix prod_.")
    number: int = strawberry.field(
        description="The account's own number for it (1, 2, ...; never reused), as classic integrations send."
    )
    name: str = strawberry.field(description="What staff and payers see.")
    price: Money = strawberry.field(description="The price of one unit.")
    sku: str | None = strawberry.field(
        description="The merchant's stock-keeping unit, unique among active products."
    )
    description: str | None = strawberry.field(description="Longer text for staff.")
    archived: bool = strawberry.field(
        description="Out of the pickers; still resolves for past offers and sales."
    )
    created_at: datetime = strawberry.field(description="When it was added.")
    delivery_email: ProductDeliveryEmail | None = strawberry.field(
        description="What a buyer is emailed once a sale of it is paid; null: nothing."
    )

    @classmethod
    def from_model(cls, m: ProductModel) -> Product:
        return cls(
            id=strawberry.ID(m.id),
            number=m.number,
            name=m.name,
            price=Money.of(DomainMoney(m.price, m.currency)),
            sku=m.sku,
            description=m.description,
            archived=m.archived_at is not None,
            created_at=m.created_at,
            delivery_email=(
                ProductDeliveryEmail(subject=m.delivery_subject or "", body=m.delivery_body)
                if m.delivery_body
                else None
            ),
        )


async def product_of(info: Info, product_id: str | None) -> Product | None:
    """The product a line names, through the request's loader; archived ones still resolve."""
    if product_id is None:
        return None
    found = await info.context.loaders.product.load(product_id)
    return Product.from_model(found) if found else None


@strawberry.type(description="One line of a saved offer.")
class OfferLine:
    description: str = strawberry.field(description="What the line is for (the product's name unless given).")
    quantity: int = strawberry.field(description="How many units.")
    unit_price: Money = strawberry.field(description="For a PAYMENT_PLAN line: each installment.")
    total: Money = strawberry.field(
        description="quantity x unitPrice (for a PAYMENT_PLAN line: one installment)."
    )
    kind: LineKind = strawberry.field(description="SINGLE, SUBSCRIPTION or PAYMENT_PLAN.")
    unit: BillingUnit | None = strawberry.field(
        description="How often a SUBSCRIPTION or PAYMENT_PLAN line recurs."
    )
    payment_count: int | None = strawberry.field(description="Number of payments of a PAYMENT_PLAN line.")
    first_payment: Money | None = strawberry.field(
        description="A PAYMENT_PLAN's first payment when it differs (pay $100 now, the rest later)."
    )
    product_id: strawberry.Private[str | None]

    @strawberry.field(description="Null for a free-text line (an amount with a description).")
    async def product(self, info: Info) -> Product | None:
        return await product_of(info, self.product_id)

    @classmethod
    def from_model(cls, m: OfferLineModel, currency: str) -> OfferLine:
        return cls(
            description=m.description,
            quantity=m.quantity,
            unit_price=Money.of(DomainMoney(m.unit_price, currency)),
            total=Money.of(DomainMoney(m.quantity * m.unit_price, currency)),
            kind=LineKind[m.kind],
            unit=BillingUnit[m.unit] if m.unit else None,
            payment_count=m.payment_count,
            first_payment=Money.of(DomainMoney(m.first_payment, currency))
            if m.first_payment is not None
            else None,
            product_id=m.product_id,
        )


@strawberry.type(description="A saved, named product grid. It never changes once saved; it can be archived.")
class Offer(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix ofr_.")
    name: str = strawberry.field(description="What staff pick it by.")
    currency: str = strawberry.field(description="ISO 4217 code of every line.")
    archived: bool = strawberry.field(description="Out of the pickers; still resolves by id.")
    created_at: datetime = strawberry.field(description="When it was saved.")

    @strawberry.field(description="Its lines, in order.")
    async def lines(self, info: Info) -> list[OfferLine]:
        return [
            OfferLine.from_model(line, self.currency)
            for line in await info.context.loaders.offer_lines.load(self.id)
        ]

    @classmethod
    def from_model(cls, m: OfferModel) -> Offer:
        return cls(
            id=strawberry.ID(m.id),
            name=m.name,
            currency=m.currency,
            archived=m.archived_at is not None,
            created_at=m.created_at,
        )
