"""SQL for invoices, invoice templates and the per-account invoice counter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Integer, bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from paydesk.invoices.records import InvoiceRecord
from paydesk.models import Account, Invoice, InvoiceCounter, InvoiceTemplate, Transaction, TransactionLine
from paydesk.one_of import list_param, one_of
from paydesk.pagination import PageRequest, newer_first_after

# Templates: the default first, then oldest first, so a picker's order is stable.
_TEMPLATE_ORDER = (
    col(InvoiceTemplate.is_default).desc(),
    col(InvoiceTemplate.created_at),
    col(InvoiceTemplate.id),
)


async def lock_account(session: AsyncSession, account_id: str) -> None:
    """Hold the account row, so that concurrent changes to its default template queue.

    FOR NO KEY UPDATE on PostgreSQL: rows inserted meanwhile that refer to
    the account (invoices, the counter) take a KEY SHARE lock on it, which
    this one does not block, so an issuer holding the counter never waits
    here for one that waits for the counter.
    """
    await session.exec(select(Account.id).where(Account.id == account_id).with_for_update(key_share=True))


async def templates_of(session: AsyncSession, account_id: str) -> list[InvoiceTemplate]:
    query = select(InvoiceTemplate).where(InvoiceTemplate.account_id == account_id).order_by(*_TEMPLATE_ORDER)
    return list(await session.exec(query))


async def template(session: AsyncSession, account_id: str, template_id: str) -> InvoiceTemplate | None:
    query = select(InvoiceTemplate).where(
        InvoiceTemplate.id == template_id, InvoiceTemplate.account_id == account_id
    )
    return (await session.exec(query)).first()


async def templates_by_ids(
    session: AsyncSession, account_id: str, template_ids: Sequence[str]
) -> list[InvoiceTemplate]:
    query = select(InvoiceTemplate).where(
        col(InvoiceTemplate.id).in_(template_ids), InvoiceTemplate.account_id == account_id
    )
    return list(await session.exec(query))


async def default_template(session: AsyncSession, account_id: str) -> InvoiceTemplate | None:
    query = (
        select(InvoiceTemplate)
        .where(InvoiceTemplate.account_id == account_id, col(InvoiceTemplate.is_default).is_(True))
        .order_by(col(InvoiceTemplate.created_at), col(InvoiceTemplate.id))
    )
    return (await session.exec(query)).first()


async def clear_default_template(session: AsyncSession, account_id: str) -> None:
    await session.exec(
        update(InvoiceTemplate)
        .where(col(InvoiceTemplate.account_id) == account_id, col(InvoiceTemplate.is_default).is_(True))
        .values(is_default=False)
    )


async def next_sequences(session: AsyncSession, account_id: str, count: int) -> range:
    """The account's next ``count`` invoice numbers, consecutive, taken in the caller's transaction.

    The counter row is made on first need (a concurrent first insert waits
    on the key and then does nothing), then held with FOR UPDATE, so that
    concurrent issuers queue and each reads the numbers the one before it
    committed. One update takes the whole batch's numbers; a rollback gives
    them back: numbers have no gaps. On SQLite a writer's BEGIN IMMEDIATE
    already serializes the same way.
    """
    assert count > 0, "take at least one number"
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = InvoiceCounter.__table__  # type: ignore[attr-defined]
    await session.exec(
        insert(table)
        .values(account_id=account_id, last=0)
        .on_conflict_do_nothing(index_elements=["account_id"])
    )
    await session.exec(
        select(InvoiceCounter.last).where(InvoiceCounter.account_id == account_id).with_for_update()
    )
    bumped = await session.exec(
        update(InvoiceCounter)
        .where(col(InvoiceCounter.account_id) == account_id)
        .values(last=col(InvoiceCounter.last) + count)
        .returning(col(InvoiceCounter.last))
    )
    last = int(bumped.scalar_one())
    return range(last - count + 1, last + 1)


async def invoice(session: AsyncSession, account_id: str, invoice_id: str) -> Invoice | None:
    query = select(Invoice).where(Invoice.id == invoice_id, Invoice.account_id == account_id)
    return (await session.exec(query)).first()


async def by_token_hash(session: AsyncSession, token_hash: str) -> Invoice | None:
    return (await session.exec(select(Invoice).where(Invoice.token_hash == token_hash))).first()


async def of_transactions(
    session: AsyncSession, account_id: str, transaction_ids: Sequence[str]
) -> list[Invoice]:
    query = select(Invoice).where(
        one_of(col(Invoice.transaction_id), transaction_ids), Invoice.account_id == account_id
    )
    return list(await session.exec(query))


async def first_invoices(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], limit: int
) -> list[tuple[InvoiceRecord, int]]:
    """The newest ``limit`` invoices of each customer, each with its customer's count of invoices, in one
    query (a customer without invoices has no row); plain records (no ORM objects)."""
    values = {"ids": list(customer_ids), "account_id": account_id, "limit": limit}
    return [
        (InvoiceRecord(*row[:-1]), int(row[-1])) for row in await session.exec(_FIRST_INVOICES, params=values)
    ]


_INVOICE = Invoice.__table__.c  # type: ignore[attr-defined]
_INVOICE_COLUMNS = [getattr(_INVOICE, f.name) for f in fields(InvoiceRecord)]


def _first_invoices() -> Any:
    order = (_INVOICE.issued_at.desc(), _INVOICE.id.desc())
    rank = func.row_number().over(partition_by=_INVOICE.customer_id, order_by=order).label("rank")
    total = func.count().over(partition_by=_INVOICE.customer_id).label("total")
    ranked = (
        select(_INVOICE.id, rank, total)
        .where(
            one_of(_INVOICE.customer_id, list_param("ids")),
            _INVOICE.account_id == bindparam("account_id"),
        )
        .subquery()
    )
    return (
        Select(*_INVOICE_COLUMNS, ranked.c.total)
        .join(ranked, _INVOICE.id == ranked.c.id)
        .where(ranked.c.rank <= bindparam("limit", type_=Integer))
        .order_by(*order)
    )


# Built once: a statement object keeps its cache key, where one built per call costs about as much again
# as running it, on the Python side (a customer page reads it every time). Values are bound.
_FIRST_INVOICES = _first_invoices()


async def invoices_after(
    session: AsyncSession, account_id: str, customer_id: str, request: PageRequest
) -> list[InvoiceRecord]:
    """One more than a page of the customer's invoices, after the request's cursor (plain records)."""
    query: Any = Select(*_INVOICE_COLUMNS).where(
        _INVOICE.customer_id == customer_id, _INVOICE.account_id == account_id
    )
    if request.after is not None:
        query = query.where(newer_first_after(_INVOICE.issued_at, _INVOICE.id, request.after))
    query = query.order_by(_INVOICE.issued_at.desc(), _INVOICE.id.desc()).limit(request.first + 1)
    return [InvoiceRecord(*row) for row in await session.exec(query)]


async def invoice_counts(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> dict[str, int]:
    query = (
        select(Invoice.customer_id, func.count())
        .where(col(Invoice.customer_id).in_(customer_ids), Invoice.account_id == account_id)
        .group_by(col(Invoice.customer_id))
    )
    return {customer_id: int(n) for customer_id, n in await session.exec(query)}


async def transactions(
    session: AsyncSession, account_id: str, transaction_ids: Sequence[str]
) -> list[Transaction]:
    query = select(Transaction).where(
        col(Transaction.id).in_(transaction_ids), Transaction.account_id == account_id
    )
    return list(await session.exec(query))


async def lines_of(session: AsyncSession, transaction_id: str) -> list[TransactionLine]:
    query = (
        select(TransactionLine)
        .where(TransactionLine.transaction_id == transaction_id)
        .order_by(col(TransactionLine.position))
    )
    return list(await session.exec(query))
