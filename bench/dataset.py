"""The benchmarks' data set: built once, kept, and rebuilt when the migrations change.

What it holds (``CUSTOMERS`` 10,000 customers in one account, the issue's
"realistic data set"):

- per customer: 3 cards on file (the first the default), 3 addresses,
  3 staff comments, 50 sales (1 or 2 lines each; about 1 in 12 refunded in
  part or in full, about 1 in 25 declined), an invoice for every paid sale,
  2 payment requests;
- 10,000 open orders (one monthly subscription per customer, opened by the
  customer's oldest sale) due now, for the billing benchmarks.

It is written with SQLAlchemy Core ``executemany`` in big batches into a
database migrated by alembic, after ``create_account`` made the account,
its sandbox gateway, its default invoice template, its owner and its API key
through paydesk's own code. Per-account numbers (``number_counter``) and the
invoice counter are set to what the inserted rows used.

SQLite: the built file is kept under ``bench/.data/`` keyed on the alembic
head revision and ``DATASET_VERSION``; ``ensure`` copies it for each run.
PostgreSQL: the cluster is throwaway, so ``ensure`` builds into a new
database of it each time.

Use: ``ds = dataset.ensure("sqlite", workdir=tmp)``; ``ds.database_url``,
``ds.account_id``, ``ds.app_id``/``ds.api_key`` (the account's ADMIN key,
valid with ``SECRET_KEY`` as ``PAYDESK_SECRET_KEY``), ``ds.customer_id`` (a
sample customer with everything above), ``ds.env()`` for ``paydesk`` commands.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"

from alembic import command  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy import Table, insert, update  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection  # noqa: E402

from paydesk.accounts.service import create_account  # noqa: E402
from paydesk.db import alembic_config, create_engine, session_factory  # noqa: E402
from paydesk.models import (  # noqa: E402
    Address,
    Comment,
    Customer,
    Invoice,
    InvoiceCounter,
    NumberCounter,
    PaymentMethod,
    PaymentRequest,
    Refund,
    Subscription,
    Transaction,
    TransactionLine,
)
from paydesk.models import Gateway as GatewayModel  # noqa: E402

# Bump when what is built changes, so kept files are rebuilt.
DATASET_VERSION = 1
CUSTOMERS = 10_000
CARDS = 3
ADDRESSES = 3
COMMENTS = 3
SALES = 50
PAYMENT_REQUESTS = 2
# Rows per executemany: big enough that per-call overhead vanishes, small enough to bound memory.
BATCH = 20_000
# PAYDESK_SECRET_KEY needs 32+ characters; the API key's stored HMAC is made with it.
SECRET_KEY = "bench-secret-key-0123456789abcdefghijklm"
OWNER_EMAIL = "owner@bench.paydesk.test"
OWNER_PASSWORD = "bench-password-123"
CURRENCY = "USD"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia", "Ken")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Perlman")
BRANDS = (("visa", "4242"), ("mastercard", "4444"), ("amex", "0005"))


@dataclass(frozen=True)
class Dataset:
    """A built data set ready to serve: where it is and how to call it."""

    backend: str
    database_url: str
    account_id: str
    app_id: str
    api_key: str
    owner_email: str
    owner_password: str
    secret_key: str
    customer_id: str
    customers: int
    revision: str

    def env(self) -> dict[str, str]:
        """PAYDESK_ settings that serve this data set (the key's HMAC needs ``secret_key``)."""
        return {"PAYDESK_DATABASE_URL": self.database_url, "PAYDESK_SECRET_KEY": self.secret_key}


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite:///:memory:"))
    head = script.get_current_head()
    assert head is not None, "the migrations have a head"
    return head


def _cache_key() -> str:
    return f"{head_revision()}-v{DATASET_VERSION}-{CUSTOMERS}"


def ensure(backend: str = "sqlite", pg_base: str | None = None, workdir: Path | None = None) -> Dataset:
    """A fresh copy of the data set for one run: a copy of the kept SQLite file in ``workdir`` (built
    first when missing or stale), or a new database in the PostgreSQL cluster at ``pg_base``."""
    if backend == "postgresql":
        if pg_base is None:
            raise ValueError("pg_base is needed for PostgreSQL")
        return asyncio.run(_build_postgresql(pg_base))
    kept = _kept_sqlite()
    if workdir is None:
        return kept
    target = workdir / "bench.db"
    shutil.copyfile(_sqlite_path(kept.database_url), target)
    return Dataset(**{**asdict(kept), "database_url": f"sqlite+aiosqlite:///{target}"})


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite+aiosqlite:///"))


def _kept_sqlite() -> Dataset:
    key = _cache_key()
    path, meta = DATA_DIR / f"sqlite-{key}.db", DATA_DIR / f"sqlite-{key}.json"
    if path.exists() and meta.exists():
        # The file's place is where it lies now, not where it was built (a moved checkout keeps it).
        return Dataset(**{**json.loads(meta.read_text()), "database_url": f"sqlite+aiosqlite:///{path}"})
    DATA_DIR.mkdir(exist_ok=True)
    for stale in DATA_DIR.glob("sqlite-*"):
        stale.unlink()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    started = time.monotonic()
    print(f"building the bench data set ({CUSTOMERS:,} customers) into {path.name}", file=sys.stderr)
    dataset = asyncio.run(_build(f"sqlite+aiosqlite:///{building}", "sqlite"))
    building.rename(path)
    dataset = Dataset(**{**asdict(dataset), "database_url": f"sqlite+aiosqlite:///{path}"})
    meta.write_text(json.dumps(asdict(dataset), indent=2) + "\n")
    print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return dataset


async def _build_postgresql(pg_base: str) -> Dataset:
    name = f"bench_{int(time.time() * 1000)}"
    await _run_sql(pg_base, "postgres", f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    print(f"building the bench data set ({CUSTOMERS:,} customers) in PostgreSQL {name}", file=sys.stderr)
    dataset = await _build(f"{pg_base}/{name}", "postgresql")
    # Settled as a database in service is: without it, autovacuum takes up the fresh half-million rows
    # (and the first reads set their hint bits) in the middle of the measurements.
    await _run_sql(pg_base, name, "VACUUM (ANALYZE)")
    print(f"built and vacuumed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return dataset


async def _run_sql(pg_base: str, database: str, statement: str) -> None:
    """One statement outside a transaction (CREATE DATABASE, VACUUM), on a connection of its own."""
    import asyncpg

    conn = await asyncpg.connect(pg_base.replace("postgresql+asyncpg", "postgresql") + f"/{database}")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def _build(url: str, backend: str) -> Dataset:
    # Alembic's env.py runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            made = await create_account(
                session, SECRET_KEY.encode(), name="Bench", owner_email=OWNER_EMAIL,
                owner_password=OWNER_PASSWORD,
            )  # fmt: skip
            await session.commit()
            account_id, owner_id = made.account.id, made.owner.id
            app_id, api_key = made.api_key.key.id, made.api_key.secret
        async with engine.begin() as conn:
            gateway_id = (
                await conn.execute(
                    GatewayModel.__table__.select().where(GatewayModel.__table__.c.account_id == account_id)  # type: ignore[attr-defined]
                )
            ).first()
            assert gateway_id is not None
            builder = Builder(account_id, owner_id, gateway_id.id)
            first_customer = await builder.write(conn)
    finally:
        await engine.dispose()
    return Dataset(
        backend=backend, database_url=url, account_id=account_id, app_id=app_id, api_key=api_key,
        owner_email=OWNER_EMAIL, owner_password=OWNER_PASSWORD, secret_key=SECRET_KEY,
        customer_id=first_customer, customers=CUSTOMERS, revision=head_revision(),
    )  # fmt: skip


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


class Builder:
    """Rows of the data set, made customer by customer and written in batches."""

    def __init__(self, account_id: str, owner_id: str, gateway_id: str) -> None:
        self.account_id = account_id
        self.owner_id = owner_id
        self.gateway_id = gateway_id
        self.rng = random.Random(19)  # noqa: S311 (the same data set every build; nothing secret)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.tables = {
            t.name: t
            for t in map(
                _table,
                (
                    Customer,
                    Address,
                    Comment,
                    PaymentMethod,
                    Transaction,
                    TransactionLine,
                    Refund,
                    Invoice,
                    Subscription,
                    PaymentRequest,
                ),
            )
        }
        self.invoices = 0

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{''.join(self.rng.choices(ALPHABET, k=22))}"

    async def write(self, conn: AsyncConnection) -> str:
        """Every customer's rows; the first customer's id."""
        first = ""
        for n in range(1, CUSTOMERS + 1):
            customer_id = self.customer(n)
            first = first or customer_id
            if len(self.pending.get("sale_line", ())) >= BATCH:
                await self.flush(conn)
        await self.flush(conn)
        await self.counters(conn)
        return first

    async def flush(self, conn: AsyncConnection) -> None:
        # Parents before children: the foreign keys are checked on SQLite too.
        for name in self.tables:
            rows = self.pending.pop(name, [])
            for start in range(0, len(rows), BATCH):
                await conn.execute(insert(self.tables[name]), rows[start : start + BATCH])

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.pending.setdefault(table, []).append(row)

    async def counters(self, conn: AsyncConnection) -> None:
        numbers = _table(NumberCounter)
        found = (
            await conn.execute(
                numbers.select().where(numbers.c.account_id == self.account_id, numbers.c.kind == "customer")
            )
        ).first()
        if found is None:
            await conn.execute(
                insert(numbers).values(account_id=self.account_id, kind="customer", last=CUSTOMERS)
            )
        else:
            await conn.execute(
                update(numbers)
                .where(numbers.c.account_id == self.account_id, numbers.c.kind == "customer")
                .values(last=CUSTOMERS)
            )
        invoice_counter = _table(InvoiceCounter)
        await conn.execute(invoice_counter.delete().where(invoice_counter.c.account_id == self.account_id))
        await conn.execute(insert(invoice_counter).values(account_id=self.account_id, last=self.invoices))

    def customer(self, n: int) -> str:
        customer_id = self.new_id("cus")
        # Customers joined over the last three years, oldest first; their sales follow.
        joined = self.now - timedelta(days=1100) + timedelta(seconds=n * 9000)
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
        self.add("customer", {
            "id": customer_id, "account_id": self.account_id, "number": n, "first_name": first,
            "last_name": last, "email": f"{first.lower()}.{last.lower()}{n}@example.com",
            "phone": f"+1 555 {n:07d}", "referred_by_partner_id": None, "created_at": joined,
            "updated_at": joined,
        })  # fmt: skip
        for i in range(ADDRESSES):
            self.add("address", {
                "id": self.new_id("addr"), "account_id": self.account_id, "customer_id": customer_id,
                "line1": f"{n + i} Analytical Row", "line2": "Suite 2" if i == 1 else None, "city": "London",
                "state": None, "postal_code": "N1 9GU", "country": "GB",
                "created_at": joined + timedelta(seconds=i),
            })  # fmt: skip
        for i in range(COMMENTS):
            self.add("comment", {
                "id": self.new_id("cmt"), "account_id": self.account_id, "customer_id": customer_id,
                "author_id": self.owner_id, "body": f"Note {i + 1}: called about the invoice.",
                "created_at": joined + timedelta(seconds=10 + i),
            })  # fmt: skip
        cards = [self.card(customer_id, i, joined) for i in range(CARDS)]
        origin = ""
        for i in range(SALES):
            sale_id = self.sale(customer_id, cards[i % CARDS], joined + timedelta(seconds=100 + i * 170), i)
            origin = origin or sale_id
        self.subscription(customer_id, cards[0], origin, joined)
        for i in range(PAYMENT_REQUESTS):
            self.payment_request(customer_id, joined + timedelta(seconds=50 + i), paid=i == 0)
        return customer_id

    def card(self, customer_id: str, i: int, joined: datetime) -> str:
        card_id = self.new_id("pm")
        brand, last4 = BRANDS[i % len(BRANDS)]
        self.add("payment_method", {
            "id": card_id, "account_id": self.account_id, "customer_id": customer_id,
            "gateway_id": self.gateway_id, "gateway_token": self.new_id("tok"), "type": "CARD",
            "brand": brand,
            "last4": last4, "exp_month": 1 + i * 4, "exp_year": self.now.year + 2 - i, "name_on_card": None,
            "billing_address_id": None, "fingerprint": hashlib.sha256(card_id.encode()).hexdigest(),
            "is_default": i == 0, "removed_at": None, "created_at": joined + timedelta(seconds=20 + i),
            "updated_at": joined + timedelta(seconds=20 + i),
        })  # fmt: skip
        return card_id

    def sale(self, customer_id: str, card_id: str, at: datetime, i: int) -> str:
        sale_id = self.new_id("txn")
        roll = self.rng.random()
        status = "PAID"
        if roll < 0.04:
            status = "DECLINED"
        elif roll < 0.08:
            status = "REFUNDED"
        elif roll < 0.12:
            status = "PARTIALLY_REFUNDED"
        lines = self.lines(sale_id, i)
        total = sum(line["total"] for line in lines)
        declined = status == "DECLINED"
        self.add("sale", {
            "id": sale_id, "account_id": self.account_id, "customer_id": customer_id, "status": status,
            "origin": "CHARGED", "currency": CURRENCY, "subtotal": total, "discount": 0, "total": total,
            "transaction_date": at, "gateway_id": self.gateway_id, "payment_method_id": card_id,
            "gateway_key": f"paydesk:charge:{sale_id}", "result_code": "BAD_DATA" if declined else "GOOD",
            "decline_code": "generic_decline" if declined else None,
            "result_message": "Declined" if declined else "Approved", "external_id": self.new_id("ch"),
            "created_at": at, "updated_at": at,
        })  # fmt: skip
        for row in lines:
            self.add("sale_line", row)
        if status in ("REFUNDED", "PARTIALLY_REFUNDED"):
            amount = total if status == "REFUNDED" else total // 2
            self.add("refund", {
                "id": self.new_id("re"), "account_id": self.account_id, "transaction_id": sale_id,
                "amount": amount, "currency": CURRENCY, "status": "SUCCEEDED", "reason": "Customer asked",
                "reason_code": "REQUESTED_BY_CUSTOMER", "through_gateway": True,
                "gateway_key": f"paydesk:refund:{sale_id}", "external_id": None, "failure_message": None,
                "created_at": at + timedelta(seconds=60), "updated_at": at + timedelta(seconds=60),
            })  # fmt: skip
        if not declined:
            self.invoice(customer_id, sale_id, total, at)
        return sale_id

    def lines(self, sale_id: str, i: int) -> list[dict[str, Any]]:
        # The oldest sale opened the customer's subscription; the others sell one or two products.
        if i == 0:
            specs = [("Monthly plan", 1, 2900, "SUBSCRIPTION", "MONTH")]
        else:
            specs = [("Widget", 1 + i % 3, 1250, "SINGLE", None)]
            if i % 2:
                specs.append(("Shipping", 1, 499, "SINGLE", None))
        return [
            {
                "transaction_id": sale_id,
                "position": p,
                "product_id": None,
                "description": description,
                "quantity": quantity,
                "unit_price": price,
                "subtotal": quantity * price,
                "discount": 0,
                "total": quantity * price,
                "kind": kind,
                "unit": unit,
                "payment_count": None,
            }
            for p, (description, quantity, price, kind, unit) in enumerate(specs)
        ]

    def invoice(self, customer_id: str, sale_id: str, total: int, at: datetime) -> None:
        self.invoices += 1
        token = self.new_id("tok")
        self.add("invoice", {
            "id": self.new_id("inv"), "account_id": self.account_id, "transaction_id": sale_id,
            "customer_id": customer_id, "sequence": self.invoices, "number": f"INV-{self.invoices:06d}",
            "total": total, "currency": CURRENCY, "template_id": None,
            "token_hash": hashlib.sha256(token.encode()).hexdigest(),
            # Not a real Fernet token: the bench never asks for an invoice's URL.
            "token_encrypted": token, "issued_at": at, "last_sent_at": None,
        })  # fmt: skip

    def subscription(self, customer_id: str, card_id: str, origin: str, joined: datetime) -> None:
        # Opened a month ago; its second installment fell due an hour ago.
        today = self.now.date()
        due = self.now - timedelta(hours=1)
        self.add("subscription", {
            "id": self.new_id("sub"), "account_id": self.account_id, "customer_id": customer_id,
            "kind": "SUBSCRIPTION", "product_id": None, "description": "Monthly plan", "quantity": 1,
            "unit_price": 2900, "currency": CURRENCY, "unit": "MONTH",
            "anchor_date": today - timedelta(days=30), "anchor_period": 0, "periods_billed": 1,
            "payment_count": None, "next_charge_date": today, "status": "ACTIVE", "cancel_at": None,
            "credit": 0, "payment_method_id": card_id, "origin_transaction_id": origin, "paused_at": None,
            "resume_on": None, "trial_ends_on": None, "due_at": due, "dunning_attempts": 0,
            "dunning_since": None, "reminded_for": None, "lease_owner": None, "lease_until": None,
            "cancelled_at": None, "created_at": joined + timedelta(seconds=100),
            "updated_at": joined + timedelta(seconds=100),
        })  # fmt: skip

    def payment_request(self, customer_id: str, at: datetime, *, paid: bool) -> None:
        token = self.new_id("tok")
        line = {
            "product_id": None, "description": "Consulting", "quantity": 1, "unit_price": 15000,
            "kind": "SINGLE", "unit": None, "payment_count": None, "first_payment": None,
        }  # fmt: skip
        self.add("payment_request", {
            "id": self.new_id("preq"), "account_id": self.account_id, "customer_id": customer_id,
            "token_hash": hashlib.sha256(token.encode()).hexdigest(), "token_encrypted": token,
            "status": "PAID" if paid else "OPEN", "currency": CURRENCY, "subtotal": 15000, "discount": 0,
            "total": 15000, "description": "Consulting", "offer_id": None, "lines_json": json.dumps([line]),
            "allow_coupon": False, "expires_at": at + timedelta(days=3650), "failed_attempts": 0,
            "transaction_id": None, "created_by_user_id": self.owner_id, "created_by_api_key_id": None,
            "created_at": at, "paid_at": at + timedelta(hours=1) if paid else None, "cancelled_at": None,
            "locked_at": None, "last_sent_at": None,
        })  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build (or find) the kept SQLite bench data set.")
    parser.parse_args(argv)
    print(json.dumps(asdict(ensure("sqlite")), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
