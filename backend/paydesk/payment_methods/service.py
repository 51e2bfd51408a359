"""Cards on file: tokenize, make default, update, remove.

Tokenizing calls a gateway, so it commits in phases (DESIGN.md): the
checks end with a commit that releases the database before the gateway is
called, and the new card is written after it answers. A card number or CVC
exists only in memory for the call; what is kept is the gateway's token,
brand, last4, expiry and a keyed fingerprint to spot the same card twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.crypto import keyed_hash
from paydesk.customers import repository as customers
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.gateways import service as gateways
from paydesk.gateways.base import TokenizeRequest
from paydesk.gateways.registry import GatewayRegistry
from paydesk.models import Customer, PaymentMethod
from paydesk.payment_methods import repository as repo
from paydesk.payment_methods.cards import check_card, full_year, is_expired
from paydesk.payment_methods.records import CardRecord, Expiring
from paydesk.subscriptions import service as subscriptions
from paydesk.unit_of_work import end_phase

FINGERPRINT_PURPOSE = "paydesk card fingerprint v1"


class Status:
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REMOVED = "REMOVED"


@dataclass(frozen=True)
class CardFields:
    """A card as typed by a person; checked before anything else happens."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Tokenize:
    customer_id: str
    card: CardFields | None = None
    gateway_token: str | None = None
    gateway_id: str | None = None
    make_default: bool = True
    # An address of the customer's that a new card bills to (a card already on file keeps its own).
    billing_address_id: str | None = None


def record(session: AsyncSession, method: PaymentMethod, change: str, by: Principal | None) -> None:
    """The ``payment_method.{change}`` event (added, updated or removed), with the card as it is now."""
    data_now = data.payment_method(method, status_of(method))
    record_event(session, method.account_id, f"payment_method.{change}", data_now, actor=by)


def status_of(method: Expiring, now: datetime | None = None) -> str:
    if method.removed_at is not None:
        return Status.REMOVED
    if is_expired(method.exp_month, method.exp_year, now or utcnow()):
        return Status.EXPIRED
    return Status.ACTIVE


async def tokenize_card(
    session: AsyncSession, registry: GatewayRegistry, secret: bytes, principal: Principal, request: Tokenize
) -> PaymentMethod:
    """Put a card on file for a customer, or return the same card already on file."""
    # Phase 1: check everything we can without the gateway.
    if (request.card is None) == (request.gateway_token is None or not request.gateway_token.strip()):
        raise fail(ErrorCode.INVALID, "Give either a card or a gatewayToken.", ("card",))
    customer = await customers.get(session, principal.account_id, request.customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    gateway = await gateways.choose(session, principal.account_id, request.gateway_id)
    fingerprint = None
    checked = None
    if request.card is not None:
        problems = Problems()
        card = request.card
        checked = check_card(
            problems,
            ("card",),
            number=card.number,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            cvc=card.cvc,
            name=card.name,
            now=utcnow(),
        )
        problems.raise_any()
        assert checked is not None
        fingerprint = keyed_hash(
            secret, FINGERPRINT_PURPOSE, f"{principal.account_id}:{checked.details.number}"
        )
        same = await repo.active_with_fingerprint(session, customer.id, fingerprint)
        if same is not None:
            return await _refresh(
                session,
                same,
                checked.details.exp_month,
                checked.details.exp_year,
                request.make_default,
                by=principal,
            )
    method_id = ids.new_id(ids.PAYMENT_METHOD)
    await end_phase(session, "card checked")  # hold no database lock while the gateway works

    # Phase 2: the gateway keeps the card and gives us a token.
    result = await registry.adapter(gateway).tokenize(
        TokenizeRequest(
            card=checked.details if checked else None,
            gateway_token=request.gateway_token.strip() if request.gateway_token else None,
            customer_ref=customer.id,
            idempotency_key=f"paydesk:tokenize:{method_id}",
            email=customer.email,
        )
    )
    outcome = result.outcome
    if not outcome.ok or result.token is None:
        field = ("card", "number") if checked else ("gateway_token",)
        if outcome.declined:
            raise fail(
                ErrorCode.CARD_DECLINED, outcome.advice or "The gateway declined to keep this card.", field
            )
        raise fail(ErrorCode.GATEWAY_ERROR, outcome.message or "The gateway could not keep this card.", field)

    # Phase 3: record the card (the caller's boundary commits).
    same = await repo.active_with_token(session, customer.id, gateway.id, result.token)
    if same is not None:
        return await _refresh(
            session, same, same.exp_month, same.exp_year, request.make_default, by=principal
        )
    if fingerprint is None and result.fingerprint:
        fingerprint = keyed_hash(secret, FINGERPRINT_PURPOSE, f"{gateway.id}:{result.fingerprint}")
        same = await repo.active_with_fingerprint(session, customer.id, fingerprint)
        if same is not None:
            return await _refresh(
                session, same, result.exp_month, result.exp_year, request.make_default, by=principal
            )
    method = PaymentMethod(
        id=method_id,
        account_id=principal.account_id,
        customer_id=customer.id,
        gateway_id=gateway.id,
        gateway_token=result.token,
        brand=(checked.brand if checked else result.brand) or "unknown",
        last4=(checked.last4 if checked else result.last4) or "????",
        exp_month=checked.details.exp_month if checked else result.exp_month,
        exp_year=checked.details.exp_year if checked else result.exp_year,
        name_on_card=checked.details.name if checked else None,
        fingerprint=fingerprint,
        billing_address_id=request.billing_address_id,
    )
    make_default = request.make_default or await repo.default_of(session, customer.id) is None
    await _store(session, method, make_default=make_default)
    record(session, method, "added", principal)
    return method


async def _refresh(
    session: AsyncSession,
    method: PaymentMethod,
    exp_month: int | None,
    exp_year: int | None,
    make_default: bool,
    *,
    by: Principal,
) -> PaymentMethod:
    """The card is on file already: take its new expiry instead of keeping a duplicate."""
    method.exp_month, method.exp_year = exp_month, exp_year
    method.updated_at = utcnow()
    await _store(session, method, make_default=make_default and not method.is_default)
    record(session, method, "updated", by)
    return method


async def _store(session: AsyncSession, method: PaymentMethod, *, make_default: bool) -> None:
    if make_default:
        await repo.lock_customer(session, method.customer_id)
        await repo.clear_default(session, method.customer_id)
        await session.flush()
        method.is_default = True
    session.add(method)
    await session.flush()
    if make_default and status_of(method) == Status.ACTIVE:
        # DESIGN.md, dunning: a new default card recovers the customer's orders in dunning or past due.
        await subscriptions.recover_with(session, method.customer_id, method.id)


async def _own(session: AsyncSession, principal: Principal, payment_method_id: str) -> PaymentMethod:
    method = await repo.get(session, principal.account_id, payment_method_id)
    if method is None:
        raise not_found("payment method", ("payment_method_id",))
    return method


async def set_default(session: AsyncSession, principal: Principal, payment_method_id: str) -> PaymentMethod:
    method = await _own(session, principal, payment_method_id)
    status = status_of(method)
    if status != Status.ACTIVE:
        raise fail(
            ErrorCode.INVALID_STATE,
            f"An {status.lower()} card cannot be the default.",
            ("payment_method_id",),
        )
    if not method.is_default:
        method.updated_at = utcnow()
        await _store(session, method, make_default=True)
        record(session, method, "updated", principal)
    return method


async def update_payment_method(
    session: AsyncSession,
    principal: Principal,
    payment_method_id: str,
    *,
    exp_month: int | None,
    exp_year: int | None,
    billing_address_id: str | None,
    name_on_card: str | None,
) -> PaymentMethod:
    """A new expiry, billing address or name for the card's future charges."""
    method = await _own(session, principal, payment_method_id)
    if method.removed_at is not None:
        raise fail(ErrorCode.INVALID_STATE, "A removed card cannot be changed.", ("payment_method_id",))
    problems = Problems()
    if exp_month is not None or exp_year is not None:
        month = exp_month if exp_month is not None else method.exp_month
        year = full_year(exp_year) if exp_year is not None else method.exp_year
        now = utcnow()
        if month is None or not 1 <= month <= 12:
            problems.add(ErrorCode.CARD_INVALID, "The expiry month must be 1 to 12.", ("exp_month",))
        elif year is None or not 2000 <= year <= now.year + 30:
            problems.add(ErrorCode.CARD_INVALID, "The expiry year is not valid.", ("exp_year",))
        elif is_expired(month, year, now):
            problems.add(ErrorCode.CARD_EXPIRED, "This expiry is in the past.", ("exp_year",))
        else:
            method.exp_month, method.exp_year = month, year
    if billing_address_id is not None:
        address = await customers.address(session, principal.account_id, billing_address_id)
        if address is None or address.customer_id != method.customer_id:
            problems.add(
                ErrorCode.NOT_FOUND, "No address of this customer with this id.", ("billing_address_id",)
            )
        else:
            method.billing_address_id = address.id
    if name_on_card is not None:
        method.name_on_card = name_on_card.strip()[:100] or None
    problems.raise_any()
    method.updated_at = utcnow()
    session.add(method)
    await session.flush()
    record(session, method, "updated", principal)
    return method


async def remove_payment_method(
    session: AsyncSession, principal: Principal, payment_method_id: str
) -> PaymentMethod:
    """Retire a card: kept for history, never charged again; the newest other card becomes the default."""
    method = await _own(session, principal, payment_method_id)
    if method.removed_at is not None:
        return method
    was_default = method.is_default
    method.removed_at = method.updated_at = utcnow()
    method.is_default = False
    session.add(method)
    await session.flush()
    record(session, method, "removed", principal)
    if was_default:
        now = utcnow()
        others = await repo.newest_active(session, method.customer_id, excluding=method.id)
        successor = next((m for m in others if status_of(m, now) == Status.ACTIVE), None)
        if successor is not None:
            await _store(session, successor, make_default=True)
            record(session, successor, "updated", principal)
    return method


async def payment_methods_of(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str], *, include_removed: bool
) -> list[PaymentMethod]:
    """Active cards first (the default leading), then expired, then removed ones when asked."""
    methods = await repo.of_customers(
        session, principal.account_id, customer_ids, include_removed=include_removed
    )
    return in_status_order(methods)


async def card_records_of(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str], *, include_removed: bool
) -> list[CardRecord]:
    """``payment_methods_of`` as plain records (no ORM objects), in the same order: for the API's pages."""
    cards = await repo.card_records_of(
        session, principal.account_id, customer_ids, include_removed=include_removed
    )
    return in_status_order(cards)


_STATUS_ORDER = {Status.ACTIVE: 0, Status.EXPIRED: 1, Status.REMOVED: 2}
_Card = TypeVar("_Card", bound=Expiring)


def in_status_order(cards: Sequence[_Card]) -> list[_Card]:
    """Active cards, then expired, then removed; the repository's order (the default leading) within each."""
    now = utcnow()
    return sorted(cards, key=lambda card: _STATUS_ORDER[status_of(card, now)])


async def get_payment_method(
    session: AsyncSession, principal: Principal, payment_method_id: str
) -> PaymentMethod | None:
    return await repo.get(session, principal.account_id, payment_method_id)


async def customer_of(session: AsyncSession, principal: Principal, customer_id: str) -> Customer | None:
    return await customers.get(session, principal.account_id, customer_id)


async def default_of(session: AsyncSession, customer_id: str) -> PaymentMethod | None:
    """The customer's default card, if any."""
    return await repo.default_of(session, customer_id)


async def forget(session: AsyncSession, payment_method_id: str) -> None:
    """Take off file a card typed in for a charge that did not go through (it is kept only when paid)."""
    method = await session.get(PaymentMethod, payment_method_id)
    if method is None or method.removed_at is not None:
        return
    method.removed_at = method.updated_at = utcnow()
    method.is_default = False
    session.add(method)
    await session.flush()
    record(session, method, "removed", None)
