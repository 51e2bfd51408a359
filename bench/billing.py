"""Installments charged per second by the billing runner, as a ratio to a raw insert of the same rows.

What is measured, in this process, on a fresh migrated database per measurement:

- ``raw``: the sale rows and sale lines that ``--installments`` (10,000)
  installments write, inserted with plain SQLAlchemy Core ``executemany`` in
  one transaction through paydesk's own engine (same driver, same SQLite
  pragmas): the floor of writing that much data, no ORM, no rules;
- ``raw all``: the same plus every other row a paid installment writes or
  changes (three sale events, the invoice, the sandbox's charge, the order's
  update), still Core ``executemany``;
- ``runner``: one ``Runner.run_once()`` pass, with the settings `paydesk
  worker` uses (batches of 100, two at a time, 32 gateway calls in flight),
  charging the same number of due installments through the sandbox gateway
  at zero latency, every rule and every phase commit included (the PENDING
  sales committed before the gateway hears of them, the answers, the
  invoices, the orders moved on);
- ``runner 100ms`` (with ``--latency-ms 100``): the same pass with the
  sandbox answering after that long, also as a ratio to concurrency /
  latency, what the calls in flight allow.

Every measure runs under the collector settings ``paydesk worker`` uses
(``paydesk.collector``), and a warm-up pass over ``WARM_UP`` installments, on
a copy of its own, comes before the measured runner pass.

Why ratios: the machine is shared and noisy, so absolute rates mean little
from one run to the next. The raw inserts run three times before the runner
pass and three times after it, and the runner's rate is divided by their
median. CPU time per row (this process, all threads) moves much less with
other work on the machine than wall-clock rates; on SQLite the database
work is in this process too, so ``x CPU`` is the steadier ratio there.

Set-up per database: a copy of a migrated template, an account (the sandbox
is its default gateway), 20 customers with a visa on file each, and the
orders: monthly subscriptions with their first installment paid
(``periods_billed`` 1) and the second one due ten days ago. Afterwards the
runner's work is checked: every installment PAID, one sandbox charge each.

Run: ``.venv/bin/python bench/billing.py [--installments N] [--postgresql]``.
``--postgresql`` measures a throwaway PostgreSQL cluster too (tests/postgres.py;
the PostgreSQL server binaries must be installed, as ``make test`` does). Results
go to stdout as a table and to ``bench/results/billing-<date>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, event, func, insert, update
from sqlmodel import SQLModel, col, select

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO_DIR))  # tests/postgres.py, for --postgresql

from customer_details import git_state, machine_info, results_path  # noqa: E402 (the sibling benchmark's helpers)

from paydesk import ids  # noqa: E402
from paydesk.accounts.service import create_account  # noqa: E402
from paydesk.auth.principal import Principal  # noqa: E402
from paydesk.auth.roles import Role  # noqa: E402
from paydesk.billing.runner import Runner  # noqa: E402
from paydesk.billing.schedule import today_in  # noqa: E402
from paydesk.collector import settle_after_start_up  # noqa: E402
from paydesk.config import Settings  # noqa: E402
from paydesk.crypto import encrypt_json  # noqa: E402
from paydesk.customers.service import create_customer  # noqa: E402
from paydesk.db import alembic_config  # noqa: E402
from paydesk.logs import configure_logging  # noqa: E402
from paydesk.models import (  # noqa: E402
    Gateway,
    Invoice,
    SandboxCharge,
    Subscription,
    Transaction,
    TransactionEvent,
    TransactionLine,
)
from paydesk.payment_methods.service import CardFields, Tokenize, tokenize_card  # noqa: E402
from paydesk.resources import Resources  # noqa: E402
from paydesk.subscriptions import service as orders  # noqa: E402
from paydesk.transactions.service import Services  # noqa: E402
from paydesk.unit_of_work import bind  # noqa: E402

# PAYDESK_SECRET_KEY needs 32+ characters; 40 leaves a margin.
SECRET_KEY = "bench-secret-key-0123456789abcdefghijklm"
CUSTOMERS = 20
VISA = "4242424242424242"
RAW_REPEATS = 3  # before the runner pass, and as many after it
CONCURRENCY = 32  # the runner's gateway calls in flight (PAYDESK_WORKER_CONCURRENCY's default)
WARM_UP = 200  # installments the warm-up pass charges, on a copy of its own


class BenchError(Exception):
    """The benchmark could not be set up or the runner's work was wrong; the message says which."""


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    payment_method_id: str
    quantity: int
    unit_price: int
    description: str

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Seeded:
    account_id: str
    gateway_id: str
    token_ids: dict[str, str]  # payment method id -> sandbox token
    orders: list[Order]


@dataclass(frozen=True)
class Measurement:
    """One timed stretch: ``rows`` installments' worth of work in ``seconds``, ``cpu_s`` of this process."""

    rows: int
    seconds: float
    cpu_s: float
    statements: int

    @property
    def per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def cpu_us(self) -> float:
        return self.cpu_s / self.rows * 1e6 if self.rows else 0.0


# --- databases ------------------------------------------------------------------------------------


class Databases:
    """Databases of one backend: migrated once, seeded once, then a fresh copy for every measurement."""

    def __init__(self, backend: str, workdir: Path, pg_base: str | None = None) -> None:
        self.backend, self.workdir, self.pg_base = backend, workdir, pg_base
        self.count = 0

    def url(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.workdir / name}.db"
        return f"{self.pg_base}/{name}"

    async def seeded(self, installments: int) -> Seeded:
        """Migrate and seed the database every measurement starts from a copy of."""
        if self.backend != "sqlite":
            await self._admin("CREATE DATABASE seeded")
        await migrate(self.url("seeded"))
        async with opened(self.url("seeded"), self.workdir) as resources:
            return await seed(resources, installments)

    @contextlib.asynccontextmanager
    async def copy(self) -> AsyncIterator[Resources]:
        """A copy of the seeded database, open; removed afterwards."""
        self.count += 1
        name = f"copy_{self.count}"
        if self.backend == "sqlite":
            # Closing the last connection checkpointed the WAL into the main file; copy what is left anyway.
            for suffix in ("", "-wal"):
                source = self.workdir / f"seeded.db{suffix}"
                if source.exists():
                    shutil.copyfile(source, self.workdir / f"{name}.db{suffix}")
        else:
            await self._admin(f"CREATE DATABASE {name} TEMPLATE seeded")
        try:
            async with opened(self.url(name), self.workdir) as resources:
                yield resources
        finally:
            if self.backend == "sqlite":
                for path in self.workdir.glob(f"{name}.db*"):
                    path.unlink()
            else:
                await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    async def _admin(self, sql: str) -> None:
        import asyncpg

        assert self.pg_base is not None
        conn = await asyncpg.connect(self.pg_base.replace("postgresql+asyncpg", "postgresql") + "/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()


async def migrate(database_url: str) -> None:
    from alembic import command

    # Alembic's env.py runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")


@contextlib.asynccontextmanager
async def opened(database_url: str, workdir: Path) -> AsyncIterator[Resources]:
    settings = Settings.model_validate(
        {"database_url": database_url, "data_dir": workdir, "secret_key": SECRET_KEY, "jobs": False}
    )
    resources = Resources.open(settings)
    try:
        yield resources
    finally:
        await resources.close()


@contextlib.contextmanager
def counting_statements(resources: Resources) -> Iterator[list[int]]:
    """Counts the SQL statements the engine sends while the block runs (an executemany is one)."""
    count = [0]

    def one(*_args: Any) -> None:
        count[0] += 1

    event.listen(resources.engine.sync_engine, "before_cursor_execute", one)
    try:
        yield count
    finally:
        event.remove(resources.engine.sync_engine, "before_cursor_execute", one)


# --- data -------------------------------------------------------------------------------------------


async def seed(resources: Resources, installments: int) -> Seeded:
    """An account, CUSTOMERS customers with a visa each, and ``installments`` monthly orders now due."""
    now = datetime.now(UTC)
    anchor = today_in("UTC", now) - timedelta(days=40)
    year = now.year + 3
    async with resources.sessions() as db:
        bind(db)  # the seed is this command's unit of work (card checks commit in phases)
        created = await create_account(
            db, resources.secret, name="Bench", owner_email="owner@bench.test", owner_password="bench-pw-123"
        )
        account_id = created.account.id
        owner = Principal(account_id, Role.OWNER, user_id=created.owner.id)
        cards = []
        for n in range(CUSTOMERS):
            customer = await create_customer(db, owner, {"first_name": "Payer", "last_name": f"No {n}"})
            method = await tokenize_card(
                db, resources.gateways, resources.secret, owner,
                Tokenize(customer.id, CardFields(VISA, 12, year, "123")),
            )  # fmt: skip
            cards.append(method)
        await db.commit()
        subs, seeded = [], []
        for n in range(installments):
            method = cards[n % CUSTOMERS]
            sub = Subscription(
                id=ids.new_id(ids.SUBSCRIPTION),
                account_id=account_id,
                customer_id=method.customer_id,
                kind=orders.Kind.SUBSCRIPTION,
                description=f"Membership {n}",
                quantity=1 + n % 3,
                unit_price=500 + (n % 7) * 125,
                currency="USD",
                unit="MONTH",
                anchor_date=anchor,
                periods_billed=1,
                status=orders.Status.ACTIVE,
                payment_method_id=method.id,
            )
            orders.schedule(sub, "UTC")
            if sub.due_at is None or sub.due_at > now:
                raise BenchError(f"a seeded order is not due: {sub.due_at}")
            subs.append(sub)
            seeded.append(
                Order(sub.id, sub.customer_id, method.id, sub.quantity, sub.unit_price, sub.description)
            )
        db.add_all(subs)
        await db.commit()
    return Seeded(account_id, cards[0].gateway_id, {card.id: card.gateway_token for card in cards}, seeded)


def sale_rows(seeded: Seeded, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the runner writes for each installment in ``sale`` and ``sale_line``, PAID."""
    sales, lines = [], []
    for order in seeded.orders:
        sale_id = ids.new_id(ids.TRANSACTION)
        sales.append(
            {
                "id": sale_id, "account_id": seeded.account_id, "customer_id": order.customer_id,
                "status": "PAID", "origin": "CHARGED", "currency": "USD", "subtotal": order.amount,
                "discount": 0, "total": order.amount, "transaction_date": now,
                "gateway_id": seeded.gateway_id, "payment_method_id": order.payment_method_id,
                "gateway_key": f"paydesk:charge:{sale_id}", "result_code": "GOOD", "decline_code": None,
                "result_message": None, "external_id": ids.new_id(ids.SANDBOX_CHARGE),
                "subscription_id": order.id, "installment_key": f"{order.id}:1:0",
                "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        lines.append(
            {
                "transaction_id": sale_id, "position": 0, "product_id": None,
                "description": order.description, "quantity": order.quantity, "unit_price": order.unit_price,
                "subtotal": order.amount, "discount": 0, "total": order.amount,
                "kind": "SUBSCRIPTION", "unit": "MONTH", "payment_count": None,
            }
        )  # fmt: skip
    return sales, lines


def other_rows(
    seeded: Seeded, sales: Sequence[dict[str, Any]], now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """The rest of a paid installment: its events, invoice and sandbox charge, and the order's update."""
    events, invoices, charges, moved = [], [], [], []
    next_due = now + timedelta(days=20)
    for n, (sale, order) in enumerate(zip(sales, seeded.orders, strict=True)):
        for kind in ("installment_started", "paid", "invoice_issued"):
            events.append(
                {"id": ids.new_id(ids.EVENT), "transaction_id": sale["id"], "kind": kind,
                 "amount": sale["total"], "note": None, "created_at": now}
            )  # fmt: skip
        invoices.append(
            {
                "id": ids.new_id(ids.INVOICE), "account_id": seeded.account_id, "transaction_id": sale["id"],
                "customer_id": order.customer_id, "sequence": n + 1, "number": f"INV-{n + 1:06d}",
                "total": sale["total"], "currency": "USD", "template_id": None,
                "token_hash": secrets.token_hex(32), "token_encrypted": secrets.token_urlsafe(64),
                "issued_at": now,
            }
        )  # fmt: skip
        charges.append(
            {
                "id": sale["external_id"], "gateway_id": seeded.gateway_id,
                "idempotency_key": sale["gateway_key"], "reference": sale["id"],
                "token_id": seeded.token_ids[order.payment_method_id], "amount": sale["total"],
                "currency": "USD", "status": "succeeded", "created_at": now,
            }
        )  # fmt: skip
        moved.append({"sub_id": order.id, "periods_billed": 2, "due_at": next_due, "updated_at": now})
    return {"events": events, "invoices": invoices, "charges": charges, "moved": moved}


def table_of(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


# --- measurements -------------------------------------------------------------------------------------


async def raw_insert(resources: Resources, seeded: Seeded, *, all_rows: bool) -> Measurement:
    """Core executemany of the installments' rows in one transaction, committed."""
    now = datetime.now(UTC)
    sales, lines = sale_rows(seeded, now)
    rest = other_rows(seeded, sales, now) if all_rows else None
    subs = table_of(Subscription)
    with counting_statements(resources) as statements:
        started, cpu = time.perf_counter(), time.process_time()
        async with resources.engine.begin() as conn:
            await conn.execute(insert(table_of(Transaction)), sales)
            await conn.execute(insert(table_of(TransactionLine)), lines)
            if rest is not None:
                await conn.execute(insert(table_of(TransactionEvent)), rest["events"])
                await conn.execute(insert(table_of(Invoice)), rest["invoices"])
                await conn.execute(insert(table_of(SandboxCharge)), rest["charges"])
                moved: dict[str, Any] = {
                    name: bindparam(name) for name in ("periods_billed", "due_at", "updated_at")
                }
                await conn.execute(
                    update(subs).where(subs.c.id == bindparam("sub_id")).values(**moved), rest["moved"]
                )
        measured = Measurement(
            len(sales), time.perf_counter() - started, time.process_time() - cpu, statements[0]
        )
    return measured


async def set_latency(resources: Resources, gateway_id: str, latency_ms: int) -> None:
    """Make the sandbox gateway answer after ``latency_ms`` (its fault-injection setting)."""
    async with resources.sessions() as db:
        gateway = await db.get(Gateway, gateway_id)
        assert gateway is not None
        gateway.credentials = encrypt_json(resources.secret, {"fault": None, "latency_ms": latency_ms})
        db.add(gateway)
        await db.commit()


async def runner_pass(resources: Resources, installments: int) -> tuple[Measurement, dict[str, int]]:
    """One pass of the runner `paydesk worker` would build, over ``installments`` due orders; checked."""
    services = Services(
        resources.sessions, resources.gateways, resources.secret, resources.mailer, "http://127.0.0.1:8000"
    )
    runner = Runner(services, concurrency=CONCURRENCY)
    with counting_statements(resources) as statements:
        started, cpu = time.perf_counter(), time.process_time()
        result = await runner.run_once()
        measured = Measurement(
            result.charged, time.perf_counter() - started, time.process_time() - cpu, statements[0]
        )
    async with resources.sessions() as db:
        charges = (await db.exec(select(func.count()).select_from(SandboxCharge))).one()
        paid = (
            await db.exec(
                select(func.count())
                .select_from(Transaction)
                .where(Transaction.status == "PAID", col(Transaction.subscription_id).is_not(None))
            )
        ).one()
    checks = {"charged": result.charged, "claimed": result.claimed, "sandbox_charges": charges, "paid": paid}
    if set(checks.values()) != {installments}:
        raise BenchError(f"the runner did not charge each of {installments} installments once: {checks}")
    return measured, checks


async def warm_up(resources: Resources, seeded: Seeded) -> None:
    """A short pass first, as a worker that has been running has made one: the statements the pass
    sends are compiled and cached once a process (the raw inserts are warmed by their repeats)."""
    later = [order.id for order in seeded.orders[WARM_UP:]]
    async with resources.sessions() as db:
        for start in range(0, len(later), 500):
            await db.exec(
                update(Subscription)
                .where(col(Subscription.id).in_(later[start : start + 500]))
                .values(due_at=datetime.now(UTC) + timedelta(days=365))
            )
        await db.commit()
    services = Services(
        resources.sessions, resources.gateways, resources.secret, resources.mailer, "http://127.0.0.1:8000"
    )
    await Runner(services, concurrency=CONCURRENCY).run_once()


async def measure_backend(
    backend: str, workdir: Path, installments: int, latency_ms: int = 0, pg_base: str | None = None
) -> dict[str, Any]:
    """Raw inserts before and after the runner pass, each on its own copy of the seeded database."""
    databases = Databases(backend, workdir, pg_base)
    say(f"{backend}: migrating and seeding {installments} due orders")
    seeded = await databases.seeded(installments)

    async def raw_inserts() -> tuple[list[Measurement], list[Measurement]]:
        raw, raw_all = [], []
        for _ in range(RAW_REPEATS):
            async with databases.copy() as resources:
                raw.append(await raw_insert(resources, seeded, all_rows=False))
            async with databases.copy() as resources:
                raw_all.append(await raw_insert(resources, seeded, all_rows=True))
        return raw, raw_all

    say(f"{backend}: raw inserts, {RAW_REPEATS} of each")
    raw, raw_all = await raw_inserts()
    say(f"{backend}: a warm-up pass over {min(WARM_UP, installments)} of them, then the runner pass over all")
    async with databases.copy() as resources:
        await warm_up(resources, seeded)
    async with databases.copy() as resources:
        runner, checks = await runner_pass(resources, installments)
    slow = None
    if latency_ms:
        say(f"{backend}: runner pass with the sandbox answering after {latency_ms} ms")
        async with databases.copy() as resources:
            await set_latency(resources, seeded.gateway_id, latency_ms)
            slow = await runner_pass(resources, installments)
    say(f"{backend}: raw inserts again")
    raw_after, raw_all_after = await raw_inserts()
    summary = summarize(backend, raw + raw_after, raw_all + raw_all_after, runner, checks)
    if slow is not None:
        summary["rows"]["runner_latency"] = latency_row(summary["rows"]["raw"], *slow, latency_ms)
    return summary


def latency_row(
    raw: dict[str, Any], runner: Measurement, checks: dict[str, int], latency_ms: int
) -> dict[str, Any]:
    """The runner's pass with a slow gateway, against what its calls in flight allow (concurrency /
    latency)."""
    ceiling = CONCURRENCY * 1000 / latency_ms
    description = (
        f"Runner.run_once() with the sandbox answering after {latency_ms} ms, {CONCURRENCY} in flight"
    )
    row = runner_row(f"runner {latency_ms}ms", description, runner, checks)
    return {
        **row,
        "latency_ms": latency_ms,
        "concurrency": CONCURRENCY,
        "ceiling_per_s": ceiling,
        "ratio_ceiling": round(runner.per_s / ceiling, 4),
        "ratio_per_s": round(runner.per_s / raw["per_s_median"], 5),
        "ratio_cpu": round(raw["cpu_us_median"] / runner.cpu_us, 5) if runner.cpu_us else None,
    }


def runner_row(name: str, description: str, runner: Measurement, checks: dict[str, int]) -> dict[str, Any]:
    """One runner pass as a row of the table (a single run: its median, min and max are its rate)."""
    return {
        "description": description,
        "rows": runner.rows,
        "repeats": 1,
        "per_s_median": round(runner.per_s, 1),
        "per_s_min": round(runner.per_s, 1),
        "per_s_max": round(runner.per_s, 1),
        "cpu_us_median": round(runner.cpu_us, 1),
        "statements": runner.statements,
        "statements_per_installment": round(runner.statements / runner.rows, 1) if runner.rows else None,
        "runs": [{"seconds": round(runner.seconds, 3), "cpu_s": round(runner.cpu_s, 3)}],
        "checks": checks,
        "name": name,
    }


def summarize(
    backend: str,
    raw: list[Measurement],
    raw_all: list[Measurement],
    runner: Measurement,
    checks: dict[str, int],
) -> dict[str, Any]:
    def pooled(name: str, runs: list[Measurement], description: str) -> dict[str, Any]:
        rates = [m.per_s for m in runs]
        return {
            "description": description,
            "rows": runs[0].rows,
            "repeats": len(runs),
            "per_s_median": round(statistics.median(rates), 1),
            "per_s_min": round(min(rates), 1),
            "per_s_max": round(max(rates), 1),
            "cpu_us_median": round(statistics.median(m.cpu_us for m in runs), 1),
            "statements": runs[0].statements,
            "runs": [{"seconds": round(m.seconds, 4), "cpu_s": round(m.cpu_s, 4)} for m in runs],
            "name": name,
        }

    rows = {
        "raw": pooled("raw", raw, "Core executemany of the sale rows and their lines, one transaction"),
        "raw_all": pooled(
            "raw all", raw_all, "the same plus events, invoice, sandbox charge and order update"
        ),
        "runner": runner_row(
            "runner",
            "Runner.run_once() charging every due installment (sandbox, zero latency)",
            runner,
            checks,
        ),
    }
    base = rows["raw"]
    for row in rows.values():
        row["ratio_per_s"] = round(row["per_s_median"] / base["per_s_median"], 5)
        row["ratio_cpu"] = (
            round(base["cpu_us_median"] / row["cpu_us_median"], 5) if row["cpu_us_median"] else None
        )
    return {"backend": backend, "rows": rows}


# --- output -------------------------------------------------------------------------------------------


def table(backends: Sequence[dict[str, Any]]) -> str:
    columns = (
        ("backend", "<10"), ("measure", "<8"), ("rows", ">6"), ("rows/s", ">9"), ("spread", ">15"),
        ("CPU us/row", ">10"), ("stmts", ">6"), ("x raw", ">8"), ("x raw CPU", ">9"),
    )  # fmt: skip
    header = " ".join(f"{title:{align}}" for title, align in columns)
    lines = [header, "-" * len(header)]
    for result in backends:
        for row in result["rows"].values():
            cells = (
                result["backend"], row["name"], str(row["rows"]), f"{row['per_s_median']:.0f}",
                f"{row['per_s_min']:.0f}-{row['per_s_max']:.0f}", f"{row['cpu_us_median']:.0f}",
                str(row["statements"]), f"{row['ratio_per_s']:.4f}",
                "-" if row["ratio_cpu"] is None else f"{row['ratio_cpu']:.4f}",
            )  # fmt: skip
            lines.append(" ".join(f"{cell:{align}}" for cell, (_, align) in zip(cells, columns, strict=True)))
    for result in backends:
        for row in result["rows"].values():
            if "ceiling_per_s" in row:
                lines.append(
                    f"{result['backend']}: {row['name']} at {row['per_s_median']:.0f}/s is "
                    f"{row['ratio_ceiling']:.2f} of concurrency / latency ({row['ceiling_per_s']:.0f}/s)"
                )
    return "\n".join(lines)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the command ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--installments", type=int, default=10_000, help="due installments (10000)")
    parser.add_argument(
        "--postgresql", action="store_true", help="measure a throwaway PostgreSQL cluster too"
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="also run the runner with the sandbox answering after this many ms (0: not)",
    )
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error("--latency-ms must be 0 or more")
    if args.installments < 1:
        parser.error("--installments must be at least 1")
    return args


async def measure_all(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    # The collector as `paydesk worker` sets it once started; the raw inserts run under it too.
    settle_after_start_up()
    results = [await measure_backend("sqlite", workdir, args.installments, args.latency_ms)]
    if args.postgresql:
        from tests.postgres import cluster

        with cluster() as pg_base:
            results.append(
                await measure_backend("postgresql", workdir, args.installments, args.latency_ms, pg_base)
            )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("WARNING")
    results: dict[str, Any] = {
        "benchmark": "billing",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": vars(args),
        "paydesk": git_state(),
        "machine": machine_info(),
    }
    try:
        with tempfile.TemporaryDirectory(prefix="paydesk-bench-billing-") as tmp:
            results["backends"] = asyncio.run(measure_all(args, Path(tmp)))
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; temporary files removed", file=sys.stderr)
        return 130
    results["machine"]["loadavg_at_end"] = list(os.getloadavg())
    path = results_path(datetime.now(UTC), "billing")
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    machine = results["machine"]
    print(
        f"\nbilling, {args.installments} due installments; nproc {machine['nproc']}, "
        f"Python {machine['python']}, load {machine['loadavg_at_start'][0]:.2f} -> "
        f"{machine['loadavg_at_end'][0]:.2f}\n"
    )
    print(table(results["backends"]))
    print(f"\nwritten to {path.relative_to(REPO_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
