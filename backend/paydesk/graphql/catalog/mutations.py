"""Products and saved offers."""

from __future__ import annotations

import strawberry

from paydesk.auth.roles import Role
from paydesk.graphql.catalog.inputs import (
    ArchiveOfferInput,
    ArchiveProductInput,
    CreateProductInput,
    SaveOfferInput,
    UpdateProductInput,
    price_of,
)
from paydesk.graphql.catalog.payloads import OfferPayload, ProductPayload
from paydesk.graphql.catalog.types import Offer, Product
from paydesk.graphql.context import Info
from paydesk.graphql.permissions import mutation
from paydesk.offers import service as offers
from paydesk.products import service as products


@strawberry.type
class CatalogMutations:
    @mutation(role=Role.ADMIN, description="Add a product.")
    async def create_product(self, info: Info, input: CreateProductInput) -> ProductPayload:
        product = await products.create_product(
            info.context.db,
            info.context.caller,
            name=input.name,
            price=price_of(input.price),
            sku=input.sku,
            description=input.description,
            delivery=(input.delivery_email.subject, input.delivery_email.body)
            if input.delivery_email
            else None,
        )
        return ProductPayload(product=Product.from_model(product))

    @mutation(role=Role.ADMIN, description="Change a product; saved offers and past sales keep their prices.")
    async def update_product(self, info: Info, input: UpdateProductInput) -> ProductPayload:
        product = await products.update_product(
            info.context.db,
            info.context.caller,
            input.product_id,
            name=input.name or None,
            price=price_of(input.price) if input.price else None,
            sku=products.UNSET if input.sku is strawberry.UNSET else input.sku,
            description=products.UNSET if input.description is strawberry.UNSET else input.description,
            delivery=(
                products.UNSET
                if input.delivery_email is strawberry.UNSET
                else (input.delivery_email.subject, input.delivery_email.body)
                if input.delivery_email
                else None
            ),
        )
        return ProductPayload(product=Product.from_model(product))

    @mutation(role=Role.ADMIN, description="Take a product out of the pickers; it keeps resolving by id.")
    async def archive_product(self, info: Info, input: ArchiveProductInput) -> ProductPayload:
        product = await products.archive_product(info.context.db, info.context.caller, input.product_id)
        return ProductPayload(product=Product.from_model(product))

    @mutation(role=Role.REP, description="Save a named product grid; saved offers cannot be edited.")
    async def save_offer(self, info: Info, input: SaveOfferInput) -> OfferPayload:
        offer = await offers.save_offer(
            info.context.db,
            info.context.caller,
            name=input.name,
            currency=input.currency,
            lines=[line.line() for line in input.lines],
        )
        return OfferPayload(offer=Offer.from_model(offer))

    @mutation(role=Role.REP, description="Take a saved offer out of the pickers; it keeps resolving by id.")
    async def archive_offer(self, info: Info, input: ArchiveOfferInput) -> OfferPayload:
        offer = await offers.archive_offer(info.context.db, info.context.caller, input.offer_id)
        return OfferPayload(offer=Offer.from_model(offer))
