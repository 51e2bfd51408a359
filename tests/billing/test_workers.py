"""Issue 6 acceptance: `paydesk worker` processes sharing one PostgreSQL charge every installment once.

2,000 due open orders are seeded straight into the database (a few customers
with a sandbox card each, many orders each), then real `paydesk worker --once
--json` processes run against it at the same time, as an operator would
scale the runner out. Afterwards the sandbox's own books must agree with
ours, one for one: 2,000 gateway charges, 2,000 PAID installment sales, every
order moved on by exactly one period, no idempotency key or order and
installment charged twice.

- ``test_four_workers_charge_every_installment_once``: four workers, and
  their JSON summaries add up to the 2,000 charged.
- ``test_a_worker_killed_mid_run_charges_nothing_twice``: four workers with
  two-second leases, the sandbox answering after 25 ms and after 100 ms; one
  is SIGKILLed while it has a sale in flight. Once
  its leases run out the others, or a later pass, take its orders over, and
  the sales it left PENDING are sent again under their own gateway key and
  settled: the same totals, no PENDING left, no second charge.

- ``test_an_order_taken_over_mid_charge_is_not_charged_again``: the same
  takeover, step by step in one process with two runners, for the case the
  kill cannot aim at: a worker whose lease ran out while the gateway was
  answering records the sale PAID, and the worker that took the order over
  must move the order on with that sale, not charge the installment again.

The worker processes need PostgreSQL (SQLite is one file for one host, and
its writers queue rather than claim with ``FOR UPDATE SKIP LOCKED``); the
step-by-step takeover runs on both backends.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk import ids
from paydesk.accounts.service import create_account
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.billing.runner import Runner
from paydesk.billing.schedule import today_in
from paydesk.crypto import encrypt_json
from paydesk.customers.service import create_customer
from paydesk.gateways.base import ChargeRequest, ChargeResult
from paydesk.gateways.registry import GatewayRegistry
from paydesk.models import Gateway, SandboxCharge, Subscription, Transaction
from paydesk.payment_methods.service import CardFields, Tokenize, tokenize_card
from paydesk.subscriptions import service as orders
from paydesk.transactions.service import Services
from paydesk.unit_of_work import bind
from tests.api.test_sales import VISA, YEAR
from tests.conftest import TEST_SECRET
from tests.helpers import PASSWORD, resources
from tests.test_cli import PAYDESK, environment

# The figure; WORKERS_TEST_INSTALLMENTS=200 makes a quick local run of the same tests.
INSTALLMENTS = int(os.environ.get("WORKERS_TEST_INSTALLMENTS", "2000"))
CUSTOMERS = 20
WORKERS = 4
# Generous: 2,000 installments take one to five minutes on a shared two-core machine.
RUN_TIMEOUT_S = 900.0


# Overrides conftest's backend parameter: many processes on one database need PostgreSQL.
postgresql_only = pytest.mark.parametrize("backend", ["postgresql"])


@dataclass(frozen=True)
class Seeded:
    account_id: str
    gateway_id: str
    # order id -> what one installment of it costs, in minor units
    amounts: dict[str, int]


async def seed(app: Starlette, installments: int) -> Seeded:
    """An account, CUSTOMERS customers with a visa each, and ``installments`` monthly orders due today.

    Each order is what a paid first installment leaves behind (periods_billed 1,
    ACTIVE, the card on file), anchored 40 days back so that installment 1 fell
    due ten days ago and installment 2 is weeks away: one pass charges it once.
    """
    res = resources(app)
    now = datetime.now(UTC)
    anchor = today_in("UTC", now) - timedelta(days=40)
    async with res.sessions() as db:
        bind(db)  # this set-up is the boundary of the services it calls
        created = await create_account(
            db, res.secret, name="Workers", owner_email="owner@workers.test", owner_password=PASSWORD
        )
        account_id = created.account.id
        owner = Principal(account_id, Role.OWNER, user_id=created.owner.id)
        cards = []
        for n in range(min(CUSTOMERS, installments)):
            customer = await create_customer(db, owner, {"first_name": "Payer", "last_name": f"No {n}"})
            method = await tokenize_card(
                db,
                res.gateways,
                res.secret,
                owner,
                Tokenize(customer.id, CardFields(VISA, 12, YEAR, "123")),
            )
            cards.append((customer.id, method.id, method.gateway_id))
        await db.commit()
        amounts: dict[str, int] = {}
        subs = []
        for n in range(installments):
            customer_id, method_id, _ = cards[n % len(cards)]
            sub = Subscription(
                id=ids.new_id(ids.SUBSCRIPTION),
                account_id=account_id,
                customer_id=customer_id,
                kind=orders.Kind.SUBSCRIPTION,
                description=f"Membership {n}",
                quantity=1 + n % 3,
                unit_price=500 + (n % 7) * 125,
                currency="USD",
                unit="MONTH",
                anchor_date=anchor,
                periods_billed=1,
                status=orders.Status.ACTIVE,
                payment_method_id=method_id,
            )
            orders.schedule(sub, "UTC")
            assert sub.due_at is not None
            assert sub.due_at <= now
            amounts[sub.id] = orders.installment_amount(sub)
            subs.append(sub)
        db.add_all(subs)
        await db.commit()
    gateway_ids = {gateway_id for _, _, gateway_id in cards}
    assert len(gateway_ids) == 1
    return Seeded(account_id, gateway_ids.pop(), amounts)


async def set_latency(app: Starlette, gateway_id: str, latency_ms: int) -> None:
    """Make the sandbox answer after ``latency_ms``, as a remote gateway would, so charges are in flight."""
    res = resources(app)
    credentials = encrypt_json(res.secret, {"fault": None, "latency_ms": latency_ms})
    async with res.sessions() as db:
        await db.exec(update(Gateway).where(col(Gateway.id) == gateway_id).values(credentials=credentials))
        await db.commit()


# --- worker processes ------------------------------------------------------------------------------


@dataclass
class Worker:
    process: asyncio.subprocess.Process
    stdout: Path
    stderr: Path

    @property
    def worker_id(self) -> str:
        """The lease owner the runner writes on the orders it claims (billing.runner.default_worker_id)."""
        return f"{socket.gethostname()}:{self.process.pid}"

    def stderr_tail(self) -> str:
        return self.stderr.read_text()[-3000:]

    async def finished(self) -> int:
        return await asyncio.wait_for(self.process.wait(), RUN_TIMEOUT_S)

    def summary(self) -> dict[str, int]:
        """The one JSON object `--json` prints: charged, declined, unknown, other, claimed, reconciled."""
        assert self.process.returncode == 0, self.stderr_tail()
        text = self.stdout.read_text()
        assert text.count("\n") == 1, text
        assert text.endswith("}\n"), text
        value = json.loads(text)
        assert isinstance(value, dict)
        return value


def worker_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return environment(
        data_dir,
        PAYDESK_DATABASE_URL=database_url,
        PAYDESK_SECRET_KEY=TEST_SECRET,
        PAYDESK_LOG_LEVEL="WARNING",
    )


async def start_worker(env: dict[str, str], name: str, *args: str) -> Worker:
    """`paydesk worker --once --json ...`, its output kept in files (a full pipe would stall it)."""
    data_dir = Path(env["PAYDESK_DATA_DIR"])
    stdout, stderr = data_dir / f"{name}.out", data_dir / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            str(PAYDESK), "worker", "--once", "--json", *args,
            env=env, cwd=data_dir, stdout=out, stderr=err,
        )  # fmt: skip
    return Worker(process, stdout, stderr)


async def start_workers(env: dict[str, str], count: int, *args: str) -> list[Worker]:
    return [await start_worker(env, f"worker-{n}", *args) for n in range(count)]


async def wait_all(workers: list[Worker]) -> None:
    try:
        await asyncio.gather(*(worker.finished() for worker in workers))
    except TimeoutError:
        for worker in workers:
            if worker.process.returncode is None:
                worker.process.kill()
        raise


# --- what the books say --------------------------------------------------------------------------


async def installment_sales(app: Starlette) -> list[Transaction]:
    async with resources(app).sessions() as db:
        return list(await db.exec(select(Transaction).where(col(Transaction.subscription_id).is_not(None))))


async def assert_each_installment_charged_once(app: Starlette, seeded: Seeded) -> None:
    """Gateway charges = installment sales = orders, one to one, and every order one period on."""
    now = datetime.now(UTC)
    async with resources(app).sessions() as db:
        charges = list(await db.exec(select(SandboxCharge)))
        subs = {sub.id: sub for sub in await db.exec(select(Subscription))}
    sales = {sale.id: sale for sale in await installment_sales(app)}
    expected = len(seeded.amounts)

    assert len(charges) == expected
    assert len(sales) == expected
    assert Counter(sale.status for sale in sales.values()) == {"PAID": expected}
    assert Counter(charge.status for charge in charges) == {"succeeded": expected}

    # No idempotency key, no sale and no order's installment was charged twice.
    assert len({charge.idempotency_key for charge in charges}) == expected
    assert len({charge.reference for charge in charges}) == expected
    charged_installments = Counter(
        (sales[charge.reference].subscription_id, str(sales[charge.reference].installment_key).split(":")[1])
        for charge in charges
    )
    assert set(charged_installments.values()) == {1}
    assert set(charged_installments) == {(sub_id, "1") for sub_id in seeded.amounts}

    # Each charge is its sale's: the sale's gateway key, its amount, its external id.
    for charge in charges:
        sale = sales[charge.reference]
        assert charge.idempotency_key == sale.gateway_key == f"paydesk:charge:{sale.id}"
        assert charge.gateway_id == seeded.gateway_id
        assert charge.amount == sale.total == seeded.amounts[str(sale.subscription_id)]
        assert sale.external_id == charge.id
        assert sale.installment_key == f"{sale.subscription_id}:1:0"

    # Every order moved on by exactly one period, released, next due in about a month.
    assert len(subs) == expected
    assert Counter(sub.periods_billed for sub in subs.values()) == {2: expected}
    assert Counter(sub.status for sub in subs.values()) == {"ACTIVE": expected}
    assert [sub.id for sub in subs.values() if sub.lease_owner or sub.lease_until] == []
    assert all(sub.due_at is not None and sub.due_at > now for sub in subs.values())


async def until_in_flight(app: Starlette, worker: Worker) -> None:
    """Wait until ``worker`` has a PENDING sale: it has claimed orders and is charging one of them."""
    deadline = asyncio.get_running_loop().time() + RUN_TIMEOUT_S
    while not await pending_sales_of(app, worker):
        assert worker.process.returncode is None, worker.stderr_tail()
        assert asyncio.get_running_loop().time() < deadline, "the worker never started charging"
        await asyncio.sleep(0.01)


async def pending_sales_of(app: Starlette, worker: Worker) -> list[str]:
    """PENDING installment sales of the orders ``worker`` holds a lease on."""
    query = (
        select(Transaction.id)
        .join(Subscription, col(Subscription.id) == col(Transaction.subscription_id))
        .where(Subscription.lease_owner == worker.worker_id, Transaction.status == "PENDING")
    )
    async with resources(app).sessions() as db:
        return list(await db.exec(query))


# --- a gateway that waits -----------------------------------------------------------------------------


class HeldSandbox:
    """A sandbox adapter whose charges wait at the gateway's door until released."""

    def __init__(self, inner: Any, at_gateway: asyncio.Event, release: asyncio.Event) -> None:
        self.inner, self.at_gateway, self.release = inner, at_gateway, release

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        self.at_gateway.set()
        await self.release.wait()
        result: ChargeResult = await self.inner.charge(request)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class HeldGateways(GatewayRegistry):
    """The process's gateway registry, except that charges wait for ``release``."""

    def __init__(self, inner: GatewayRegistry) -> None:
        super().__init__(inner.sessions, inner.http, inner.secret, inner.stripe_api_base)
        self.at_gateway, self.release = asyncio.Event(), asyncio.Event()

    def adapter(self, record: Gateway) -> Any:
        return HeldSandbox(super().adapter(record), self.at_gateway, self.release)


def services_of(app: Starlette, gateways: GatewayRegistry | None = None) -> Services:
    res = resources(app)
    return Services(res.sessions, gateways or res.gateways, res.secret, res.mailer, res.settings.public_url)


# --- the tests -----------------------------------------------------------------------------------------


@postgresql_only
async def test_four_workers_charge_every_installment_once(
    app: Starlette, database_url: str, tmp_path: Path
) -> None:
    seeded = await seed(app, INSTALLMENTS)

    workers = await start_workers(worker_env(database_url, tmp_path), WORKERS)
    await wait_all(workers)

    summaries = [worker.summary() for worker in workers]
    await assert_each_installment_charged_once(app, seeded)
    assert sum(s["charged"] for s in summaries) == INSTALLMENTS, summaries
    assert sum(s["claimed"] for s in summaries) == INSTALLMENTS, summaries
    assert [(s["declined"], s["unknown"], s["other"]) for s in summaries] == [(0, 0, 0)] * WORKERS


@postgresql_only
@pytest.mark.parametrize("latency_ms", [25, 100])
async def test_a_worker_killed_mid_run_charges_nothing_twice(
    app: Starlette, database_url: str, tmp_path: Path, latency_ms: int
) -> None:
    seeded = await seed(app, INSTALLMENTS)
    # Latency keeps every worker's charges in flight long enough to be cut off mid-charge; at 100 ms
    # a worker has a whole batch's charges (32 at a time) at the gateway when it dies.
    await set_latency(app, seeded.gateway_id, latency_ms)
    env = worker_env(database_url, tmp_path)

    workers = await start_workers(env, WORKERS, "--lease-seconds", "2")
    victim, survivors = workers[0], workers[1:]
    await until_in_flight(app, victim)
    victim.process.kill()
    assert await victim.finished() == -9
    left_pending = await pending_sales_of(app, victim)
    await wait_all(survivors)
    # The dead worker's claims last two seconds; after that a later pass takes its orders over.
    await asyncio.sleep(3)
    later = await start_worker(env, "later", "--lease-seconds", "2")
    await wait_all([later])

    # (A worker may count an order it lost to another's takeover as "other"; no decline, no unknown.)
    summaries = [worker.summary() for worker in [*survivors, later]]
    assert [(s["declined"], s["unknown"]) for s in summaries] == [(0, 0)] * len(summaries)
    await assert_each_installment_charged_once(app, seeded)
    # What the dead worker had in flight: settled PAID under its own key, charged once, never restarted.
    assert left_pending, "the worker was killed with no sale in flight"
    sales = {sale.id: sale for sale in await installment_sales(app)}
    async with resources(app).sessions() as db:
        charges = list(
            await db.exec(select(SandboxCharge).where(col(SandboxCharge.reference).in_(left_pending)))
        )
    assert {sales[sale_id].status for sale_id in left_pending} == {"PAID"}
    assert sorted(charge.reference for charge in charges) == sorted(left_pending)


async def test_an_order_taken_over_mid_charge_is_not_charged_again(app: Starlette) -> None:
    seeded = await seed(app, 1)
    (sub_id,) = seeded.amounts
    now = datetime.now(UTC)
    held = HeldGateways(resources(app).gateways)
    slow = Runner(services_of(app, held), clock=lambda: now, worker_id="slow", lease=timedelta(seconds=2))
    # The other worker's clock is past the slow one's lease: the order is free to take over.
    other = Runner(services_of(app), clock=lambda: now + timedelta(seconds=3), worker_id="other")

    assert await slow.claim() == [sub_id]
    slow_bill = asyncio.create_task(slow.bill(sub_id))
    await asyncio.wait_for(held.at_gateway.wait(), 30)  # its sale is PENDING, the gateway is working
    assert await other.claim() == [sub_id]
    held.release.set()
    slow_outcome = await slow_bill
    other_outcome = await other.bill(sub_id)

    async with resources(app).sessions() as db:
        charges = list(await db.exec(select(SandboxCharge)))
        sub = await db.get(Subscription, sub_id)
    sales = await installment_sales(app)
    assert (slow_outcome, len(charges), len(sales)) == ("PAID", 1, 1), other_outcome
    assert sub is not None
    assert (sub.periods_billed, sub.status, sub.lease_owner) == (2, "ACTIVE", None)
    assert sub.due_at is not None
    assert sub.due_at > now
