"""A batch of plain installments: started together, charged many at a time, settled together.

Most orders the runner claims need nothing but their next installment
charged to the card they have: ACTIVE, not in dunning, no credit, no cancel
day reached, no sale of the installment started before. Those are started
in the claim's own transaction with a few batched reads and one insert per
table (the PENDING sales committed before any gateway hears of them), sent
with many calls in flight, and settled in one transaction. Every other
order (paused, resuming, cancelling, in dunning, with credit, with a sale a
crash left, without a usable card) goes the one-order way
(``Runner.bill``), which has a rule for each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.billing.charges import ChargeLine
from paydesk.billing.schedule import today_in
from paydesk.clock import utcnow
from paydesk.gateways import service as gateways
from paydesk.logs import get_logger
from paydesk.models import (
    Account,
    Gateway,
    PaymentMethod,
    Subscription,
    Transaction,
    TransactionEvent,
    TransactionLine,
)
from paydesk.one_of import one_of
from paydesk.payment_methods import service as payment_methods
from paydesk.subscriptions import service as orders
from paydesk.subscriptions.service import Status
from paydesk.transactions.rules import Origin
from paydesk.transactions.rules import Status as SaleStatus
from paydesk.transactions.service import Answer, Services, send_charge

log = get_logger("paydesk.billing")


@dataclass(frozen=True)
class PendingSale:
    """What charging a started installment's sale needs of it (its row is written with Core)."""

    id: str
    total: int
    currency: str
    gateway_key: str
    trial_days: int | None = None


@dataclass(frozen=True)
class Started:
    """An installment started in a batch: its PENDING sale and what charging it takes."""

    sub_id: str
    sale: PendingSale
    method: PaymentMethod
    gateway: Gateway
    merchant: str


def order_lines(sub: Subscription) -> list[ChargeLine]:
    """What an installment of the order charges: its line, and any credit it has (up to the amount)."""
    lines = [
        ChargeLine(
            description=sub.description,
            quantity=sub.quantity,
            unit_price=sub.unit_price,
            kind=sub.kind,
            unit=sub.unit,
            payment_count=sub.payment_count,
            product_id=sub.product_id,
        )
    ]
    credit = min(sub.credit, orders.installment_amount(sub))
    if credit > 0:
        lines.append(ChargeLine("Credit from an earlier change", 1, -credit, "SINGLE"))
    return lines


def installment_note(sub: Subscription, attempt: int) -> str:
    """The note on an installment's first event: which installment (or period), which retry."""
    n = sub.periods_billed
    left = orders.installments_left(sub)
    note = f"Installment {n + 1} of {sub.payment_count}" if left is not None else f"Period {n + 1}"
    return note if attempt == 0 else f"{note}, retry {attempt}"


def first_attempt_key(sub: Subscription) -> str:
    return f"{sub.id}:{sub.periods_billed}:0"


async def start_plain(
    db: AsyncSession, subs: Sequence[Subscription], accounts: Mapping[str, Account], now: datetime
) -> tuple[list[Started], list[str]]:
    """Start the installment of each plain order among ``subs`` (written, not committed); the
    started ones, and the ids of the others, left to the one-order way."""
    sub_ids = [sub.id for sub in subs]
    begun = set(
        await db.exec(
            select(Transaction.subscription_id).where(
                one_of(col(Transaction.subscription_id), sub_ids),
                or_(
                    col(Transaction.status) == SaleStatus.PENDING,
                    one_of(col(Transaction.installment_key), [first_attempt_key(sub) for sub in subs]),
                ),
            )
        )
    )
    method_ids = sorted({sub.payment_method_id for sub in subs if sub.payment_method_id})
    methods = {
        method.id: method
        for method in (
            await db.exec(select(PaymentMethod).where(one_of(col(PaymentMethod.id), method_ids)))
            if method_ids
            else []
        )
    }
    gateway_ids = sorted({method.gateway_id for method in methods.values() if method.gateway_id})
    records = {record.id: record for record in await gateways.gateways_by_ids(db, gateway_ids)}
    started: list[Started] = []
    rows = _Rows()
    others: list[str] = []
    for sub in subs:
        account = accounts[sub.account_id]
        method = methods.get(sub.payment_method_id or "")
        record = records.get(method.gateway_id or "") if method is not None else None
        if (
            method is None
            or record is None
            or record.account_id != sub.account_id
            or payment_methods.status_of(method) != payment_methods.Status.ACTIVE
            or not _plain(sub, account, now)
            or sub.id in begun
        ):
            others.append(sub.id)
            continue
        sale = rows.add(sub, method, now)
        started.append(Started(sub.id, sale, method, record, account.name))
    await rows.write(db)
    return started, others


class _Rows:
    """The batch's PENDING sales with their lines and first events, as rows for one Core insert per
    table: the same rows ``charges.start`` writes through the ORM, without building an object each."""

    def __init__(self) -> None:
        self.sales: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.written_at = utcnow()

    def add(self, sub: Subscription, method: PaymentMethod, now: datetime) -> PendingSale:
        lines = order_lines(sub)
        total = sum(line.total for line in lines)
        sale_id = ids.new_id(ids.TRANSACTION)
        sale = PendingSale(sale_id, total, sub.currency, f"paydesk:charge:{sale_id}")
        at = self.written_at
        self.sales.append(
            {
                "id": sale.id, "account_id": sub.account_id, "customer_id": sub.customer_id,
                "status": SaleStatus.PENDING, "origin": Origin.CHARGED, "currency": sub.currency,
                "subtotal": total, "discount": 0, "total": total, "transaction_date": now,
                "gateway_id": method.gateway_id, "payment_method_id": method.id,
                "gateway_key": sale.gateway_key, "subscription_id": sub.id,
                "installment_key": first_attempt_key(sub), "created_at": at, "updated_at": at,
            }
        )  # fmt: skip
        for position, line in enumerate(lines):
            self.lines.append(
                {
                    "transaction_id": sale.id, "position": position, "product_id": line.product_id,
                    "description": line.description, "quantity": line.quantity,
                    "unit_price": line.unit_price, "subtotal": line.total, "discount": 0,
                    "total": line.total, "kind": line.kind, "unit": line.unit,
                    "payment_count": line.payment_count,
                }
            )  # fmt: skip
        self.events.append(
            {
                "id": ids.new_id(ids.TRANSACTION_EVENT), "transaction_id": sale.id,
                "kind": "installment_started", "actor_user_id": None, "actor_api_key_id": None,
                "amount": total, "note": installment_note(sub, 0), "created_at": at,
            }
        )  # fmt: skip
        return sale

    async def write(self, db: AsyncSession) -> None:
        for model, rows in (
            (Transaction, self.sales),
            (TransactionLine, self.lines),
            (TransactionEvent, self.events),
        ):
            if rows:
                await db.exec(insert(table_of(model)), params=rows)


def table_of(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _plain(sub: Subscription, account: Account, now: datetime) -> bool:
    """Nothing but a charge of the card is due: no pause, dunning, credit or cancel day to handle."""
    return (
        sub.status == Status.ACTIVE
        and sub.dunning_attempts == 0
        and sub.credit == 0
        and orders.installment_amount(sub) > 0
        and (sub.cancel_at is None or sub.cancel_at > today_in(account.timezone, now))
    )


async def charge_all(
    services: Services, started: Sequence[Started], in_flight: asyncio.Semaphore
) -> dict[str, Answer]:
    """Ask the gateways to charge every started sale, ``in_flight`` and each gateway's own limit
    bounding the calls at once; the answers by order id. A call that raised has no answer: its sale
    stays PENDING and its order leased, to be sent again (same key) once the lease runs out."""

    async def one(item: Started) -> Answer:
        async with in_flight, services.gateways.limit(item.gateway.id):
            outcome, external_id = await send_charge(
                services, item.gateway, item.method, item.sale, item.merchant, off_session=True
            )
        return Answer(item.sale.id, outcome, external_id)

    results = await asyncio.gather(*(one(item) for item in started), return_exceptions=True)
    answers: dict[str, Answer] = {}
    for item, result in zip(started, results, strict=True):
        if isinstance(result, Answer):
            answers[item.sub_id] = result
        elif isinstance(result, Exception):
            log.error("billing.charge_failed", subscription_id=item.sub_id, exc_info=result)
        else:
            raise result
    return answers
