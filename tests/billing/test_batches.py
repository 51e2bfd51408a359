"""The runner's batched path: plain installments are started, charged and settled a batch at a time.

- the SQL statements of a pass stay under a stated bound per batch and
  barely grow with the installments in it (counts, never timings): every
  read is batched, one counter update numbers a batch's invoices;
- a batch's invoices are numbered consecutively, without gaps, in one go;
- an order that needs more than a charge (credit, a cancel day) goes the
  one-order way inside the same pass;
- a batch taken over while its charges are at the gateway: each
  installment is charged once, and the order moves on with that charge.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.billing.runner import Runner
from paydesk.models import Invoice, SandboxCharge, Subscription
from tests.billing.test_workers import (
    HeldGateways,
    assert_each_installment_charged_once,
    installment_sales,
    seed,
    services_of,
)
from tests.helpers import resources, sql_statements

# The SQL statements a pass over one batch (up to 100 installments) may run, the sandbox gateway's own
# books included: each read, insert and update of a batch is one statement whatever its size (measured:
# 39 for 20 installments, 43 for 40; a few more come with each group the sandbox commits together).
STATEMENTS_PER_BATCH = 50
# What one more installment in a batch may add, at most.
STATEMENTS_PER_INSTALLMENT = 0.25


async def test_statements_per_installment_stay_under_the_bound_and_do_not_grow(app: Starlette) -> None:
    seeded = await seed(app, 60)
    first_ids = sorted(seeded.amounts)[:20]
    # Twenty orders due first, the forty others a day later: two passes, 20 and then 40 installments.
    now = datetime.now(UTC)
    async with resources(app).sessions() as db:
        later = col(Subscription.id).not_in(first_ids)
        await db.exec(update(Subscription).where(later).values(due_at=now + timedelta(days=1)))
        await db.commit()

    with sql_statements(app) as few:
        small = await Runner(services_of(app), clock=lambda: now).run_once()
    with sql_statements(app) as many:
        large = await Runner(services_of(app), clock=lambda: now + timedelta(days=1, hours=1)).run_once()

    assert (small.charged, large.charged) == (20, 40)
    assert len(few) <= STATEMENTS_PER_BATCH, few
    assert len(many) <= STATEMENTS_PER_BATCH, many
    # Twenty installments more add a few statements, not twenty times a few.
    assert len(many) - len(few) <= STATEMENTS_PER_INSTALLMENT * 20, (len(few), len(many))
    await assert_each_installment_charged_once(app, seeded)


async def test_a_batch_takes_consecutive_invoice_numbers_with_one_counter_update(app: Starlette) -> None:
    seeded = await seed(app, 30)
    with sql_statements(app, "invoice_counter") as counter:
        result = await Runner(services_of(app), lanes=1).run_once()
    assert result.charged == 30
    updates = [sql for sql in counter if sql.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1, updates
    async with resources(app).sessions() as db:
        invoices = list(await db.exec(select(Invoice).where(Invoice.account_id == seeded.account_id)))
    assert sorted(invoice.sequence for invoice in invoices) == list(range(1, 31))


async def test_orders_that_need_more_than_a_charge_go_the_one_order_way_in_the_same_pass(
    app: Starlette,
) -> None:
    seeded = await seed(app, 6)
    credit_id, cancel_id, *_plain = sorted(seeded.amounts)
    async with resources(app).sessions() as db:
        credited = await db.get(Subscription, credit_id)
        cancelling = await db.get(Subscription, cancel_id)
        assert credited is not None
        assert cancelling is not None
        credited.credit = 100
        cancelling.cancel_at = datetime.now(UTC).date()
        db.add_all([credited, cancelling])
        await db.commit()

    runner = Runner(services_of(app))
    taken = await runner.start_batch()
    assert taken is not None
    assert sorted(taken.others) == sorted([credit_id, cancel_id])
    assert len(taken.started) == 4
    # The rest of the pass: the started four are settled and the other two billed one by one.
    outcomes = await runner.finish_batch(taken, asyncio.Semaphore(32))
    alone = [await runner.bill(sub_id) for sub_id in taken.others]
    assert (outcomes, sorted(alone)) == (["PAID"] * 4, ["PAID", "cancelled"])

    sales = {sale.subscription_id: sale for sale in await installment_sales(app)}
    assert sales[credit_id].total == seeded.amounts[credit_id] - 100
    assert cancel_id not in sales
    async with resources(app).sessions() as db:
        subs = {sub.id: sub for sub in await db.exec(select(Subscription))}
    assert (subs[credit_id].credit, subs[credit_id].periods_billed) == (0, 2)
    assert subs[cancel_id].status == "CANCELLED"
    assert [sub.id for sub in subs.values() if sub.lease_owner] == []


async def test_a_batch_taken_over_mid_charge_is_charged_once_and_moved_on_once(app: Starlette) -> None:
    seeded = await seed(app, 3)
    now = datetime.now(UTC)
    held = HeldGateways(resources(app).gateways)
    slow = Runner(services_of(app, held), clock=lambda: now, worker_id="slow", lease=timedelta(seconds=2))
    other = Runner(services_of(app), clock=lambda: now + timedelta(seconds=3), worker_id="other")

    taken = await slow.start_batch()
    assert taken is not None
    assert len(taken.started) == 3
    finishing = asyncio.create_task(slow.finish_batch(taken, asyncio.Semaphore(32)))
    await asyncio.wait_for(held.at_gateway.wait(), 30)  # the sales are PENDING, the gateway is working
    assert sorted(await other.claim()) == sorted(seeded.amounts)
    held.release.set()
    # The slow worker records each answer but moves no order on: the leases are the other's now.
    assert await finishing == ["PAID"] * 3
    # The other worker finds each installment paid and moves the order on with it: no second charge.
    assert [await other.bill(sub_id) for sub_id in sorted(seeded.amounts)] == ["PAID"] * 3

    await assert_each_installment_charged_once(app, seeded)
    async with resources(app).sessions() as db:
        charges = list(await db.exec(select(SandboxCharge)))
    assert Counter(charge.reference for charge in charges).most_common(1)[0][1] == 1
