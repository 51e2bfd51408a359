"""What staff do to a sale after the fact: void, write off, mark paid, resend the invoice, re-run commission.

Refunds have their own module (``refunds``). Every action here takes the
sale's lock, asks ``rules`` whether the sale allows it (INVALID_STATE with
the rule's reason otherwise), and appends an event saying who did what.
Another account's sale is NOT_FOUND, exactly like a missing one.

A void through a gateway runs in phases like a charge: the sale is marked
``void_started_at`` and committed (refunds wait meanwhile), the gateway is
asked with the key ``paydesk:void:{id}`` holding no lock, and the answer is
recorded; a void with no answer stays marked until ``reconcile_voids`` asks
again with the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.gateways import service as gateways
from paydesk.gateways.base import VoidRequest, VoidResult
from paydesk.invoices import service as invoices
from paydesk.logs import get_logger
from paydesk.models import Account, Invoice, Transaction
from paydesk.referrals import service as referrals
from paydesk.subscriptions import service as subscriptions
from paydesk.transactions import idempotency, void_effects
from paydesk.transactions import repository as repo
from paydesk.transactions.outside import PaidOutside, clean_paid_outside, describe, record_paid_outside
from paydesk.transactions.rules import Action, Facts, Status, refused, role_refusal
from paydesk.transactions.service import FUTURE_TOLERANCE, Services, add_event, after_paid, once_per_key
from paydesk.transactions.state import facts_of
from paydesk.unit_of_work import end_phase, unit_of_work

log = get_logger("paydesk.transactions")

NOTE_LENGTH = 1000
# A void sent this long ago without an answer is asked again (same key) by reconciliation.
VOID_RESEND_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class VoidInput:
    transaction_id: str
    idempotency_key: str | None = None


async def _locked(
    session: AsyncSession, services: Services, principal: Principal, transaction_id: str, action: Action
) -> tuple[Transaction, Facts]:
    """The caller's sale, locked, once the rules allow ``action`` on it."""
    sale = await repo.lock(session, transaction_id, principal.account_id)
    if sale is None:
        raise not_found("transaction", ("transaction_id",))
    facts = await facts_of(session, services.gateways, sale)
    if (reason := refused(action, facts, utcnow())) is not None:
        raise fail(ErrorCode.INVALID_STATE, reason, ("transaction_id",))
    return sale, facts


def _note(text: str | None) -> str | None:
    return (text or "").strip()[:NOTE_LENGTH] or None


# Void


async def void_transaction(
    session: AsyncSession, services: Services, principal: Principal, request: VoidInput
) -> Transaction:
    """Cancel a paid sale before it settles; a logged one is simply voided."""

    payload: dict[str, Any] = {"transaction_id": request.transaction_id}
    return await once_per_key(
        session,
        services,
        principal,
        "voidTransaction",
        request.idempotency_key,
        payload,
        lambda claim: _void(session, services, principal, request, claim),
    )


async def _void(
    session: AsyncSession, services: Services, principal: Principal, request: VoidInput, claim: str | None
) -> Transaction:
    sale, facts = await _locked(session, services, principal, request.transaction_id, Action.VOID)
    if not facts.charged_through_gateway:
        await _voided(session, sale, principal, note="Recorded only: no gateway charge to cancel.")
        if claim is not None:
            await idempotency.attach(session, claim, sale.id, completed=True)
        await end_phase(session, "voided")
        return sale
    sale.void_started_at = utcnow()
    session.add(sale)
    add_event(session, sale.id, "void_started", principal=principal, amount=sale.total)
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=False)
    await end_phase(session, "void started")

    result = await _send_void(session, services, sale)
    sale = await settle_void(session, sale.id, result, principal=principal)
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=True)
    await end_phase(session, "void settled")
    if sale.status == Status.VOIDED:
        return sale
    if sale.void_started_at is not None:
        raise fail(
            ErrorCode.GATEWAY_ERROR,
            "The gateway did not answer; paydesk will ask it again and record the outcome.",
            ("transaction_id",),
        )
    if claim is not None:
        await idempotency.release(services.sessions, claim, force=True)
    words = result.outcome.advice or result.outcome.message or "no reason given"
    raise fail(ErrorCode.GATEWAY_ERROR, f"The gateway refused the void: {words}", ("transaction_id",))


async def _send_void(session: AsyncSession, services: Services, sale: Transaction) -> VoidResult:
    assert sale.gateway_id is not None, "a charged sale has a gateway"
    assert sale.external_id is not None, "a charged sale has the gateway's id"
    record = await gateways.get_gateway(session, sale.account_id, sale.gateway_id)
    assert record is not None, "a charged sale's gateway exists"
    await end_phase(session, "void checked")
    request = VoidRequest(external_id=sale.external_id, idempotency_key=f"paydesk:void:{sale.id}")
    return await services.gateways.adapter(record).void(request)


async def settle_void(
    session: AsyncSession, transaction_id: str, result: VoidResult, *, principal: Principal | None = None
) -> Transaction:
    """Record the gateway's answer on a void in flight, once; the caller commits."""
    sale = await repo.lock(session, transaction_id)
    assert sale is not None
    if sale.void_started_at is None:
        return sale
    outcome = result.outcome
    if outcome.unknown:
        add_event(session, sale.id, "void_outcome_unknown", note=outcome.message[:NOTE_LENGTH] or None)
        await session.flush()
        return sale
    sale.void_started_at = None
    if outcome.ok:
        await _voided(session, sale, principal, note=None)
    else:
        reason = (outcome.advice or outcome.message or outcome.code.name)[:NOTE_LENGTH]
        add_event(session, sale.id, "void_failed", note=reason)
        session.add(sale)
        await session.flush()
    return sale


@dataclass(frozen=True)
class VoidPreview:
    """What voiding a sale would do now, from the same rules and effects as the void itself."""

    sale: Transaction
    # Why the caller cannot void it now (its state, or the caller's role); None when they can.
    refused: str | None
    # The gateway is asked to cancel the charge; otherwise the void is recorded only.
    through_gateway: bool
    effects: void_effects.VoidEffects


async def preview_void(
    session: AsyncSession, services: Services, principal: Principal, transaction_id: str
) -> VoidPreview | None:
    """What ``voidTransaction`` would do to the caller's sale, writing nothing; None for no such sale."""
    sale = await repo.get(session, principal.account_id, transaction_id)
    if sale is None:
        return None
    facts = await facts_of(session, services.gateways, sale)
    reason = refused(Action.VOID, facts, utcnow()) or role_refusal(principal.role, Action.VOID)
    effects = await void_effects.void_effects(session, sale)
    return VoidPreview(sale, reason, facts.charged_through_gateway, effects)


async def _voided(
    session: AsyncSession, sale: Transaction, principal: Principal | None, *, note: str | None
) -> None:
    """VOIDED, and what a sale that never happened gives back: its coupon, its commission, its open orders."""
    sale.status = Status.VOIDED
    sale.updated_at = utcnow()
    session.add(sale)
    add_event(session, sale.id, "voided", principal=principal, amount=sale.total, note=note)
    ended = await void_effects.apply(session, sale, await void_effects.void_effects(session, sale))
    if ended:
        add_event(session, sale.id, "open_orders_cancelled", note=f"{len(ended)} cancelled with the void")
    await session.flush()
    lines = await repo.lines_of(session, [sale.id])
    record_event(
        session, sale.account_id, "transaction.voided", data.transaction(sale, lines), actor=principal
    )
    for order in ended:
        subscriptions.record(session, order, "cancelled", principal)


async def reconcile_voids(
    services: Services, *, now: datetime | None = None, limit: int = 100
) -> list[tuple[str, str]]:
    """Ask again, with the same key, about voids whose gateway never answered; (id, status) pairs."""
    before = (now or utcnow()) - VOID_RESEND_AFTER
    async with services.sessions() as db:
        waiting = await repo.void_started_before(db, before, limit)
    settled: list[tuple[str, str]] = []
    for sale in waiting:
        async with unit_of_work(services.sessions, "void reconciled") as db:
            result = await _send_void(db, services, sale)
            done = await settle_void(db, sale.id, result)
        log.info("voids.reconciled", transaction_id=sale.id, status=done.status)
        settled.append((sale.id, done.status))
    return settled


# Write off and mark paid


async def write_off(
    session: AsyncSession, services: Services, principal: Principal, transaction_id: str, reason: str | None
) -> Transaction:
    """DECLINED or FAILED becomes WRITTEN_OFF: it will not be collected; no money moves."""
    sale, _ = await _locked(session, services, principal, transaction_id, Action.WRITE_OFF)
    sale.status = Status.WRITTEN_OFF
    sale.updated_at = utcnow()
    session.add(sale)
    add_event(session, sale.id, "written_off", principal=principal, amount=sale.total, note=_note(reason))
    await session.flush()
    lines = await repo.lines_of(session, [sale.id])
    shown = data.transaction(sale, lines)
    record_event(session, sale.account_id, "transaction.written_off", shown, actor=principal)
    if await subscriptions.installment_closed(session, sale, now=services.clock()):
        add_event(
            session, sale.id, "dunning_ended", note="Written off: the order goes on to its next installment."
        )
    await session.flush()
    return sale


async def mark_paid(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    transaction_id: str,
    paid: PaidOutside,
    paid_at: datetime | None,
) -> Transaction:
    """DECLINED, FAILED or WRITTEN_OFF becomes PAID, paid outside the system; it gets its invoice now.

    How it was paid (``paid``: the way, a reference, staff's note) is kept on the sale; the gateway's
    result of the failed attempt stays on record but no longer describes the payment.
    """
    now = services.clock()
    when = paid_at or now
    if when.tzinfo is None or when > now + FUTURE_TOLERANCE:
        raise fail(
            ErrorCode.INVALID,
            "The payment's date must be now or in the past, with a time zone.",
            ("paid_at",),
        )
    problems = Problems()
    paid = clean_paid_outside(problems, paid)
    problems.raise_any()
    sale, _ = await _locked(session, services, principal, transaction_id, Action.MARK_PAID)
    sale.status = Status.PAID
    sale.marked_paid_at = when
    sale.updated_at = now
    record_paid_outside(sale, paid)
    session.add(sale)
    detail = describe(paid, f"Paid outside paydesk on {when:%Y-%m-%d}")
    add_event(session, sale.id, "marked_paid", principal=principal, amount=sale.total, note=detail)
    await session.flush()
    account = await session.get(Account, sale.account_id)
    assert account is not None
    await after_paid(session, services, account, sale, by=principal)
    if await subscriptions.installment_closed(session, sale, now=now):
        add_event(
            session, sale.id, "dunning_ended", note="Paid outside: the order goes on to its next installment."
        )
    await session.flush()
    return sale


# Invoice and commission


async def resend_invoice(
    session: AsyncSession, services: Services, principal: Principal, transaction_id: str, email: str | None
) -> Invoice:
    """Email the sale's invoice again, to ``email`` or else the customer; the invoice gets last_sent_at."""
    sale, _ = await _locked(session, services, principal, transaction_id, Action.RESEND_INVOICE)
    found = await invoices.invoice_for_transactions(session, principal.account_id, [sale.id])
    invoice = found[0]
    # The outbox job sends it once this commits; mark_sent then sets last_sent_at and says so on the sale.
    await invoices.queue_invoice_email(
        session, services.secret, services.public_url, invoice, to=email, principal=principal
    )
    await session.flush()
    return invoice


async def rerun_commission(
    session: AsyncSession, services: Services, principal: Principal, transaction_id: str
) -> Transaction:
    """Compute the sale's commission again from its customer's partner and rate as they are now."""
    sale, _ = await _locked(session, services, principal, transaction_id, Action.RERUN_COMMISSION)
    refunded = await repo.refunded_amount(session, sale.id)  # the rules allow paid sales only
    commission = await referrals.record(session, sale, refunded)
    note = None if commission is not None else "No partner earns on this sale."
    amount = commission.amount if commission is not None else None
    add_event(session, sale.id, "commission_rerun", principal=principal, amount=amount, note=note)
    sale.updated_at = utcnow()
    session.add(sale)
    await session.flush()
    return sale
