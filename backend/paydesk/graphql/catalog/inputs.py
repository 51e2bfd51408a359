"""Inputs for products and saved offers."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from paydesk.billing.schedule import BillingUnit as DomainUnit
from paydesk.graphql.catalog.types import BillingUnit, LineKind
from paydesk.graphql.money import MoneyInput
from paydesk.offers.lines import LineInput
from paydesk.offers.lines import LineKind as DomainKind
from paydesk.products.service import PriceInput


def price_of(money: MoneyInput) -> PriceInput:
    return PriceInput(money.amount, money.currency)


@strawberry.input(description="A product's delivery email; an empty body means none.")
class ProductDeliveryEmailInput:
    subject: str | None = strawberry.field(
        default=None,
        description='The subject template; default "Your {{ product_name }} from {{ merchant_name }}".',
    )
    body: str = strawberry.field(description="The body template (plain text, Jinja2).")


@strawberry.input(description="A new product.")
class CreateProductInput:
    name: str = strawberry.field(description="What staff and payers see.")
    price: MoneyInput = strawberry.field(description="The price of one unit.")
    sku: str | None = strawberry.field(
        default=None, description="Stock-keeping unit, unique among active products."
    )
    description: str | None = strawberry.field(default=None, description="Longer text for staff.")
    delivery_email: ProductDeliveryEmailInput | None = strawberry.field(
        default=None, description="What a buyer is emailed once a sale of it is paid."
    )


@strawberry.input(
    description="Changes to a product; omitted fields stay. Saved offers keep the prices they have."
)
class UpdateProductInput:
    product_id: strawberry.ID = strawberry.field(description="The product, prefix prod_.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    price: MoneyInput | None = strawberry.field(default=strawberry.UNSET, description="A new price.")
    sku: str | None = strawberry.field(default=strawberry.UNSET, description="A new SKU; null clears it.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New text; null clears it."
    )
    delivery_email: ProductDeliveryEmailInput | None = strawberry.field(
        default=strawberry.UNSET, description="A new delivery email; null removes it."
    )


@strawberry.input(description="A product to take out of the pickers.")
class ArchiveProductInput:
    product_id: strawberry.ID = strawberry.field(description="The product, prefix prod_.")


@strawberry.input(description="A product, or a free-text line with a description and a unitPrice.")
class OfferLineInput:
    product_id: strawberry.ID | None = strawberry.field(default=None, description="A product of the account.")
    description: str | None = strawberry.field(default=None, description="Defaults to the product's name.")
    quantity: int = strawberry.field(default=1, description="How many units, 1 to 10000.")
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="Defaults to the product's price; for a PAYMENT_PLAN line, each installment.",
    )
    kind: LineKind = strawberry.field(default=LineKind.SINGLE, description="How the line is charged.")
    unit: BillingUnit | None = strawberry.field(
        default=None, description="How often a recurring line recurs."
    )
    payment_count: int | None = strawberry.field(
        default=None, description="Payments of a PAYMENT_PLAN line, 2 to 360."
    )
    first_payment: Decimal | None = strawberry.field(
        default=None, description="A PAYMENT_PLAN's whole first installment, when it differs."
    )

    def line(self) -> LineInput:
        return LineInput(
            product_id=self.product_id,
            description=self.description,
            quantity=self.quantity,
            unit_price=self.unit_price,
            kind=DomainKind(self.kind.name),
            unit=DomainUnit(self.unit.name) if self.unit else None,
            payment_count=self.payment_count,
            first_payment=self.first_payment,
        )


@strawberry.input(description="A named product grid to save; it cannot be edited afterwards.")
class SaveOfferInput:
    name: str = strawberry.field(description="What staff pick it by.")
    currency: str = strawberry.field(description="ISO 4217 code of every line.")
    lines: list[OfferLineInput] = strawberry.field(description="The grid, 1 to 100 lines.")


@strawberry.input(description="A saved offer to take out of the pickers.")
class ArchiveOfferInput:
    offer_id: strawberry.ID = strawberry.field(description="The offer, prefix ofr_.")
