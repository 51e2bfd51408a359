"""The baseline for chargeNow: the same rows a paid one-line charge writes, inserted by hand.

``POST /charge`` with ``{"customerId", "description", "unitPrice" (minor
units), "currency", "idempotencyKey", "latencyMs"}`` charges the customer's
default card as paydesk's ``chargeNow`` does, in the same phases and
commits, with SQLAlchemy Core on paydesk's own engine (same driver, same
SQLite pragmas and ``BEGIN IMMEDIATE``), and none of GraphQL, the ORM,
authentication or rate limiting:

1. the card: one select of the customer's default card and the account's
   default invoice template, in the transaction of
2. PENDING, committed: the idempotency record, the sale, its line, its
   ``charge_started`` event;
3. the "gateway": ``latencyMs`` of sleep, then the sandbox's own committed
   transaction (its token read, its charge inserted), no lock held across;
4. the outcome, committed: the sale PAID, its ``paid`` event, the invoice
   number from the counter, the invoice (a token hashed and encrypted as
   paydesk does), its ``invoice_issued`` event, the ``transaction.paid``
   account event with the sale as JSON, the idempotency record completed.

It answers ``{"data": {"chargeNow": {"transaction": {...}, "userErrors": []}}}``
with the fields ``charge_now.py`` asks paydesk for.

Served by ``charge_now.py`` as ``uvicorn baseline_charge_app:create_app --factory``;
it reads ``BENCH_DATABASE_URL``, ``BENCH_ACCOUNT_ID`` and ``PAYDESK_SECRET_KEY``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from paydesk import ids
from paydesk.auth.tokens import session_token_hash
from paydesk.clock import utcnow
from paydesk.crypto import encrypt_text
from paydesk.db import create_engine
from paydesk.invoices.service import INVOICE_TOKENS, number_for
from paydesk.models import (
    Customer,
    Event,
    IdempotencyRecord,
    Invoice,
    InvoiceCounter,
    InvoiceTemplate,
    PaymentMethod,
    SandboxCharge,
    SandboxToken,
    Transaction,
    TransactionEvent,
    TransactionLine,
)
from paydesk.money import Money


def table(model: type[SQLModel]) -> Table:
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found


SALE, LINE, SALE_EVENT = table(Transaction), table(TransactionLine), table(TransactionEvent)
CARD, CUSTOMER, TEMPLATE = table(PaymentMethod), table(Customer), table(InvoiceTemplate)
IDEMPOTENCY, INVOICE, COUNTER = table(IdempotencyRecord), table(Invoice), table(InvoiceCounter)
TOKEN, CHARGE, EVENT = table(SandboxToken), table(SandboxCharge), table(Event)


@dataclass(frozen=True)
class Charge:
    """One request, parsed."""

    customer_id: str
    description: str
    unit_price: int
    currency: str
    idempotency_key: str
    latency_ms: int


@dataclass(frozen=True)
class Card:
    id: str
    gateway_id: str
    token: str
    template_id: str | None


@dataclass
class App:
    engine: AsyncEngine
    account_id: str
    secret: bytes


def parse(body: dict[str, Any]) -> Charge:
    return Charge(
        customer_id=str(body["customerId"]),
        description=str(body["description"]),
        unit_price=int(body["unitPrice"]),
        currency=str(body["currency"]),
        idempotency_key=str(body["idempotencyKey"]),
        latency_ms=int(body.get("latencyMs") or 0),
    )


async def default_card(conn: AsyncConnection, account_id: str, customer_id: str) -> Card | None:
    """Phase 1: the customer's default card and the account's default template, one select."""
    template = (
        select(TEMPLATE.c.id)
        .where(TEMPLATE.c.account_id == account_id, TEMPLATE.c.is_default)
        .scalar_subquery()
    )
    query = (
        select(CARD.c.id, CARD.c.gateway_id, CARD.c.gateway_token, template.label("template_id"))
        .join(CUSTOMER, CUSTOMER.c.id == CARD.c.customer_id)
        .where(
            CUSTOMER.c.id == customer_id,
            CUSTOMER.c.account_id == account_id,
            CARD.c.is_default,
            CARD.c.removed_at.is_(None),
        )
    )
    row = (await conn.execute(query)).first()
    return Card(row.id, row.gateway_id, row.gateway_token, row.template_id) if row else None


def sale_event(sale_id: str, kind: str, now: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": ids.new_id(ids.TRANSACTION_EVENT), "transaction_id": sale_id, "kind": kind,
            "created_at": now, **fields}  # fmt: skip


async def write_pending(
    conn: AsyncConnection, app: App, charge: Charge, card: Card, sale_id: str, now: datetime
) -> dict[str, Any]:
    """Phase 2: the idempotency record, the PENDING sale, its line and its first event."""
    amount = charge.unit_price
    sale = {
        "id": sale_id, "account_id": app.account_id, "customer_id": charge.customer_id, "status": "PENDING",
        "origin": "CHARGED", "currency": charge.currency, "subtotal": amount, "discount": 0, "total": amount,
        "transaction_date": now, "gateway_id": card.gateway_id, "payment_method_id": card.id,
        "gateway_key": f"paydesk:charge:{sale_id}", "created_at": now, "updated_at": now,
    }  # fmt: skip
    await conn.execute(
        insert(IDEMPOTENCY).values(
            id=ids.new_id(ids.IDEMPOTENCY), account_id=app.account_id, scope="chargeNow",
            key=charge.idempotency_key, request_hash=session_token_hash(json.dumps(vars(charge))),
            result_id=sale_id, created_at=now,
        )
    )  # fmt: skip
    await conn.execute(insert(SALE).values(sale))
    await conn.execute(
        insert(LINE).values(
            transaction_id=sale_id, position=0, description=charge.description, quantity=1,
            unit_price=amount, subtotal=amount, discount=0, total=amount, kind="SINGLE",
        )
    )  # fmt: skip
    await conn.execute(insert(SALE_EVENT).values(sale_event(sale_id, "charge_started", now, amount=amount)))
    return sale


async def sandbox_charge(app: App, card: Card, sale: dict[str, Any], latency_ms: int) -> str:
    """Phase 3: the sandbox's latency, then its own transaction; no lock is held while it waits."""
    if latency_ms:
        await asyncio.sleep(latency_ms / 1000)
    charge_id = ids.new_id(ids.SANDBOX_CHARGE)
    async with app.engine.begin() as conn:
        token = (await conn.execute(select(TOKEN.c.id).where(TOKEN.c.id == card.token))).scalar_one()
        await conn.execute(
            insert(CHARGE).values(
                id=charge_id, gateway_id=card.gateway_id, idempotency_key=sale["gateway_key"],
                reference=sale["id"], token_id=token, amount=sale["total"], currency=sale["currency"],
                status="succeeded", created_at=utcnow(),
            )
        )  # fmt: skip
    return charge_id


async def next_invoice_number(conn: AsyncConnection, account_id: str) -> int:
    """The counter bumped in one upsert (the outcome's transaction holds SQLite's write lock)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    bump = (
        dialect.insert(COUNTER)
        .values(account_id=account_id, last=1)
        .on_conflict_do_update(index_elements=["account_id"], set_={"last": COUNTER.c.last + 1})
        .returning(COUNTER.c.last)
    )
    return int((await conn.execute(bump)).scalar_one())


def amount_text(sale: dict[str, Any]) -> str:
    """The sale's total as the API's Decimal string, e.g. "12.50" (integer minor units in, no float)."""
    return str(Money(sale["total"], sale["currency"]).amount)


def paid_event_data(sale: dict[str, Any], charge: Charge) -> str:
    """The ``transaction.paid`` event's data: the sale in the API's field names, as paydesk writes it."""
    money = {"amount": amount_text(sale), "currency": sale["currency"], "minorUnits": sale["total"]}
    zero = {**money, "amount": str(Money.zero(sale["currency"]).amount), "minorUnits": 0}
    line = {"description": charge.description, "discount": zero, "kind": "SINGLE", "paymentCount": None,
            "productId": None, "quantity": 1, "subtotal": money, "total": money, "unit": None,
            "unitPrice": money}  # fmt: skip
    data = {
        "createdAt": sale["created_at"].isoformat(), "customerId": sale["customer_id"], "declineCode": None,
        "discount": zero, "externalId": sale["external_id"], "gatewayId": sale["gateway_id"],
        "id": sale["id"], "lines": [line], "markedPaidAt": None, "note": None, "origin": "CHARGED",
        "paidWith": None, "paymentMethodId": sale["payment_method_id"], "reference": None,
        "resultCode": "GOOD", "resultMessage": None, "status": "PAID", "subscriptionId": None,
        "subtotal": money, "total": money, "transactionDate": sale["transaction_date"].isoformat(),
    }  # fmt: skip
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


async def settle_paid(app: App, charge: Charge, card: Card, sale: dict[str, Any]) -> None:
    """Phase 4: the sale PAID with its event, invoice and account event, the claim completed; committed."""
    now = utcnow()
    sale_id, total = sale["id"], sale["total"]
    async with app.engine.begin() as conn:
        await conn.execute(
            update(SALE)
            .where(SALE.c.id == sale_id, SALE.c.status == "PENDING")
            .values(status="PAID", result_code="GOOD", external_id=sale["external_id"], updated_at=now)
        )
        await conn.execute(insert(SALE_EVENT).values(sale_event(sale_id, "paid", now, amount=total)))
        sequence = await next_invoice_number(conn, app.account_id)
        token = secrets.token_urlsafe(32)
        await conn.execute(
            insert(INVOICE).values(
                id=ids.new_id(ids.INVOICE), account_id=app.account_id, transaction_id=sale_id,
                customer_id=charge.customer_id, sequence=sequence, number=number_for(sequence), total=total,
                currency=sale["currency"], template_id=card.template_id, token_hash=session_token_hash(token),
                token_encrypted=encrypt_text(app.secret, INVOICE_TOKENS, token), issued_at=now,
            )
        )  # fmt: skip
        invoice_event = sale_event(sale_id, "invoice_issued", now, note=number_for(sequence))
        await conn.execute(insert(SALE_EVENT).values(invoice_event))
        await conn.execute(
            insert(EVENT).values(
                id=ids.new_id(ids.EVENT), account_id=app.account_id, type="transaction.paid",
                actor_type="API_KEY", actor_id=None, data_json=paid_event_data(sale, charge), created_at=now,
            )
        )  # fmt: skip
        await conn.execute(
            update(IDEMPOTENCY).where(IDEMPOTENCY.c.result_id == sale_id).values(completed_at=now)
        )


def answer(sale: dict[str, Any]) -> dict[str, Any]:
    transaction = {
        "id": sale["id"], "status": "PAID",
        "total": {"amount": amount_text(sale), "currency": sale["currency"]},
        "resultCode": "GOOD", "externalId": sale["external_id"],
    }  # fmt: skip
    return {"data": {"chargeNow": {"transaction": transaction, "userErrors": []}}}


async def charge_now(request: Request) -> Response:
    app: App = request.app.state.bench
    charge = parse(await request.json())
    async with app.engine.begin() as conn:  # phases 1 and 2 in one transaction, committed, as paydesk's
        card = await default_card(conn, app.account_id, charge.customer_id)
        if card is None:
            return JSONResponse(
                {"data": {"chargeNow": {"transaction": None, "userErrors": [{"code": "NOT_FOUND"}]}}}
            )
        sale = await write_pending(conn, app, charge, card, ids.new_id(ids.TRANSACTION), utcnow())
    sale["external_id"] = await sandbox_charge(app, card, sale, charge.latency_ms)
    await settle_paid(app, charge, card, sale)
    return JSONResponse(answer(sale))


async def ping(_request: Request) -> Response:
    return JSONResponse({"ok": True})


def create_app() -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(os.environ["BENCH_DATABASE_URL"])
        secret = os.environ["PAYDESK_SECRET_KEY"].encode()
        app.state.bench = App(engine, os.environ["BENCH_ACCOUNT_ID"], secret)
        # The same start-up habit as paydesk's app, so neither pays for collections the other skips.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await engine.dispose()

    routes = [Route("/charge", charge_now, methods=["POST"]), Route("/ping", ping, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)
