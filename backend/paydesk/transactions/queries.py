"""Reading sales, always within the caller's account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.models import Refund, Transaction, TransactionEvent, TransactionLine
from paydesk.pagination import Page, PageRequest, Position
from paydesk.transactions import repository as repo
from paydesk.transactions.records import LineRecord, RefundRecord, SaleRecord
from paydesk.transactions.rules import WAS_PAID


class SaleOrder(Enum):
    """How a list of sales is sorted, newest first; each order has its own cursors."""

    CREATED_AT = ""  # when the record was made: the feed partners sync from (untagged cursors)
    TRANSACTION_DATE = "date"  # when the sale was made, which a logged sale may put in the past

    @property
    def cursor_tag(self) -> str:
        return self.value

    def position(self, sale: Transaction | SaleRecord) -> Position:
        stamp = sale.transaction_date if self is SaleOrder.TRANSACTION_DATE else sale.created_at
        return Position(stamp, sale.id)


async def page(
    session: AsyncSession,
    principal: Principal,
    request: PageRequest,
    *,
    customer_id: str | None = None,
    status: str | None = None,
    order: SaleOrder = SaleOrder.CREATED_AT,
) -> Page[SaleRecord]:
    rows, total = await repo.page(
        session,
        principal.account_id,
        request,
        customer_id=customer_id,
        status=status,
        by_transaction_date=order is SaleOrder.TRANSACTION_DATE,
    )
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, total)


async def changed_since(
    session: AsyncSession,
    principal: Principal,
    since: datetime,
    request: PageRequest,
    *,
    status: str | None = None,
) -> Page[Transaction]:
    rows, total = await repo.changed_since(
        session, principal.account_id, since, request.first, request.after, status
    )
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, total)


async def transactions_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> list[Transaction]:
    return await repo.get_many(session, principal.account_id, ids)


async def last_payments(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str]
) -> dict[str, SaleRecord]:
    """Each customer's newest paid sale (PAID, PARTIALLY_REFUNDED or REFUNDED) by transaction date.

    One query for all of ``customer_ids``; a customer with no paid sale is left out.
    """
    if not customer_ids:
        return {}
    rows = await repo.newest_of_customers(session, principal.account_id, customer_ids, sorted(WAS_PAID))
    return {sale.customer_id: sale for sale in rows}


async def lines_of(session: AsyncSession, transaction_ids: Sequence[str]) -> list[TransactionLine]:
    """Lines of sales the caller has already resolved (so of its account)."""
    return await repo.lines_of(session, transaction_ids)


async def line_records_of(session: AsyncSession, transaction_ids: Sequence[str]) -> list[LineRecord]:
    """``lines_of`` as plain records, by transaction then position."""
    return await repo.line_records_of(session, transaction_ids)


async def events_of(session: AsyncSession, transaction_ids: Sequence[str]) -> list[TransactionEvent]:
    """Events of sales the caller has already resolved (so of its account)."""
    return await repo.events_of(session, transaction_ids)


async def refunds_of(session: AsyncSession, transaction_ids: Sequence[str]) -> list[Refund]:
    """Refunds of sales the caller has already resolved (so of its account), oldest first."""
    return await repo.refunds_of(session, transaction_ids)


async def refund_by_id(session: AsyncSession, principal: Principal, refund_id: str) -> Refund | None:
    found = await repo.refund(session, refund_id)
    return found if found is not None and found.account_id == principal.account_id else None


async def refund_records_of(session: AsyncSession, transaction_ids: Sequence[str]) -> list[RefundRecord]:
    """``refunds_of`` as plain records, oldest first."""
    return await repo.refund_records_of(session, transaction_ids)
