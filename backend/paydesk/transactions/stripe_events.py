"""Applying Stripe's webhook events to our sales (``POST /webhooks/stripe/{gatewayId}``).

Each event is applied once per gateway: its id is recorded in the same
transaction as what it changes, so a retry or replay of it changes nothing.
What is handled:

- ``charge.refunded``: refunds made in Stripe (its dashboard, its API) show
  on our sale, capped as ours are; a refund of ours whose answer was lost is
  settled by it instead of counted twice.
- ``charge.dispute.created`` / ``.updated`` / ``.closed``: the sale shows the
  dispute (amount, reason, status); while it is open or lost its amount
  cannot be refunded (``rules.Facts.refundable``); ``transaction.disputed``.
- ``payment_intent.succeeded`` / ``.payment_failed``: a PENDING charge is
  settled at once instead of waiting for reconciliation.

Other types are recorded as ignored. The web handler verifies the signature
and owns the transaction; nothing here sends anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.clock import utcnow
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.gateways.base import Outcome, RefundResult, ResultCode
from paydesk.gateways.stripe.amounts import from_stripe_amount
from paydesk.gateways.stripe.intents import REFERENCE_KEY, intent_outcome
from paydesk.logs import get_logger
from paydesk.models import Gateway, StripeEvent, Transaction
from paydesk.transactions import repository as repo
from paydesk.transactions.refunds import RefundStatus, record_gateway_refund, settle_refund
from paydesk.transactions.service import CARD_ADDED, Services, add_event, settle
from paydesk.unit_of_work import discard_phase

log = get_logger("paydesk.stripe_events")

DISPUTES = ("charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed")
INTENTS = ("payment_intent.succeeded", "payment_intent.payment_failed")
HANDLED = frozenset({"charge.refunded", *DISPUTES, *INTENTS})
# Where our own refund requests carry their key (gateways.stripe.adapter).
REFUND_KEY = "paydesk_refund"


async def apply_event(
    session: AsyncSession, services: Services, gateway: Gateway, event: Mapping[str, Any]
) -> str:
    """Apply one verified event; applied, ignored, unmatched (no sale of ours) or duplicate."""
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    seen = StripeEvent(gateway_id=gateway.id, event_id=event_id[:255], type=kind[:100], outcome="applying")
    session.add(seen)
    try:
        await session.flush()
    except IntegrityError:
        await discard_phase(session)
        return "duplicate"
    obj = (event.get("data") or {}).get("object") or {}
    if kind not in HANDLED or not isinstance(obj, Mapping):
        outcome = "ignored"
    elif kind == "charge.refunded":
        outcome = await _charge_refunded(session, gateway, obj)
    elif kind in DISPUTES:
        outcome = await _dispute(session, gateway, obj, kind)
    else:
        outcome = await _intent(session, services, gateway, obj)
    seen.outcome = outcome
    session.add(seen)
    await session.flush()
    log.info("stripe.event", gateway_id=gateway.id, event_id=event_id, type=kind, outcome=outcome)
    return outcome


async def _sale(
    session: AsyncSession, gateway: Gateway, intent_id: object, reference: object = None
) -> Transaction | None:
    """Our sale charged through ``gateway`` as ``intent_id`` (or named by the intent's metadata), locked."""
    ways = []
    if isinstance(intent_id, str) and intent_id:
        ways.append(col(Transaction.external_id) == intent_id)
    if isinstance(reference, str) and reference:
        ways.append(col(Transaction.id) == reference)
    if not ways:
        return None
    query = select(Transaction.id).where(col(Transaction.gateway_id) == gateway.id, or_(*ways))
    found = (await session.exec(query)).first()
    return await repo.lock(session, found) if found else None


def _units(obj: Mapping[str, Any], key: str, sale: Transaction) -> int:
    value = obj.get(key)
    return from_stripe_amount(int(value), sale.currency) if isinstance(value, int) else 0


async def _charge_refunded(session: AsyncSession, gateway: Gateway, charge: Mapping[str, Any]) -> str:
    sale = await _sale(
        session, gateway, charge.get("payment_intent"), (charge.get("metadata") or {}).get(REFERENCE_KEY)
    )
    if sale is None:
        return "unmatched"
    ours = await repo.refunds_of(session, [sale.id])
    known = {r.external_id for r in ours if r.external_id}
    by_key = {r.gateway_key: r for r in ours if r.gateway_key}
    listed = [r for r in ((charge.get("refunds") or {}).get("data") or []) if isinstance(r, Mapping)]
    for refund in listed:
        if refund.get("status") not in ("succeeded", "pending") or refund.get("id") in known:
            continue
        mine = by_key.get(str((refund.get("metadata") or {}).get(REFUND_KEY)))
        if mine is not None:
            if mine.status == RefundStatus.PENDING:
                await settle_refund(
                    session, mine.id, RefundResult(Outcome(ResultCode.GOOD), str(refund.get("id")))
                )
            continue
        await record_gateway_refund(
            session, sale, _units(refund, "amount", sale), str(refund.get("id")), "Refunded in Stripe."
        )
    if not listed:
        # Newer Stripe API versions leave the list out: the charge's total refunded tells the rest.
        missing = _units(charge, "amount_refunded", sale) - await repo.refunded_amount(session, sale.id)
        if missing > 0:
            await record_gateway_refund(session, sale, missing, None, "Refunded in Stripe.")
    return "applied"


async def _dispute(session: AsyncSession, gateway: Gateway, dispute: Mapping[str, Any], kind: str) -> str:
    sale = await _sale(session, gateway, dispute.get("payment_intent"))
    if sale is None:
        return "unmatched"
    status = str(dispute.get("status") or "needs_response")[:40]
    sale.dispute_id = str(dispute.get("id") or "")[:255] or None
    sale.dispute_amount = min(_units(dispute, "amount", sale), sale.total)
    sale.dispute_reason = str(dispute.get("reason") or "general")[:60]
    sale.dispute_status = status
    sale.disputed_at = sale.disputed_at or utcnow()
    sale.updated_at = utcnow()
    session.add(sale)
    kind_of = {"charge.dispute.created": "disputed", "charge.dispute.closed": "dispute_closed"}
    add_event(session, sale.id, kind_of.get(kind, "dispute_updated"), amount=sale.dispute_amount, note=status)
    await session.flush()
    lines = await repo.lines_of(session, [sale.id])
    shown = data.transaction(sale, lines) | {"dispute": dispute_data(sale)}
    record_event(session, sale.account_id, "transaction.disputed", shown, actor=None)
    return "applied"


def dispute_data(sale: Transaction) -> dict[str, Any]:
    return {
        "id": sale.dispute_id,
        "amount": data.money(sale.dispute_amount or 0, sale.currency),
        "reason": sale.dispute_reason,
        "status": sale.dispute_status,
        "openedAt": data.when(sale.disputed_at),
    }


async def _intent(
    session: AsyncSession, services: Services, gateway: Gateway, intent: Mapping[str, Any]
) -> str:
    reference = (intent.get("metadata") or {}).get(REFERENCE_KEY)
    sale = await _sale(session, gateway, intent.get("id"), reference)
    if sale is None:
        return "unmatched"
    if sale.status != "PENDING":
        return "applied"  # settled already, by the charge's own answer or reconciliation
    outcome = intent_outcome(intent)
    new_card = await repo.has_event(session, sale.id, CARD_ADDED)
    await settle(session, services, sale.id, outcome, str(intent.get("id") or "") or None, new_card=new_card)
    add_event(session, sale.id, "settled_by_stripe", note=str(intent.get("status") or ""))
    return "applied"
