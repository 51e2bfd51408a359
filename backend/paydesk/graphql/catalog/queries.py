"""Reading products and saved offers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.graphql.catalog.types import Offer, Product
from paydesk.graphql.context import Info
from paydesk.offers import service as offers
from paydesk.products import service as products


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="The account's products by name; archived ones only when asked.")
    async def products(
        self,
        info: Info,
        include_archived: Annotated[
            bool, strawberry.argument(description="Also list archived products.")
        ] = False,
    ) -> list[Product]:
        found = await products.list_products(
            info.context.db, info.context.caller, include_archived=include_archived
        )
        return [Product.from_model(p) for p in found]

    @strawberry.field(description="Saved offers by name; archived ones only when asked.")
    async def offers(
        self,
        info: Info,
        include_archived: Annotated[
            bool, strawberry.argument(description="Also list archived offers.")
        ] = False,
    ) -> list[Offer]:
        found = await offers.list_offers(
            info.context.db, info.context.caller, include_archived=include_archived
        )
        return [Offer.from_model(o) for o in found]
