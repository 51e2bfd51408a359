"""Reading customers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from paydesk.customers import service as customers
from paydesk.graphql.context import Info
from paydesk.graphql.customers.types import Customer, CustomerConnection, prime_customers
from paydesk.graphql.pagination import AFTER_DESCRIPTION, FIRST_DESCRIPTION, page_request


@strawberry.type
class CustomerQueries:
    @strawberry.field(description="A customer of your account by id; null when there is none.")
    async def customer(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The customer, prefix cus_.")],
    ) -> Customer | None:
        found = await info.context.loaders.customer.load(id)
        return Customer.from_model(found) if found else None

    @strawberry.field(
        description="Customers, newest first; search matches names, email and phone, ignoring case."
    )
    async def customers(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Part of a name, email or phone.")
        ] = None,
    ) -> CustomerConnection:
        ctx = info.context
        page = await customers.list_customers(ctx.db, ctx.caller, page_request(first, after), search)
        await prime_customers(info, page)
        return CustomerConnection.from_page(page)
