"""SQL for subscriptions and payment plans."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.clock import utcnow
from paydesk.models import Subscription, Transaction
from paydesk.one_of import list_param, one_of


async def of_customers(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str]
) -> list[Subscription]:
    """The customers' orders, newest first."""
    values = {"ids": list(customer_ids), "account_id": account_id}
    return list(await session.exec(_OF_CUSTOMERS, params=values))


# Built once: a statement object keeps its cache key, where one built per call costs about as much again
# as running it, on the Python side (a customer page reads it every time). Values are bound.
_OF_CUSTOMERS = (
    select(Subscription)
    .where(
        one_of(col(Subscription.customer_id), list_param("ids")),
        Subscription.account_id == bindparam("account_id"),
    )
    .order_by(col(Subscription.created_at).desc(), col(Subscription.id).desc())
)


async def get(session: AsyncSession, account_id: str, subscription_id: str) -> Subscription | None:
    query = select(Subscription).where(
        Subscription.id == subscription_id, Subscription.account_id == account_id
    )
    return (await session.exec(query)).first()


async def move_open_orders_to(session: AsyncSession, customer_id: str, payment_method_id: str) -> int:
    """Point the customer's open orders (not cancelled or completed) at another card; how many moved."""
    statement = (
        update(Subscription)
        .where(
            col(Subscription.customer_id) == customer_id,
            col(Subscription.status).in_(("ACTIVE", "PAUSED", "PAST_DUE")),
        )
        .values(payment_method_id=payment_method_id, updated_at=utcnow())
    )
    return int((await session.exec(statement)).rowcount)


async def get_many(
    session: AsyncSession, account_id: str, subscription_ids: Sequence[str]
) -> list[Subscription]:
    query = select(Subscription).where(
        col(Subscription.id).in_(subscription_ids), Subscription.account_id == account_id
    )
    return list(await session.exec(query))


async def lock(session: AsyncSession, account_id: str, subscription_id: str) -> Subscription | None:
    """The account's order, locked against the runner and other changes (FOR UPDATE)."""
    query = (
        select(Subscription)
        .where(Subscription.id == subscription_id, Subscription.account_id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def lock_any(session: AsyncSession, subscription_id: str) -> Subscription | None:
    query = (
        select(Subscription)
        .where(Subscription.id == subscription_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def sales_of(
    session: AsyncSession, account_id: str, subscription_ids: Sequence[str]
) -> list[Transaction]:
    """The opening sale and the installments of these orders, oldest first by the sale's date.

    Sales of one instant (a decline and the retry on another card in the same pass) keep the order
    they were made in.
    """
    opening = select(Subscription.origin_transaction_id).where(col(Subscription.id).in_(subscription_ids))
    query = (
        select(Transaction)
        .where(
            Transaction.account_id == account_id,
            col(Transaction.subscription_id).in_(subscription_ids) | col(Transaction.id).in_(opening),
        )
        .order_by(col(Transaction.transaction_date), col(Transaction.created_at), col(Transaction.id))
    )
    return list(await session.exec(query))
