"""Payment requests: a link the customer opens to pay an amount, some lines or a saved offer.

A request is priced when it is made and the payer pays exactly what it
showed (its lines are kept with their prices). It is OPEN until it is paid,
cancelled, locked after five declined attempts, or past its expiry (applied
on every read, and written by the jobs' ``expire_due``). Paying goes through
``chargeNow`` like any sale (events, invoice, open orders for recurring
lines) with the idempotency key ``preq:{id}:{attempt}``, where the attempt
is the number of declines the payer's form was shown after: a double submit,
or a second tab, repeats the first call and charges once.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.auth.tokens import session_token_hash
from paydesk.billing.schedule import BillingUnit
from paydesk.clock import utcnow
from paydesk.crypto import decrypt_text, encrypt_text
from paydesk.customers import repository as customers
from paydesk.errors import ErrorCode, fail, not_found
from paydesk.events import data
from paydesk.events.record import PAYER, Actor, cause_of, record_event
from paydesk.logs import get_logger
from paydesk.models import Account, Customer, PaymentMethod, PaymentRequest, Transaction
from paydesk.money import Money, MoneyError, is_currency
from paydesk.notify.messages import payment_request_email
from paydesk.offers.lines import Line, LineInput, LineKind
from paydesk.outbox.emails import queue_email
from paydesk.pagination import Page, PageRequest
from paydesk.payment_methods import service as payment_methods
from paydesk.payment_methods.service import CardFields
from paydesk.payment_requests import repository as repo
from paydesk.payment_requests.records import Expiring, RequestRecord
from paydesk.pricing import PricedLine, price
from paydesk.transactions import repository as sales
from paydesk.transactions.orders import Order, OrderInput, build_order
from paydesk.transactions.rules import Status as SaleStatus
from paydesk.transactions.service import CARD_ADDED, ChargeInput, Services, charge_now
from paydesk.unit_of_work import end_phase, unit_of_work

log = get_logger("paydesk.payment_requests")

PAYMENT_REQUEST_TOKENS = "paydesk payment request tokens v1"
# The outbox purpose of a request's email (OutgoingEmail.purpose).
PAYMENT_REQUEST_EMAIL = "payment_request"
PATH = "/pay/"
DEFAULT_LIFETIME = timedelta(days=7)
MAX_LIFETIME = timedelta(days=365)
MAX_FAILED_ATTEMPTS = 5
DESCRIPTION_LENGTH = 500


class RequestStatus(StrEnum):
    OPEN = "OPEN"
    PAID = "PAID"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    LOCKED = "LOCKED"


@dataclass(frozen=True)
class CreateRequest:
    customer_id: str
    offer_id: str | None = None
    lines: Sequence[LineInput] | None = None
    # The amount as sent: (decimal, currency).
    amount: tuple[object, str] | None = None
    currency: str | None = None
    description: str | None = None
    expires_at: datetime | None = None
    send_email: bool = False
    allow_coupon: bool = False


def status_of(request: Expiring, now: datetime | None = None) -> RequestStatus:
    """Where the request stands now: an OPEN one past its expiry is EXPIRED."""
    status = RequestStatus(request.status)
    if status is RequestStatus.OPEN and request.expires_at <= (now or utcnow()):
        return RequestStatus.EXPIRED
    return status


def event_data(request: PaymentRequest) -> dict[str, Any]:
    """The request as ``PaymentRequest`` shows it, without its URL (the payer's secret)."""
    return {
        "id": request.id,
        "status": status_of(request).value,
        "amount": data.money(request.total, request.currency),
        "subtotal": data.money(request.subtotal, request.currency),
        "discount": data.money(request.discount, request.currency),
        "description": request.description,
        "allowCoupon": request.allow_coupon,
        "expiresAt": data.when(request.expires_at),
        "failedAttempts": request.failed_attempts,
        "createdAt": data.when(request.created_at),
        "paidAt": data.when(request.paid_at),
        "cancelledAt": data.when(request.cancelled_at),
        "lastSentAt": data.when(request.last_sent_at),
        "customerId": request.customer_id,
        "transactionId": request.transaction_id,
    }


def record(session: AsyncSession, request: PaymentRequest, change: str, by: Actor | Principal | None) -> None:
    record_event(session, request.account_id, f"payment_request.{change}", event_data(request), actor=by)


def url_for(public_url: str, token: str) -> str:
    return public_url.rstrip("/") + PATH + token


def url_of(request: PaymentRequest | RequestRecord, secret: bytes, public_url: str) -> str:
    return url_for(public_url, decrypt_text(secret, PAYMENT_REQUEST_TOKENS, request.token_encrypted))


def lines_of(request: PaymentRequest | RequestRecord) -> list[Line]:
    """The priced lines the request shows and charges."""
    return [
        Line(
            product_id=item["product_id"],
            description=item["description"],
            quantity=item["quantity"],
            unit_price=item["unit_price"],
            kind=LineKind(item["kind"]),
            unit=BillingUnit(item["unit"]) if item["unit"] else None,
            payment_count=item["payment_count"],
            first_payment=item["first_payment"],
        )
        for item in json.loads(request.lines_json)
    ]


def _lines_json(lines: Sequence[Line]) -> str:
    return json.dumps(
        [
            {
                "product_id": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "kind": line.kind.value,
                "unit": line.unit.value if line.unit else None,
                "payment_count": line.payment_count,
                "first_payment": line.first_payment,
            }
            for line in lines
        ]
    )


# Making and cancelling


async def create(
    session: AsyncSession, services: Services, principal: Principal, request: CreateRequest
) -> PaymentRequest:
    """A new OPEN request, priced now; with ``send_email`` the customer gets the link (or nothing is made)."""
    account = await session.get(Account, principal.account_id)
    assert account is not None
    customer = await customers.get(session, principal.account_id, request.customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    given = [name for name in ("offer_id", "lines", "amount") if getattr(request, name) is not None]
    if len(given) != 1:
        raise fail(ErrorCode.INVALID, "Give exactly one of an amount, lines or a saved offer.", ("amount",))
    description = (request.description or "").strip()[:DESCRIPTION_LENGTH] or None
    if request.amount is not None:
        order = _amount_order(request, description)
    else:
        order = await build_order(
            session,
            principal,
            account,
            OrderInput(
                customer_id=customer.id,
                offer_id=request.offer_id,
                lines=request.lines,
                currency=request.currency,
            ),
        )
    now = utcnow()
    expires_at = request.expires_at or now + DEFAULT_LIFETIME
    if expires_at.tzinfo is None:
        raise fail(ErrorCode.INVALID, "Give the expiry with a time zone.", ("expires_at",))
    if expires_at <= now:
        raise fail(ErrorCode.INVALID, "The expiry must be in the future.", ("expires_at",))
    if expires_at > now + MAX_LIFETIME:
        raise fail(ErrorCode.INVALID, "A payment request lasts at most a year.", ("expires_at",))
    if request.send_email and not customer.email:
        raise fail(
            ErrorCode.INVALID, "The customer has no email address to send the link to.", ("send_email",)
        )
    token = secrets.token_urlsafe(32)
    payment_request = PaymentRequest(
        id=ids.new_id(ids.PAYMENT_REQUEST),
        account_id=principal.account_id,
        customer_id=customer.id,
        token_hash=session_token_hash(token),
        token_encrypted=encrypt_text(services.secret, PAYMENT_REQUEST_TOKENS, token),
        status=RequestStatus.OPEN.value,
        currency=order.currency,
        subtotal=order.totals.subtotal,
        discount=order.totals.discount,
        total=order.totals.total,
        description=description,
        offer_id=order.offer_id,
        lines_json=_lines_json(order.lines),
        allow_coupon=request.allow_coupon,
        expires_at=expires_at,
        created_by_user_id=principal.user_id,
        created_by_api_key_id=principal.api_key_id,
    )
    session.add(payment_request)
    await session.flush()
    record(session, payment_request, "created", principal)
    if request.send_email:
        url = url_for(services.public_url, token)
        await _email(session, services, principal, account, customer, payment_request, url)
        await session.flush()
    return payment_request


def _amount_order(request: CreateRequest, description: str | None) -> Order:
    assert request.amount is not None
    amount, currency = request.amount
    code = currency.strip().upper()
    if not is_currency(code):
        raise fail(ErrorCode.INVALID, f"{currency!r} is not an ISO 4217 currency.", ("amount", "currency"))
    if request.currency is not None and request.currency.strip().upper() != code:
        raise fail(ErrorCode.INVALID, "The currency differs from the amount's.", ("currency",))
    try:
        money = Money.parse(amount, code)
    except MoneyError as error:
        raise fail(
            ErrorCode.INVALID, f"{str(error)[:1].upper()}{str(error)[1:]}.", ("amount", "amount")
        ) from None
    if money.minor_units <= 0:
        raise fail(ErrorCode.INVALID, "A payment request is for more than 0.", ("amount", "amount"))
    line = Line(
        product_id=None,
        description=description or "Payment",
        quantity=1,
        unit_price=money.minor_units,
        kind=LineKind.SINGLE,
    )
    totals = price([PricedLine(1, money.minor_units)])
    return Order(currency=code, lines=[line], totals=totals, offer_id=None, coupon=None, coupon_amount=0)


async def _email(
    session: AsyncSession,
    services: Services,
    principal: Principal,
    account: Account,
    customer: Customer,
    request: PaymentRequest,
    url: str,
) -> None:
    """Put the request's email in the outbox; the job sends it and sets last_sent_at (``mark_sent``)."""
    assert customer.email is not None
    email = payment_request_email(
        to=customer.email,
        merchant_name=account.name,
        customer_name=(customer.first_name or "").strip() or None,
        total=Money(request.total, request.currency).format(account.locale),
        description=request.description,
        url=url,
        expires_at=request.expires_at,
    )
    queue_email(
        session,
        services.secret,
        email,
        account_id=account.id,
        purpose=PAYMENT_REQUEST_EMAIL,
        customer_id=customer.id,
        subject_id=request.id,
        principal=principal,
    )


async def mark_sent(session: AsyncSession, request_id: str, at: datetime) -> None:
    """The outbox handed the request's email over at ``at`` (nothing is committed)."""
    request = await session.get(PaymentRequest, request_id)
    if request is not None:
        request.last_sent_at = at
        session.add(request)
        await session.flush()


async def cancel(session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequest:
    request = await repo.lock(session, principal.account_id, request_id)
    if request is None:
        raise not_found("payment request", ("id",))
    status = status_of(request)
    if status is not RequestStatus.OPEN:
        raise fail(
            ErrorCode.INVALID_STATE,
            f"This request is {status.value.lower()}; only an open one can be cancelled.",
            ("id",),
        )
    request.status, request.cancelled_at = RequestStatus.CANCELLED.value, utcnow()
    session.add(request)
    await session.flush()
    return request


async def expire_due(services: Services, *, now: datetime | None = None) -> int:
    """Write EXPIRED on open requests past their expiry (reads apply it anyway); how many."""
    async with unit_of_work(services.sessions, "expired") as db:
        paid = await repo.mark_paid_by_sales(db, now or utcnow())
        expired = await repo.expire_before(db, now or utcnow())
        for request in await repo.by_ids_any(db, paid + expired):
            record(db, request, "paid" if request.id in paid else "expired", None)
    return len(expired)


# Reading


async def get(session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequest | None:
    return await repo.get(session, principal.account_id, request_id)


async def by_ids(session: AsyncSession, account_id: str, request_ids: Sequence[str]) -> list[PaymentRequest]:
    return await repo.get_many(session, account_id, request_ids)


async def pages_of(
    session: AsyncSession, account_id: str, customer_ids: Sequence[str], request: PageRequest
) -> list[Page[RequestRecord]]:
    return await repo.pages_of(session, account_id, customer_ids, request)


async def page_of(
    session: AsyncSession, account_id: str, customer_id: str, request: PageRequest
) -> Page[RequestRecord]:
    rows, total = await repo.page(session, account_id, customer_id, request)
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, total)


# The hosted page


@dataclass(frozen=True)
class OpenRequest:
    request: PaymentRequest
    account: Account
    customer: Customer
    cards: list[PaymentMethod]
    status: RequestStatus
    transaction: Transaction | None


async def open_request(session: AsyncSession, token: str, *, lock: bool = False) -> OpenRequest | None:
    """The request behind a URL token with what its page shows; None for an unknown token.

    A request whose sale was waiting for its gateway and has since been paid
    is marked PAID here.
    """
    request = await repo.by_token_hash(session, session_token_hash(token), lock=lock)
    if request is None:
        return None
    account = await session.get(Account, request.account_id)
    customer = await session.get(Customer, request.customer_id)
    assert account is not None, "a request's account exists"
    assert customer is not None, "a request's customer exists"
    sale = (
        await sales.get(session, request.account_id, request.transaction_id)
        if request.transaction_id
        else None
    )
    if sale is not None and request.status == RequestStatus.OPEN and sale.status == SaleStatus.PAID:
        request.status, request.paid_at = RequestStatus.PAID.value, utcnow()
        session.add(request)
        await session.flush()
        record(session, request, "paid", cause_of(sale))
    principal = Principal(account.id, Role.ADMIN)
    cards = [
        card
        for card in await payment_methods.payment_methods_of(
            session, principal, [customer.id], include_removed=False
        )
        if payment_methods.status_of(card) == payment_methods.Status.ACTIVE
    ]
    return OpenRequest(request, account, customer, cards, status_of(request), sale)


@dataclass(frozen=True)
class PayInput:
    # The number of declines the payer's form was shown after: repeats of one form share a key.
    attempt: int
    payment_method_id: str | None = None
    card: CardFields | None = None
    keep_card: bool = False
    coupon_code: str | None = None


@dataclass(frozen=True)
class Paid:
    sale: Transaction


@dataclass(frozen=True)
class Declined:
    sale: Transaction
    attempts_left: int


@dataclass(frozen=True)
class Waiting:
    sale: Transaction


async def price_with_coupon(session: AsyncSession, opened: OpenRequest, coupon_code: str | None) -> Order:
    """The request's order, with the payer's coupon when the request takes one (COUPON_INVALID otherwise)."""
    return await build_order(
        session,
        Principal(opened.account.id, Role.ADMIN),
        opened.account,
        _order_input(opened.request, coupon_code if opened.request.allow_coupon else None),
    )


def _order_input(request: PaymentRequest, coupon_code: str | None) -> OrderInput:
    lines = [
        LineInput(
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=str(Money(line.unit_price, request.currency).amount),
            kind=line.kind,
            unit=line.unit,
            payment_count=line.payment_count,
            first_payment=(
                str(Money(line.first_payment, request.currency).amount)
                if line.first_payment is not None
                else None
            ),
        )
        for line in lines_of(request)
    ]
    return OrderInput(
        customer_id=request.customer_id,
        lines=lines,
        currency=request.currency,
        coupon_code=(coupon_code or "").strip() or None,
    )


async def pay(
    session: AsyncSession, services: Services, token: str, payment: PayInput
) -> Paid | Declined | Waiting:
    """One attempt at paying the request; DomainError for input the payer must fix (card, coupon).

    The request must be OPEN (callers check ``open_request`` first); a
    repeat of an attempt returns that attempt's result without charging.
    """
    opened = await open_request(session, token)
    assert opened is not None
    request = opened.request
    attempt = max(0, min(payment.attempt, request.failed_attempts))
    if payment.payment_method_id is not None and payment.payment_method_id not in {
        c.id for c in opened.cards
    }:
        raise fail(ErrorCode.NOT_FOUND, "Choose one of your cards on file.", ("payment_method_id",))
    principal = Principal(request.account_id, Role.ADMIN, payer=True)
    await end_phase(session, "checked")
    sale = await charge_now(
        session,
        services,
        principal,
        ChargeInput(
            order=_order_input(request, payment.coupon_code if request.allow_coupon else None),
            payment_method_id=payment.payment_method_id,
            card=payment.card if payment.payment_method_id is None else None,
            idempotency_key=f"preq:{request.id}:{attempt}",
            on_session=True,
        ),
    )
    await end_phase(session, "charged")
    return await _record(session, request.id, sale, attempt, payment)


async def _record(
    session: AsyncSession, request_id: str, sale: Transaction, attempt: int, payment: PayInput
) -> Paid | Declined | Waiting:
    request = await repo.lock_any(session, request_id)
    assert request is not None
    if sale.status == SaleStatus.PAID:
        if request.status == RequestStatus.OPEN:
            request.status, request.paid_at, request.transaction_id = (
                RequestStatus.PAID.value,
                utcnow(),
                sale.id,
            )
            record(session, request, "paid", PAYER)
            recurring = any(line.kind is not LineKind.SINGLE for line in lines_of(request))
            if (
                not payment.keep_card
                and not recurring  # its open orders are charged to this card later
                and sale.payment_method_id
                and await sales.has_event(session, sale.id, CARD_ADDED)
            ):
                # Typed in for this payment only: the card is not kept on file.
                await payment_methods.forget(session, sale.payment_method_id)
        session.add(request)
        await end_phase(session, "recorded")
        return Paid(sale)
    if sale.status == SaleStatus.PENDING:
        if request.status == RequestStatus.OPEN:
            request.transaction_id = sale.id
        session.add(request)
        await end_phase(session, "recorded")
        return Waiting(sale)
    # Declined or failed: one attempt used, unless this was a repeat of an attempt already counted.
    if attempt == request.failed_attempts and request.status == RequestStatus.OPEN:
        request.failed_attempts += 1
        if request.failed_attempts >= MAX_FAILED_ATTEMPTS:
            request.status, request.locked_at = RequestStatus.LOCKED.value, utcnow()
    session.add(request)
    await end_phase(session, "recorded")
    return Declined(sale, max(MAX_FAILED_ATTEMPTS - request.failed_attempts, 0))
