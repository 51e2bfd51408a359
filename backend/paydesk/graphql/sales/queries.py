"""Reading sales: one, a customer's, and the account's feed partners sync from."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from paydesk.errors import DomainError
from paydesk.graphql.context import Info
from paydesk.graphql.errors import bad_user_input, user_errors
from paydesk.graphql.pagination import AFTER_DESCRIPTION, FIRST_DESCRIPTION, edges_and_info, page_request
from paydesk.graphql.sales.inputs import SalePreviewInput
from paydesk.graphql.sales.payloads import SalePreviewResult
from paydesk.graphql.sales.types import (
    ORDER_BY_DESCRIPTION,
    SalePreview,
    Transaction,
    TransactionConnection,
    TransactionEdge,
    TransactionOrder,
    TransactionStatus,
    prime_page,
)
from paydesk.pagination import Position
from paydesk.transactions import queries as sales
from paydesk.transactions import service as selling


@strawberry.type
class SalesQueries:
    @strawberry.field(description="A sale of your account by id; null when there is none.")
    async def transaction(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The sale, prefix txn_.")],
    ) -> Transaction | None:
        found = await info.context.loaders.transaction.load(id)
        return Transaction.from_model(found) if found else None

    @strawberry.field(
        description=(
            "Every transaction of the account, newest first by createdAt (or by transactionDate with "
            "orderBy); with updatedSince, those changed since then, oldest change first: the feed partners "
            "sync from (orderBy does not apply to it)."
        )
    )
    async def transactions(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        status: Annotated[
            TransactionStatus | None, strawberry.argument(description="Only sales in this status.")
        ] = None,
        updated_since: Annotated[
            datetime | None, strawberry.argument(description="Only sales changed at or after this instant.")
        ] = None,
        order_by: Annotated[
            TransactionOrder | None, strawberry.argument(description=ORDER_BY_DESCRIPTION)
        ] = TransactionOrder.CREATED_AT,
    ) -> TransactionConnection:
        ctx = info.context
        state = status.name if status else None
        if updated_since is None:
            order = (order_by or TransactionOrder.CREATED_AT).domain
            request = page_request(first, after, order.cursor_tag)
            page = await sales.page(ctx.db, ctx.caller, request, status=state, order=order)
            await prime_page(info, page)
            return TransactionConnection.from_page(page, order)
        if order_by not in (None, TransactionOrder.CREATED_AT):
            raise bad_user_input("orderBy: the updatedSince feed is always oldest change first")
        request = page_request(first, after)
        if updated_since.tzinfo is None:
            raise bad_user_input("updatedSince: give a time zone, e.g. 2026-01-01T00:00:00Z")
        changed = await sales.changed_since(ctx.db, ctx.caller, updated_since, request, status=state)
        await prime_page(info, changed)
        # The feed is ordered by (updated_at, id), so its cursors hold updated_at.
        edges, info_ = edges_and_info(
            changed, Transaction.from_model, TransactionEdge, lambda r: Position(r.updated_at, r.id)
        )
        return TransactionConnection(edges=edges, page_info=info_, total_count=changed.total)

    @strawberry.field(
        description=(
            "Price a sale exactly as chargeNow would, without charging, writing anything or redeeming the "
            "coupon; problems come back as the userErrors chargeNow would give. Any role may ask."
        )
    )
    async def sale_preview(
        self,
        info: Info,
        input: Annotated[
            SalePreviewInput, strawberry.argument(description="The order, as chargeNow would take it.")
        ],
    ) -> SalePreviewResult:
        ctx = info.context
        try:
            order = await selling.preview_sale(ctx.db, ctx.caller, input.order())
        except DomainError as error:
            return SalePreviewResult(user_errors=user_errors(error))
        return SalePreviewResult(preview=SalePreview.from_order(order))
