"""Retry now: staff charge the installment a declined order is waiting on, through the runner's own path.

The order is claimed exactly as a worker claims it (a lease written by one
conditional UPDATE, which fails while another worker holds the order), made
due now and billed by ``Runner.bill``: the same installment key
(``{order}:{installment}:{attempt}``), the same PENDING-first phases, the
same dunning after a decline. So a retry and the runner can never both
charge an installment: whichever claims the order first bills it, and the
other finds it leased or no longer waiting.
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.billing.runner import Runner
from paydesk.errors import ErrorCode, fail, not_found
from paydesk.models import Subscription, Transaction
from paydesk.subscriptions import repository as orders_repo
from paydesk.subscriptions import service as orders
from paydesk.subscriptions.service import FIELD, Status
from paydesk.transactions import idempotency
from paydesk.transactions.service import Services, once_per_key
from paydesk.unit_of_work import end_phase

NOT_WAITING = "Nothing to retry: this order is not waiting on a declined installment."
BUSY = "The runner is charging this order right now; look again in a moment."


async def retry_installment(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    subscription_id: str,
    idempotency_key: str | None,
) -> Transaction:
    """Charge the order's waiting installment now; the sale it made (its outcome, whatever it was)."""

    async def run(claim: str | None) -> Transaction:
        sale = await _retry(session, services, principal, subscription_id)
        if claim is not None:
            await idempotency.attach(session, claim, sale.id, completed=True)
        return sale

    payload = {"subscription_id": subscription_id}
    return await once_per_key(session, services, principal, "retryInstallment", idempotency_key, payload, run)


async def _retry(
    session: AsyncSession, services: Services, principal: Principal, subscription_id: str
) -> Transaction:
    sub = await orders_repo.get(session, principal.account_id, subscription_id)
    if sub is None:
        raise not_found("subscription", FIELD)
    if not orders.waiting_on_retry(sub):
        raise fail(ErrorCode.INVALID_STATE, NOT_WAITING, FIELD)
    runner = Runner(services, clock=services.clock, worker_id=f"retry:{ids.new_id('rt')}")
    now = runner.clock()
    # Phase 1: the claim, as the runner's (only while no live lease is held and the order still waits),
    # committed before the runner bills the order in its own transactions.
    claimed = await session.exec(
        update(Subscription)
        .where(
            col(Subscription.id) == sub.id,
            or_(col(Subscription.lease_until).is_(None), col(Subscription.lease_until) < now),
            or_(
                col(Subscription.status) == Status.PAST_DUE,
                (col(Subscription.status) == Status.ACTIVE) & (col(Subscription.dunning_attempts) > 0),
            ),
        )
        .values(lease_owner=runner.worker_id, lease_until=now + runner.lease, due_at=now)
    )
    await end_phase(session, "claimed")
    if claimed.rowcount != 1:
        raise fail(ErrorCode.INVALID_STATE, BUSY, FIELD)
    # Phase 2: the runner's own billing of the order (PENDING sale, gateway, outcome and dunning).
    outcome = await runner.bill(sub.id)
    sale = await _latest_sale(session, sub.id)
    if outcome == "error" or sale is None:
        raise fail(ErrorCode.GATEWAY_ERROR, "The retry could not be made; the runner will try again.", FIELD)
    return sale


async def _latest_sale(session: AsyncSession, subscription_id: str) -> Transaction | None:
    query = (
        select(Transaction)
        .where(col(Transaction.subscription_id) == subscription_id)
        .order_by(col(Transaction.created_at).desc(), col(Transaction.id).desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()
