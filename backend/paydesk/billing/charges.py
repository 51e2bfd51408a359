"""Charging an open order's card: installments, proration and paying a plan off.

The same phases as any charge (``paydesk.transactions.service``): the sale
is committed PENDING with its gateway key ``paydesk:charge:{id}`` before the
gateway hears of it, the gateway is called holding no lock, and the answer
is recorded by ``settle`` (invoice, email). An installment's sale carries
``installment_key`` = "{order}:{installment}:{attempt}", unique, so a worker
taking over a crashed one finds the sale already started and asks the
gateway again with the same key: never a second charge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.gateways import service as gateways
from paydesk.gateways.base import Outcome, ResultCode
from paydesk.models import (
    Account,
    PaymentMethod,
    Subscription,
    Transaction,
    TransactionEvent,
    TransactionLine,
)
from paydesk.payment_methods import service as payment_methods
from paydesk.transactions import repository as sales
from paydesk.transactions.rules import Origin, Status
from paydesk.transactions.service import Services, new_event, send_charge, settle
from paydesk.unit_of_work import end_phase


@dataclass(frozen=True)
class ChargeLine:
    """One line of a recurring sale; a credit is a line with a negative unit price."""

    description: str
    quantity: int
    unit_price: int
    kind: str
    unit: str | None = None
    payment_count: int | None = None
    product_id: str | None = None

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


async def attempts_made(session: AsyncSession, sub: Subscription, installment: int | str) -> int:
    """How many sales were started for this installment of the order (or for paying it off: "balance")."""
    prefix = f"{sub.id}:{installment}:"
    query = select(func.count()).where(
        Transaction.subscription_id == sub.id,
        col(Transaction.installment_key).startswith(prefix, autoescape=True),
    )
    return int((await session.exec(query)).one())


async def pending_sale_of(session: AsyncSession, sub: Subscription) -> Transaction | None:
    """A sale of the order a crash left PENDING (started, answer never recorded)."""
    query = select(Transaction).where(
        Transaction.subscription_id == sub.id, Transaction.status == Status.PENDING
    )
    return (await session.exec(query)).first()


async def unapplied_paid_sale(session: AsyncSession, sub: Subscription) -> Transaction | None:
    """A PAID sale of the installment now due: paid, but the order was not moved on (a lost lease)."""
    prefix = f"{sub.id}:{sub.periods_billed}:"
    query = select(Transaction).where(
        Transaction.subscription_id == sub.id,
        col(Transaction.installment_key).startswith(prefix, autoescape=True),
        Transaction.status == Status.PAID,
    )
    return (await session.exec(query)).first()


async def usable_card(session: AsyncSession, sub: Subscription) -> PaymentMethod | None:
    if sub.payment_method_id is None:
        return None
    method = await session.get(PaymentMethod, sub.payment_method_id)
    if method is None or payment_methods.status_of(method) != payment_methods.Status.ACTIVE:
        return None
    return method


@dataclass
class NewSale:
    """A PENDING sale of an order with its lines and its first event, not yet added to a session."""

    sale: Transaction
    lines: list[TransactionLine]
    event: TransactionEvent


def new_sale(
    sub: Subscription,
    lines: list[ChargeLine],
    method: PaymentMethod | None,
    *,
    installment_key: str | None,
    when: datetime,
    event: str,
    note: str | None = None,
) -> NewSale:
    """The sale of ``lines`` for the order, PENDING, with its gateway key; nothing written yet."""
    total = sum(line.total for line in lines)
    sale = Transaction(
        id=ids.new_id(ids.TRANSACTION),
        account_id=sub.account_id,
        customer_id=sub.customer_id,
        status=Status.PENDING,
        origin=Origin.CHARGED,
        currency=sub.currency,
        subtotal=total,
        discount=0,
        total=total,
        transaction_date=when,
        subscription_id=sub.id,
        installment_key=installment_key,
        payment_method_id=method.id if method else None,
        gateway_id=method.gateway_id if method else None,
    )
    sale.gateway_key = f"paydesk:charge:{sale.id}"
    rows = [
        TransactionLine(
            transaction_id=sale.id,
            position=position,
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            subtotal=line.total,
            discount=0,
            total=line.total,
            kind=line.kind,
            unit=line.unit,
            payment_count=line.payment_count,
        )
        for position, line in enumerate(lines)
    ]
    return NewSale(sale, rows, new_event(sale.id, event, amount=total, note=note))


async def write(session: AsyncSession, new: Sequence[NewSale]) -> None:
    """Add the sales, then their lines and events (a flush each: the lines need their sale first)."""
    session.add_all([one.sale for one in new])
    await session.flush()
    session.add_all([row for one in new for row in (*one.lines, one.event)])
    await session.flush()


async def start(
    session: AsyncSession,
    sub: Subscription,
    lines: list[ChargeLine],
    method: PaymentMethod | None,
    *,
    installment_key: str | None,
    when: datetime,
    event: str,
    note: str | None = None,
) -> Transaction:
    """The sale, PENDING (or FAILED at once when there is no usable card); the caller commits."""
    one = new_sale(sub, lines, method, installment_key=installment_key, when=when, event=event, note=note)
    await write(session, [one])
    return one.sale


async def send(session: AsyncSession, services: Services, sale: Transaction) -> Transaction:
    """Charge the PENDING sale (again, with the same key, after a crash) and record the answer.

    Commits before the gateway call (no lock is held while it works); the
    caller commits after. A sale with nothing to pay is PAID without a call;
    one without a usable card is FAILED without a call.
    """
    method = await session.get(PaymentMethod, sale.payment_method_id) if sale.payment_method_id else None
    gateway = (
        await gateways.get_gateway(session, sale.account_id, sale.gateway_id) if sale.gateway_id else None
    )
    account = await session.get(Account, sale.account_id)
    assert account is not None
    await end_phase(session, "pending")
    if sale.total <= 0:
        outcome, external_id = Outcome(ResultCode.GOOD, "Nothing to charge after the credit."), None
    elif (
        method is None
        or gateway is None
        or payment_methods.status_of(method) != payment_methods.Status.ACTIVE
    ):
        outcome = Outcome(ResultCode.BAD_DATA, "The order has no usable card on file.", advice="Add a card.")
        external_id = None
    else:
        outcome, external_id = await send_charge(
            services, gateway, method, sale, account.name, off_session=True
        )
    await settle(session, services, sale.id, outcome, external_id)
    fresh = await sales.fresh(session, sale.id)
    assert fresh is not None
    return fresh
