"""Logging a sale made elsewhere and charging a card now.

A charge moves money, so it commits in named phases (DESIGN.md):

1. checks: the order, the card, the gateway, the currency (nothing written);
2. PENDING: the sale and its lines are committed with the gateway key
   ``paydesk:charge:{id}`` before the gateway hears of it, the coupon is
   reserved and a client idempotency key points at the sale;
3. the gateway call, holding no database lock;
4. the outcome: status, result and decline codes, and for a PAID sale its
   invoice and the open orders of its recurring lines.

A crash between 3 and 4 leaves a PENDING sale that ``reconcile`` settles by
asking the gateway what became of that key: never a second charge.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids, rows
from paydesk.auth.principal import Principal
from paydesk.billing.schedule import BillingUnit, today_in
from paydesk.clock import utcnow
from paydesk.coupons import service as coupons
from paydesk.customers import repository as customers
from paydesk.customers.fill import ContactDetails, fill_blanks
from paydesk.db import SessionFactory
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.events import data
from paydesk.events.record import cause_of, record_event
from paydesk.gateways import service as gateways
from paydesk.gateways.base import ChargeRequest, ChargeStatus, Outcome, ResultCode
from paydesk.gateways.registry import GatewayRegistry
from paydesk.invoices import service as invoices
from paydesk.logs import get_logger
from paydesk.models import Account, Gateway, PaymentMethod, Transaction, TransactionEvent, TransactionLine
from paydesk.money import Money
from paydesk.notify.email import Mailer
from paydesk.offers.lines import Line, LineKind
from paydesk.payment_methods import service as payment_methods
from paydesk.payment_methods.service import CardFields, Tokenize
from paydesk.products import delivery
from paydesk.referrals import service as referrals
from paydesk.subscriptions import service as subscriptions
from paydesk.transactions import idempotency
from paydesk.transactions import repository as repo
from paydesk.transactions.orders import Order, OrderInput, build_order
from paydesk.transactions.outside import (
    PaidOutside,
    PaidWith,
    clean_paid_outside,
    describe,
    record_paid_outside,
)
from paydesk.transactions.records import AnyLine, LineRecord
from paydesk.transactions.rules import Origin, Status
from paydesk.unit_of_work import end_phase, unit_of_work
from paydesk.validation import normalize_email

__all__ = ["Origin", "Status"]

log = get_logger("paydesk.transactions")

# A PENDING charge younger than this may still be waiting for its gateway's answer.
RECONCILE_AFTER = timedelta(minutes=10)
# The event that marks a card typed in for a charge: kept on file only if the charge is paid.
CARD_ADDED = "card_added"
# A logged sale may be dated back, but not into the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Services:
    """What a sale needs besides the database: gateways, the server secret, mail, and where links point."""

    sessions: SessionFactory
    gateways: GatewayRegistry
    secret: bytes
    mailer: Mailer
    public_url: str
    # What "now" is for scheduled work; tests that move time replace it.
    clock: Callable[[], datetime] = utcnow


@dataclass(frozen=True)
class LogInput:
    order: OrderInput
    transaction_date: datetime | None = None
    invoice_template_id: str | None = None
    replaces_transaction_id: str | None = None
    idempotency_key: str | None = None
    # How it was paid (PaidOutside's parts, flat so the idempotency fingerprint stays plain data).
    paid_with: PaidWith | None = None
    reference: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ChargeInput:
    order: OrderInput
    payment_method_id: str | None = None
    card: CardFields | None = None
    gateway_id: str | None = None
    invoice_template_id: str | None = None
    idempotency_key: str | None = None
    # The payer is at the keyboard (a hosted page), not staff charging a card on file.
    on_session: bool = False
    # The cardholder's details sent with a card: they fill the customer's blanks (customers.fill).
    contact: ContactDetails | None = None


def status_for(outcome: Outcome) -> str:
    """DESIGN.md's outcome table."""
    if outcome.ok:
        return Status.PAID
    if outcome.unknown:
        return Status.PENDING
    return Status.DECLINED if outcome.declined else Status.FAILED


async def log_transaction(
    session: AsyncSession, services: Services, principal: Principal, request: LogInput
) -> Transaction:
    """Record a one-off sale paid elsewhere: PAID, origin LOGGED, no gateway."""
    return await once_per_key(
        session,
        services,
        principal,
        "logTransaction",
        request.idempotency_key,
        _fingerprint(request),
        lambda claim: _log(session, services, principal, request, claim),
    )


async def charge_now(
    session: AsyncSession, services: Services, principal: Principal, request: ChargeInput
) -> Transaction:
    """Charge a card on file, a new card or the default card now; a decline is a DECLINED sale, no error."""
    payload = _fingerprint(request)
    if request.card is not None:
        # The card itself never enters a stored hash; its last digits and expiry tell two cards apart.
        card = request.card
        payload["card"] = {
            "last4": card.number.replace(" ", "").replace("-", "")[-4:],
            "exp": [card.exp_month, card.exp_year],
        }
    if request.contact is not None:
        payload["contact"] = asdict(request.contact)
    return await once_per_key(
        session,
        services,
        principal,
        "chargeNow",
        request.idempotency_key,
        payload,
        lambda claim: _charge(session, services, principal, request, claim),
    )


async def once_per_key(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    scope: str,
    key: str | None,
    payload: dict[str, Any],
    run: Callable[[str | None], Awaitable[Transaction]],
) -> Transaction:
    """``run`` once per client idempotency key of ``scope`` (a mutation); a repeat gets the first sale."""

    async def load(result_id: str) -> Transaction:
        existing = await repo.get(session, principal.account_id, result_id)
        assert existing is not None, "an idempotency record points at a sale of its account"
        return existing

    return await idempotency.run_once(
        session, services.sessions, principal.account_id, scope, key, payload, run, load
    )


def _fingerprint(request: LogInput | ChargeInput) -> dict[str, Any]:
    order = request.order
    lines = [vars(line) for line in order.lines] if order.lines is not None else None
    fields = {
        k: v
        for k, v in vars(request).items()
        if k not in ("order", "card", "idempotency_key", "on_session", "contact")
    }
    return {**fields, **{k: v for k, v in vars(order).items() if k != "lines"}, "lines": lines}


async def preview_sale(session: AsyncSession, principal: Principal, request: OrderInput) -> Order:
    """The order chargeNow would make of ``request``: checked and priced the same way, nothing written.

    The coupon is looked up as a charge looks it up (so a used-up one is
    COUPON_INVALID) but not redeemed; the card and gateway are not checked.
    """
    _, order = await _checked_order(session, principal, request)
    return order


async def _checked_order(
    session: AsyncSession, principal: Principal, request: OrderInput
) -> tuple[Account, Order]:
    """The caller's account and the checked order, for a customer of that account."""
    account = await session.get(Account, principal.account_id)
    assert account is not None
    if await customers.get(session, principal.account_id, request.customer_id) is None:
        raise not_found("customer", ("customer_id",))
    return account, await build_order(session, principal, account, request)


async def _log(
    session: AsyncSession, services: Services, principal: Principal, request: LogInput, claim: str | None
) -> Transaction:
    account, order = await _checked_order(session, principal, request.order)
    for index, line in enumerate(order.lines):
        if line.kind is not LineKind.SINGLE:
            where = ("offer_id",) if request.order.offer_id else ("lines", index, "kind")
            raise fail(
                ErrorCode.INVALID,
                "A sale made elsewhere has no schedule here: log one-off lines only.",
                where,
            )
    now = utcnow()
    when = request.transaction_date or now
    if when.tzinfo is None or when > now + FUTURE_TOLERANCE:
        raise fail(
            ErrorCode.INVALID,
            "The sale's date must be now or in the past, with a time zone.",
            ("transaction_date",),
        )
    problems = Problems()
    paid = clean_paid_outside(problems, PaidOutside(request.paid_with, request.reference, request.note))
    problems.raise_any()
    if request.replaces_transaction_id is not None:
        replaced = await repo.get(session, principal.account_id, request.replaces_transaction_id)
        if replaced is None:
            raise not_found("transaction", ("replaces_transaction_id",))
        if replaced.status != Status.VOIDED:
            raise fail(
                ErrorCode.INVALID_STATE, "Only a voided sale can be replaced.", ("replaces_transaction_id",)
            )
    sale = _new_sale(
        principal, request.order.customer_id, order, origin=Origin.LOGGED, status=Status.PAID, when=when
    )
    sale.replaces_transaction_id = request.replaces_transaction_id
    sale.invoice_template_id = request.invoice_template_id
    record_paid_outside(sale, paid)
    await _write(session, sale, order, principal, "logged", note=describe(paid, "Paid elsewhere"))
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=True)
    await after_paid(session, services, account, sale)
    return sale


async def _charge(
    session: AsyncSession, services: Services, principal: Principal, request: ChargeInput, claim: str | None
) -> Transaction:
    # Phase 1: checks. A card typed in is tokenized only once the sale's own checks pass.
    account, order = await _checked_order(session, principal, request.order)
    if request.invoice_template_id is not None:
        await invoices.get_template_or_fail(session, principal.account_id, request.invoice_template_id)
    typed = request.payment_method_id is None and request.card is not None
    method = None if typed else await _card_on_file(session, principal, request)
    chosen = request.gateway_id or (method.gateway_id if method else None)
    gateway = await gateways.choose(session, principal.account_id, chosen)
    if method is not None and gateway.id != method.gateway_id:
        raise fail(ErrorCode.INVALID, "This card is kept by another gateway.", ("gateway_id",))
    if order.currency not in gateways.currencies(services.gateways, gateway):
        raise fail(
            ErrorCode.CURRENCY_NOT_SUPPORTED, f"The gateway does not accept {order.currency}.", ("currency",)
        )
    billing = None
    if request.contact is not None:
        billing = await fill_blanks(session, principal, request.order.customer_id, request.contact)
    new_card = False
    if method is None:
        billing_id = billing.id if billing else None
        method, new_card = await _typed_card(session, services, principal, request, gateway.id, billing_id)

    # Phase 2: the PENDING sale, committed before the gateway hears of it.
    sale = _new_sale(
        principal,
        request.order.customer_id,
        order,
        origin=Origin.CHARGED,
        status=Status.PENDING,
        when=utcnow(),
    )
    sale.gateway_id, sale.payment_method_id = gateway.id, method.id
    sale.gateway_key = f"paydesk:charge:{sale.id}"
    sale.invoice_template_id = request.invoice_template_id
    await _write(session, sale, order, principal, "charge_started")
    if new_card:
        # Remembered with the sale, so reconciliation too can forget the card if the charge fails.
        add_event(session, sale.id, CARD_ADDED, principal=principal, note=method.last4)
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=False)
    await end_phase(session, "pending")

    # Phase 3: the gateway, holding no database lock.
    outcome, external_id = await send_charge(
        services, gateway, method, sale, account.name, off_session=not request.on_session
    )

    # Phase 4: the outcome.
    await settle(session, services, sale.id, outcome, external_id, new_card=new_card)
    if claim is not None:
        await idempotency.attach(session, claim, sale.id, completed=True)
    refreshed = await repo.get(session, principal.account_id, sale.id)
    assert refreshed is not None
    return refreshed


async def _card_on_file(session: AsyncSession, principal: Principal, request: ChargeInput) -> PaymentMethod:
    """The card on file to charge: the one given, else the customer's default."""
    customer_id = request.order.customer_id
    if request.payment_method_id is not None:
        method = await payment_methods.get_payment_method(session, principal, request.payment_method_id)
        if method is None or method.customer_id != customer_id:
            raise not_found("payment method", ("payment_method_id",))
        if payment_methods.status_of(method) != payment_methods.Status.ACTIVE:
            state = payment_methods.status_of(method).lower()
            raise fail(ErrorCode.INVALID_STATE, f"This card is {state}.", ("payment_method_id",))
        return method
    method = await payment_methods.default_of(session, customer_id)
    if method is None or payment_methods.status_of(method) != payment_methods.Status.ACTIVE:
        raise fail(
            ErrorCode.NO_PAYMENT_METHOD,
            "The customer has no usable default card; give one.",
            ("payment_method_id",),
        )
    return method


async def _typed_card(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    request: ChargeInput,
    gateway_id: str,
    billing_address_id: str | None,
) -> tuple[PaymentMethod, bool]:
    """Put the card typed in on file with ``gateway_id``; whether it is new (not on file before)."""
    assert request.card is not None
    customer_id = request.order.customer_id
    on_file = {
        m.id
        for m in await payment_methods.payment_methods_of(
            session, principal, [customer_id], include_removed=True
        )
    }
    method = await payment_methods.tokenize_card(
        session,
        services.gateways,
        services.secret,
        principal,
        Tokenize(
            customer_id=customer_id,
            card=request.card,
            gateway_id=gateway_id,
            make_default=False,
            billing_address_id=billing_address_id,
        ),
    )
    return method, method.id not in on_file


class Chargeable(Protocol):
    """What charging a PENDING sale reads of it: a ``Transaction``, or the billing runner's row."""

    @property
    def id(self) -> str: ...
    @property
    def total(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def gateway_key(self) -> str | None: ...
    @property
    def trial_days(self) -> int | None: ...


async def send_charge(
    services: Services,
    gateway: Gateway,
    method: PaymentMethod,
    sale: Chargeable,
    merchant: str,
    *,
    off_session: bool,
) -> tuple[Outcome, str | None]:
    """Ask the gateway to charge a PENDING sale's total under its key; a sale of 0 is paid without a call."""
    if sale.total <= 0:
        why = "the trial comes first" if sale.trial_days else "after the discount"
        return Outcome(ResultCode.GOOD, f"Nothing to charge now: {why}."), None
    assert sale.gateway_key is not None, "a charged sale has its gateway key"
    result = await services.gateways.adapter(gateway).charge(
        ChargeRequest(
            amount=Money(sale.total, sale.currency),
            token=method.gateway_token,
            idempotency_key=sale.gateway_key,
            reference=sale.id,
            off_session=off_session,
            description=f"{merchant} {sale.id}",
        )
    )
    return result.outcome, result.external_id


def _new_sale(
    principal: Principal, customer_id: str, order: Order, *, origin: str, status: str, when: datetime
) -> Transaction:
    return Transaction(
        id=ids.new_id(ids.TRANSACTION),
        account_id=principal.account_id,
        customer_id=customer_id,
        status=status,
        origin=origin,
        currency=order.currency,
        subtotal=order.totals.subtotal,
        discount=order.totals.discount,
        total=order.totals.total,
        transaction_date=when,
        offer_id=order.offer_id,
        coupon_id=order.coupon.id if order.coupon else None,
        trial_days=order.trial_days or None,
        created_by_user_id=principal.user_id,
        created_by_api_key_id=principal.api_key_id,
    )


async def _write(
    session: AsyncSession,
    sale: Transaction,
    order: Order,
    principal: Principal,
    event: str,
    note: str | None = None,
) -> None:
    session.add(sale)
    await session.flush()
    for position, (line, totals) in enumerate(zip(order.lines, order.totals.lines, strict=True)):
        session.add(
            TransactionLine(
                transaction_id=sale.id,
                position=position,
                product_id=line.product_id,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                subtotal=totals.line_subtotal,
                discount=totals.line_discount,
                total=totals.line_total,
                kind=line.kind.value,
                unit=line.unit.value if line.unit else None,
                payment_count=line.payment_count,
            )
        )
    add_event(session, sale.id, event, principal=principal, amount=sale.total, note=note)
    if order.coupon is not None and order.coupon_amount > 0:
        await coupons.redeem(
            session,
            order.coupon.id,
            transaction_id=sale.id,
            customer_id=sale.customer_id,
            amount=order.coupon_amount,
            currency=sale.currency,
        )
    await session.flush()


# The table of a sale's history, appended to as plain rows (paydesk.rows).
SALE_EVENTS = rows.table_of(TransactionEvent)


def add_event(
    session: AsyncSession,
    transaction_id: str,
    kind: str,
    *,
    principal: Principal | None = None,
    amount: int | None = None,
    note: str | None = None,
) -> None:
    """Append a line to the sale's history (a plain row, written at the session's next flush point)."""
    rows.append(
        session,
        SALE_EVENTS,
        {
            "id": ids.new_id(ids.TRANSACTION_EVENT),
            "transaction_id": transaction_id,
            "kind": kind,
            "actor_user_id": principal.user_id if principal else None,
            "actor_api_key_id": principal.api_key_id if principal else None,
            "amount": amount,
            "note": note,
            "created_at": utcnow(),
        },
    )


def new_event(
    transaction_id: str,
    kind: str,
    *,
    principal: Principal | None = None,
    amount: int | None = None,
    note: str | None = None,
) -> TransactionEvent:
    """A line of the sale's history (not added to a session)."""
    return TransactionEvent(
        id=ids.new_id(ids.TRANSACTION_EVENT),
        transaction_id=transaction_id,
        kind=kind,
        actor_user_id=principal.user_id if principal else None,
        actor_api_key_id=principal.api_key_id if principal else None,
        amount=amount,
        note=note,
        created_at=utcnow(),  # given, not defaulted: pydantic inspects a default factory's signature per call
    )


@dataclass(frozen=True)
class Answer:
    """A gateway's answer to the charge of one PENDING sale."""

    transaction_id: str
    outcome: Outcome
    external_id: str | None


async def settle(
    session: AsyncSession,
    services: Services,
    transaction_id: str,
    outcome: Outcome,
    external_id: str | None,
    *,
    new_card: bool = False,
) -> Transaction:
    """Record a gateway's answer on a PENDING sale, once; the caller commits.

    A PAID sale gets its invoice and open orders; a sale that did not go
    through gives back its coupon and forgets a card typed in for it.
    """
    (sale,) = await settle_many(
        session, services, [Answer(transaction_id, outcome, external_id)], new_card=new_card
    )
    return sale


async def settle_many(
    session: AsyncSession, services: Services, answers: Sequence[Answer], *, new_card: bool = False
) -> list[Transaction]:
    """``settle`` for a batch of sales (the billing runner's), with a batch's statements; the sales in
    the answers' order. A sale that is no longer PENDING was settled already (by its charge or by
    reconciliation) and is left as it is."""
    locked = {sale.id: sale for sale in await repo.lock_many(session, [a.transaction_id for a in answers])}
    settled: list[Transaction] = []
    outcomes: list[dict[str, Any]] = []
    for answer in answers:
        sale = locked[answer.transaction_id]
        if sale.status != Status.PENDING:
            continue
        outcome, status = answer.outcome, status_for(answer.outcome)
        message = outcome.advice or outcome.message
        values = {
            "status": status,
            "result_code": outcome.code.name,
            "decline_code": outcome.decline_code,
            "result_message": message[:500] if message else None,
            "external_id": answer.external_id or sale.external_id,
            "updated_at": utcnow(),
        }
        # Written below with the batch's other answers; the loaded sale shows them as its stored state.
        for name, value in values.items():
            set_committed_value(sale, name, value)
        outcomes.append({"sale_id": sale.id, **values})
        if status == Status.PENDING:
            add_event(session, sale.id, "outcome_unknown", note=outcome.message[:1000] or None)
            continue
        add_event(session, sale.id, status.lower(), amount=sale.total, note=sale.decline_code)
        settled.append(sale)
    await repo.write_outcomes(session, outcomes)
    if settled:
        await idempotency.complete_for(session, [sale.id for sale in settled])
    await session.flush()
    lines = await _lines_by_sale(session, [sale.id for sale in settled])
    paid: dict[str, list[Transaction]] = {}
    for sale in settled:
        if sale.status == Status.PAID:
            paid.setdefault(sale.account_id, []).append(sale)
            continue
        kind = "transaction.declined" if sale.status == Status.DECLINED else "transaction.failed"
        record_event(
            session, sale.account_id, kind, data.transaction(sale, lines[sale.id]), actor=cause_of(sale)
        )
        if sale.coupon_id is not None:
            await coupons.release(session, sale.coupon_id, transaction_id=sale.id)
        if new_card and sale.payment_method_id is not None:
            await payment_methods.forget(session, sale.payment_method_id)
    for account_id, sales in paid.items():
        account = await session.get(Account, account_id)
        assert account is not None
        await after_paid_many(session, services, account, sales, lines=lines)
    await session.flush()
    return [locked[answer.transaction_id] for answer in answers]


async def _lines_by_sale(session: AsyncSession, sale_ids: Sequence[str]) -> dict[str, list[LineRecord]]:
    """The sales' lines, in order, as plain records (read once a batch, never changed here)."""
    grouped: dict[str, list[LineRecord]] = {sale_id: [] for sale_id in sale_ids}
    if sale_ids:
        for line in await repo.line_records_of(session, sale_ids):
            grouped[line.transaction_id].append(line)
    return grouped


async def after_paid(
    session: AsyncSession,
    services: Services,
    account: Account,
    sale: Transaction,
    *,
    by: Principal | None = None,
) -> None:
    """What follows every paid sale: its invoice (emailed when the account says so), its open orders
    and the ``transaction.paid`` event (charged, logged or marked paid alike; ``by`` marked it paid)."""
    await after_paid_many(session, services, account, [sale], by=by)


async def after_paid_many(
    session: AsyncSession,
    services: Services,
    account: Account,
    sales: Sequence[Transaction],
    *,
    by: Principal | None = None,
    lines: Mapping[str, Sequence[AnyLine]] | None = None,
) -> None:
    """``after_paid`` for a batch of an account's paid sales: their invoices numbered by one counter
    update, and one read each of their lines (unless given) and customers."""
    issued = await invoices.issue_invoices(session, services.secret, account, sales)
    if lines is None:
        lines = await _lines_by_sale(session, [sale.id for sale in sales])
    customers_by_id = {
        c.id: c for c in await customers.get_many(session, account.id, list({s.customer_id for s in sales}))
    }
    for sale, invoice in zip(sales, issued, strict=True):
        add_event(session, sale.id, "invoice_issued", note=invoice.number)
        sale_lines = lines[sale.id]
        paid = data.transaction(sale, sale_lines)
        record_event(session, account.id, "transaction.paid", paid, actor=by or cause_of(sale))
        if sale.subscription_id is None:
            # A sale's recurring lines open orders; an installment of an order opens none.
            today = today_in(account.timezone, sale.transaction_date)
            await subscriptions.open_orders(
                session,
                sale,
                [line_of(row) for row in sale_lines],
                payment_method_id=sale.payment_method_id,
                today=today,
                timezone=account.timezone,
                trial_days=sale.trial_days or 0,
            )
    commissions = await referrals.record_paid(session, account.id, sales, customers_by_id)
    for sale_id, commission in commissions.items():
        add_event(session, sale_id, "commission_recorded", amount=commission.amount)
    await session.flush()
    for sale, invoice in zip(sales, issued, strict=True):
        customer = customers_by_id.get(sale.customer_id)
        if customer is None:
            continue
        if account.email_invoices and normalize_email(customer.email or ""):
            # Sent by the outbox job once the sale commits: never while its row is locked.
            await invoices.queue_invoice_email(session, services.secret, services.public_url, invoice)
        # What the buyer gets for the products bought (logged and marked-paid sales too).
        await delivery.queue_deliveries(
            session, services.secret, account=account, customer=customer, sale=sale, lines=lines[sale.id]
        )


def line_of(row: AnyLine) -> Line:
    return Line(
        product_id=row.product_id,
        description=row.description,
        quantity=row.quantity,
        unit_price=row.unit_price,
        kind=LineKind(row.kind),
        unit=BillingUnit(row.unit) if row.unit else None,
        payment_count=row.payment_count,
    )


async def reconcile(
    services: Services, *, now: datetime | None = None, limit: int = 100
) -> list[tuple[str, str]]:
    """Settle PENDING charges whose answer was lost, by asking each gateway; (id, status) pairs."""
    before = (now or utcnow()) - RECONCILE_AFTER
    async with services.sessions() as db:
        pending = await repo.pending_before(db, before, limit)
        gateway_records = {
            g.id: g
            for g in await gateways.gateways_by_ids(db, [p.gateway_id for p in pending if p.gateway_id])
        }
    settled: list[tuple[str, str]] = []
    for sale in pending:
        record = gateway_records.get(sale.gateway_id or "")
        if record is None or sale.gateway_key is None:
            continue
        adapter = services.gateways.adapter(record)
        lookup = await adapter.find_charge(sale.gateway_key, sale.id)
        if lookup.outcome.unknown:
            continue  # the gateway cannot tell yet; try again on the next run
        if lookup.status is None and (now or utcnow()) - sale.created_at < adapter.absence_proves_after:
            continue  # not found yet may only mean not indexed yet
        if lookup.status is None:
            outcome = Outcome(
                ResultCode.REMOTE_GATEWAY_ERROR, "The gateway never received this charge; nothing was taken."
            )
        elif lookup.status in (ChargeStatus.SUCCEEDED, ChargeStatus.VOIDED):
            outcome = Outcome(ResultCode.GOOD)
        else:
            outcome = lookup.outcome
        async with unit_of_work(services.sessions, "reconciled") as db:
            new_card = await repo.has_event(db, sale.id, CARD_ADDED)
            result = await settle(db, services, sale.id, outcome, lookup.external_id, new_card=new_card)
            add_event(db, sale.id, "reconciled", note=result.status)
        log.info("transactions.reconciled", transaction_id=sale.id, status=result.status)
        settled.append((sale.id, result.status))
    return settled
