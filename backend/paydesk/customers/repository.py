"""SQL for customers, addresses and comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Integer, bindparam, func, literal_column
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from paydesk.customers.records import AddressRecord, CommentRecord, CustomerRecord
from paydesk.models import Address, Comment, Customer
from paydesk.numbers import MAX_NUMBER
from paydesk.one_of import list_param, one_of
from paydesk.pagination import PageRequest, newer_first_after


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(term: str) -> ColumnElement[bool]:
    """Names, email and phone containing ``term``; also the customer numbered ``term`` ("49" or "#49")."""
    pattern = _like(term)
    full_name = (
        func.coalesce(col(Customer.first_name), "")
        + literal_column("' '")
        + func.coalesce(col(Customer.last_name), "")
    )
    as_number = term.strip().removeprefix("#")
    by_number = (
        [col(Customer.number) == int(as_number)]
        if as_number.isascii() and as_number.isdigit() and int(as_number) <= MAX_NUMBER
        else []
    )
    return or_(
        *by_number,
        col(Customer.first_name).ilike(pattern, escape="\\"),
        col(Customer.last_name).ilike(pattern, escape="\\"),
        full_name.ilike(pattern, escape="\\"),
        col(Customer.email).ilike(pattern, escape="\\"),
        col(Customer.phone).ilike(pattern, escape="\\"),
    )


async def get(session: AsyncSession, account_id: str, customer_id: str) -> Customer | None:
    query = select(Customer).where(Customer.id == customer_id, Customer.account_id == account_id)
    return (await session.exec(query)).first()


async def get_many(session: AsyncSession, account_id: str, customer_ids: Sequence[str]) -> list[Customer]:
    values = {"ids": list(customer_ids), "account_id": account_id}
    return list(await session.exec(_GET_MANY, params=values))


# Statements of the API's hot reads are built once: a statement object keeps its cache key, where one
# built per call costs about as much again as running it, on the Python side. Values are bound.
_GET_MANY = select(Customer).where(
    one_of(col(Customer.id), list_param("ids")), Customer.account_id == bindparam("account_id")
)


_CUSTOMER = Customer.__table__.c  # type: ignore[attr-defined]
_CUSTOMER_COLUMNS = [getattr(_CUSTOMER, f.name) for f in fields(CustomerRecord)]


async def records_by_ids(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[CustomerRecord]:
    """``get_many`` as plain records by a Core select (no ORM objects): for the API's loader."""
    values = {"ids": list(customer_ids), "account_id": account_id}
    return [CustomerRecord(*row) for row in await session.exec(_RECORDS_BY_IDS, params=values)]


_RECORDS_BY_IDS: Any = Select(*_CUSTOMER_COLUMNS).where(
    one_of(_CUSTOMER.id, list_param("ids")), _CUSTOMER.account_id == bindparam("account_id")
)


async def page(
    session: AsyncSession, account_id: str, request: PageRequest, search: str | None
) -> tuple[list[CustomerRecord], int]:
    """One page of customers (one row more than asked, to tell whether more follow) and the total, as
    plain records by a Core select (no ORM objects): only the API's list reads them."""
    if not search and request.after is None:
        values = {"account_id": account_id, "limit": request.first + 1}
        rows = [CustomerRecord(*row) for row in await session.exec(_FIRST_CUSTOMERS, params=values)]
        total = (await session.exec(_COUNT_CUSTOMERS, params=values)).one()
        return rows, int(total)
    where = [col(Customer.account_id) == account_id]
    if search:
        where.append(_search(search))
    query: Any = Select(*_CUSTOMER_COLUMNS).where(*where)
    if request.after is not None:
        query = query.where(newer_first_after(col(Customer.created_at), col(Customer.id), request.after))
    query = query.order_by(col(Customer.created_at).desc(), col(Customer.id).desc()).limit(request.first + 1)
    rows = [CustomerRecord(*row) for row in await session.exec(query)]
    total = (await session.exec(select(func.count()).select_from(Customer).where(*where))).one()
    return rows, int(total)


_FIRST_CUSTOMERS: Any = (
    Select(*_CUSTOMER_COLUMNS)
    .where(col(Customer.account_id) == bindparam("account_id"))
    .order_by(col(Customer.created_at).desc(), col(Customer.id).desc())
    .limit(bindparam("limit", type_=Integer))
)
_COUNT_CUSTOMERS: Any = (
    select(func.count()).select_from(Customer).where(col(Customer.account_id) == bindparam("account_id"))
)


async def addresses_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[AddressRecord]:
    """The customers' addresses, oldest first, as plain records by a Core select (no ORM objects)."""
    values = {"ids": list(customer_ids), "account_id": account_id}
    return [AddressRecord(*row) for row in await session.exec(_ADDRESSES_OF, params=values)]


_ADDRESS = Address.__table__.c  # type: ignore[attr-defined]
_ADDRESSES_OF: Any = (
    Select(*(getattr(_ADDRESS, f.name) for f in fields(AddressRecord)))
    .where(
        one_of(_ADDRESS.customer_id, list_param("ids")),
        _ADDRESS.account_id == bindparam("account_id"),
    )
    .order_by(_ADDRESS.created_at, _ADDRESS.id)
)


async def address(session: AsyncSession, account_id: str, address_id: str) -> Address | None:
    query = select(Address).where(Address.id == address_id, Address.account_id == account_id)
    return (await session.exec(query)).first()


async def comment(session: AsyncSession, account_id: str, comment_id: str) -> Comment | None:
    query = select(Comment).where(Comment.id == comment_id, Comment.account_id == account_id)
    return (await session.exec(query)).first()


async def first_comments(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], limit: int
) -> list[tuple[CommentRecord, int]]:
    """The newest ``limit`` comments of each customer, each with its customer's count of comments, in
    one query (a customer without comments has no row); plain records (no ORM objects)."""
    values = {"ids": list(customer_ids), "account_id": account_id, "limit": limit}
    return [
        (CommentRecord(*row[:-1]), int(row[-1])) for row in await session.exec(_FIRST_COMMENTS, params=values)
    ]


_COMMENT = Comment.__table__.c  # type: ignore[attr-defined]
_COMMENT_COLUMNS = [getattr(_COMMENT, f.name) for f in fields(CommentRecord)]


def _first_comments() -> Any:
    rank = (
        func.row_number()
        .over(partition_by=_COMMENT.customer_id, order_by=(_COMMENT.created_at.desc(), _COMMENT.id.desc()))
        .label("rank")
    )
    total = func.count().over(partition_by=_COMMENT.customer_id).label("total")
    ranked = (
        select(_COMMENT.id, rank, total)
        .where(
            one_of(_COMMENT.customer_id, list_param("ids")),
            _COMMENT.account_id == bindparam("account_id"),
        )
        .subquery()
    )
    return (
        Select(*_COMMENT_COLUMNS, ranked.c.total)
        .join(ranked, _COMMENT.id == ranked.c.id)
        .where(ranked.c.rank <= bindparam("limit", type_=Integer))
        .order_by(_COMMENT.created_at.desc(), _COMMENT.id.desc())
    )


_FIRST_COMMENTS = _first_comments()


async def comments_after(
    session: AsyncSession, account_id: str, customer_id: str, request: PageRequest
) -> list[CommentRecord]:
    query: Any = Select(*_COMMENT_COLUMNS).where(
        _COMMENT.customer_id == customer_id, _COMMENT.account_id == account_id
    )
    if request.after is not None:
        query = query.where(newer_first_after(_COMMENT.created_at, _COMMENT.id, request.after))
    query = query.order_by(_COMMENT.created_at.desc(), _COMMENT.id.desc()).limit(request.first + 1)
    return [CommentRecord(*row) for row in await session.exec(query)]


async def comment_counts(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> dict[str, int]:
    query = (
        select(Comment.customer_id, func.count())
        .where(col(Comment.customer_id).in_(customer_ids), Comment.account_id == account_id)
        .group_by(col(Comment.customer_id))
    )
    return {customer_id: int(n) for customer_id, n in await session.exec(query)}
