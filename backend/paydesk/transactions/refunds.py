"""Refunds: all or part of a paid sale, any number of times, never beyond what was paid.

Like a charge, a refund through a gateway commits in phases (DESIGN.md):

1. under the sale's lock: the rules, the amount against what is left, and a
   PENDING Refund carrying the gateway key ``paydesk:refund:{id}``; the
   PENDING amount already counts as refunded, so concurrent refunds queue on
   the lock and each sees the others' reservations: every refund that still
   fits succeeds and together they never exceed the paid total;
2. the gateway call, holding no lock;
3. under the lock again: SUCCEEDED, FAILED (the reservation is given back,
   the caller gets GATEWAY_ERROR) or still PENDING when no answer came;
   ``reconcile_refunds`` sends those again with the same key, which no
   gateway turns into a second refund.

A LOGGED sale, and one marked paid outside the system, is refunded outside
it too: the refund is recorded SUCCEEDED and no gateway hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, fail, not_found
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.gateways import service as gateways
from paydesk.gateways.base import RefundRequest, RefundResult
from paydesk.logs import get_logger
from paydesk.models import Account, Refund, Transaction
from paydesk.money import Money, MoneyError
from paydesk.referrals import service as referrals
from paydesk.transactions import idempotency
from paydesk.transactions import repository as repo
from paydesk.transactions.outside import RefundReason
from paydesk.transactions.rules import (
    Action,
    Origin,
    Status,
    refund_limit_problem,
    refused,
    status_for_amounts,
)
from paydesk.transactions.service import Services, add_event, once_per_key
from paydesk.transactions.state import facts_of
from paydesk.unit_of_work import end_phase, unit_of_work

log = get_logger("paydesk.refunds")

REASON_LENGTH = 500
# A refund sent this long ago without an answer is sent again (same key) by reconciliation.
RESEND_AFTER = timedelta(minutes=5)


class RefundStatus:
    SUCCEEDED = "SUCCEEDED"
    PENDING = "PENDING"
    FAILED = "FAILED"


@dataclass(frozen=True)
class RefundInput:
    transaction_id: str
    # Major units as the client sent them; None: everything left to refund.
    amount: Decimal | None = None
    reason: str | None = None
    idempotency_key: str | None = None
    # Why, as a code (DUPLICATE, FRAUDULENT, ...); ``reason`` stays staff's free-text note.
    reason_code: RefundReason | None = None


async def refund_transaction(
    session: AsyncSession, services: Services, principal: Principal, request: RefundInput
) -> Transaction:
    """Refund all or part of a paid sale; the sale comes back with its new status and refunds."""
    payload: dict[str, Any] = {
        "transaction_id": request.transaction_id,
        "amount": request.amount,
        "reason": request.reason,
        "reason_code": request.reason_code,
    }

    return await once_per_key(
        session,
        services,
        principal,
        "refundTransaction",
        request.idempotency_key,
        payload,
        lambda claim: _refund(session, services, principal, request, claim),
    )


async def _refund(
    session: AsyncSession, services: Services, principal: Principal, request: RefundInput, claim: str | None
) -> Transaction:
    # Phase 1: the rules and the reservation, under the sale's lock.
    sale = await repo.lock(session, request.transaction_id, principal.account_id)
    if sale is None:
        raise not_found("transaction", ("transaction_id",))
    facts = await facts_of(session, services.gateways, sale)
    if (reason := refused(Action.REFUND, facts, utcnow())) is not None:
        raise fail(ErrorCode.INVALID_STATE, reason, ("transaction_id",))
    amount = _amount(request.amount, sale.currency, facts.refundable)
    if amount > facts.refundable:
        left = Money(facts.refundable, sale.currency).format()
        raise fail(
            ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE,
            f"At most {left} is left to refund on this sale.",
            ("amount",),
        )
    account = await session.get(Account, sale.account_id)
    assert account is not None
    limit_problem = refund_limit_problem(
        principal.role, account.rep_refund_limit, account.default_currency, amount, sale.currency
    )
    if limit_problem is not None:
        raise fail(ErrorCode.FORBIDDEN, limit_problem)
    reason = (request.reason or "").strip()[:REASON_LENGTH] or None
    through_gateway = facts.charged_through_gateway
    refund = Refund(
        id=ids.new_id(ids.REFUND),
        account_id=sale.account_id,
        transaction_id=sale.id,
        amount=amount,
        currency=sale.currency,
        status=RefundStatus.PENDING if through_gateway else RefundStatus.SUCCEEDED,
        reason=reason,
        reason_code=request.reason_code.value if request.reason_code else None,
        through_gateway=through_gateway,
        created_by_user_id=principal.user_id,
        created_by_api_key_id=principal.api_key_id,
    )
    refund.gateway_key = f"paydesk:refund:{refund.id}" if through_gateway else None
    session.add(refund)
    await session.flush()
    kind = "refund_started" if through_gateway else "refunded"
    note = reason if through_gateway else _outside_note(sale, reason)
    add_event(session, sale.id, kind, principal=principal, amount=amount, note=note)
    await _follow(session, sale, None if through_gateway else refund, principal)
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=not through_gateway)
    await end_phase(session, "refund started")
    if not through_gateway:
        return await _reloaded(session, sale.id)

    # Phase 2: the gateway, holding no lock.
    result = await _send(session, services, sale, refund)

    # Phase 3: the answer.
    settled = await settle_refund(session, refund.id, result, principal=principal)
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=True)
    await end_phase(session, "refund settled")
    if settled.status == RefundStatus.FAILED:
        if claim is not None:
            # Nothing moved: a retry with the same key may try again.
            await idempotency.release(services.sessions, claim, force=True)
        raise fail(
            ErrorCode.GATEWAY_ERROR,
            f"The gateway refused the refund: {settled.failure_message or 'no reason given'}",
            ("transaction_id",),
        )
    return await _reloaded(session, sale.id)


def _amount(given: Decimal | None, currency: str, refundable: int) -> int:
    if given is None:
        return refundable
    try:
        amount = Money.parse(given, currency).minor_units
    except MoneyError as error:
        raise fail(ErrorCode.INVALID, f"{str(error)[:1].upper()}{str(error)[1:]}.", ("amount",)) from None
    if amount <= 0:
        raise fail(ErrorCode.INVALID, "A refund is more than 0.", ("amount",))
    return amount


def _outside_note(sale: Transaction, reason: str | None) -> str:
    where = "paid elsewhere" if sale.origin == Origin.LOGGED else "marked paid outside paydesk"
    note = f"Recorded only: the sale was {where}, so the money goes back the same way."
    return f"{note} {reason}" if reason else note


async def _send(session: AsyncSession, services: Services, sale: Transaction, refund: Refund) -> RefundResult:
    """Ask the sale's gateway to refund, after ending the session's transaction (no lock is held)."""
    assert sale.gateway_id is not None, "a charged sale has a gateway"
    assert sale.external_id is not None, "a charged sale has the gateway's id"
    assert refund.gateway_key is not None, "a gateway refund has its key"
    record = await gateways.get_gateway(session, sale.account_id, sale.gateway_id)
    assert record is not None, "a charged sale's gateway exists"
    request = RefundRequest(
        external_id=sale.external_id,
        amount=Money(refund.amount, refund.currency),
        idempotency_key=refund.gateway_key,
        reason=refund.reason,
        reason_code=refund.reason_code,
    )
    await end_phase(session, "refund checked")
    return await services.gateways.adapter(record).refund(request)


async def settle_refund(
    session: AsyncSession, refund_id: str, result: RefundResult, *, principal: Principal | None = None
) -> Refund:
    """Record a gateway's answer on a PENDING refund, once; the caller commits.

    ``principal`` is who asked for the refund, when they are still waiting for the answer.
    """
    found = await repo.refund(session, refund_id)
    assert found is not None
    sale = await repo.lock(session, found.transaction_id)
    assert sale is not None
    refund = await repo.refund(session, refund_id)  # read again under the lock
    assert refund is not None
    if refund.status != RefundStatus.PENDING:
        return refund
    outcome = result.outcome
    refund.updated_at = utcnow()
    if outcome.unknown:
        add_event(
            session, sale.id, "refund_outcome_unknown", amount=refund.amount, note=outcome.message[:1000]
        )
        session.add(refund)
        await session.flush()
        return refund
    if outcome.ok:
        refund.status, refund.external_id = RefundStatus.SUCCEEDED, result.external_id
        add_event(session, sale.id, "refunded", principal=principal, amount=refund.amount, note=refund.reason)
    else:
        refund.status = RefundStatus.FAILED
        refund.failure_message = (outcome.advice or outcome.message or outcome.code.name)[:500]
        add_event(
            session,
            sale.id,
            "refund_failed",
            principal=principal,
            amount=refund.amount,
            note=refund.failure_message,
        )
    session.add(refund)
    await session.flush()
    await _follow(session, sale, refund if outcome.ok else None, principal)
    return refund


async def record_gateway_refund(
    session: AsyncSession, sale: Transaction, amount: int, external_id: str | None, note: str
) -> Refund | None:
    """A refund made at the gateway itself (Stripe's dashboard), recorded as SUCCEEDED on the locked sale.

    Capped as ours are: never more than what is left of the total; nothing is recorded on a sale that
    is not paid or has nothing left.
    """
    if sale.status not in (Status.PAID, Status.PARTIALLY_REFUNDED):
        return None
    amount = min(amount, sale.total - await repo.refunded_amount(session, sale.id))
    if amount <= 0:
        return None
    refund = Refund(
        id=ids.new_id(ids.REFUND),
        account_id=sale.account_id,
        transaction_id=sale.id,
        amount=amount,
        currency=sale.currency,
        status=RefundStatus.SUCCEEDED,
        reason=note[:REASON_LENGTH],
        external_id=external_id,
        through_gateway=True,
    )
    session.add(refund)
    await session.flush()
    add_event(session, sale.id, "refunded", amount=amount, note=note)
    await _follow(session, sale, refund, None)
    return refund


async def _follow(
    session: AsyncSession, sale: Transaction, done: Refund | None = None, by: Principal | None = None
) -> None:
    """The sale's status and commission after its refunds changed (the sale is locked); with ``done``
    (a refund that just went through) the ``transaction.refunded`` event, partial refunds included."""
    refunded = await repo.refunded_amount(session, sale.id)
    sale.status = status_for_amounts(sale.total, refunded)
    sale.updated_at = utcnow()
    session.add(sale)
    await session.flush()
    await referrals.follow_refunds(session, sale, refunded)
    if done is not None:
        lines = await repo.lines_of(session, [sale.id])
        shown = data.transaction(sale, lines) | {
            "amountRefunded": data.money(refunded, sale.currency),
            "refund": data.refund(done),
        }
        record_event(session, sale.account_id, "transaction.refunded", shown, actor=by)


async def _reloaded(session: AsyncSession, transaction_id: str) -> Transaction:
    sale = await repo.fresh(session, transaction_id)
    assert sale is not None
    return sale


async def reconcile_refunds(
    services: Services, *, now: datetime | None = None, limit: int = 100
) -> list[tuple[str, str]]:
    """Send again, with the same key, refunds whose gateway never answered; (id, status) pairs."""
    before = (now or utcnow()) - RESEND_AFTER
    async with services.sessions() as db:
        pending = await repo.pending_refunds_before(db, before, limit)
    settled: list[tuple[str, str]] = []
    for refund in pending:
        async with unit_of_work(services.sessions, "refund reconciled") as db:
            sale = await repo.get(db, refund.account_id, refund.transaction_id)
            assert sale is not None
            result = await _send(db, services, sale, refund)
            done = await settle_refund(db, refund.id, result)
        log.info("refunds.reconciled", refund_id=refund.id, status=done.status)
        settled.append((refund.id, done.status))
    return settled
