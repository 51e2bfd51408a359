"""A `paydesk worker` killed while a receiver holds its delivery open: after a restart, the event arrives.

The first worker claims the attempt and POSTs it; the receiver keeps the
request open and the worker is SIGKILLed. Its claim runs out (the worker's
two-second lease), and a new worker makes the attempt again under the same
``webhook-id``: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import WebhookDelivery
from tests.api.test_sales import run
from tests.billing.test_workers import worker_env
from tests.helpers import Api, World, resources
from tests.test_cli import PAYDESK
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_webhooks import CREATE, new_customer

LEASE = "2"


async def worker(env: dict[str, str], name: str, *args: str) -> asyncio.subprocess.Process:
    data_dir = Path(env["PAYDESK_DATA_DIR"])
    with (data_dir / f"{name}.out").open("wb") as out, (data_dir / f"{name}.err").open("wb") as err:
        return await asyncio.create_subprocess_exec(
            str(PAYDESK), "worker", "--lease-seconds", LEASE, *args,
            env=env, cwd=data_dir, stdout=out, stderr=err,
        )  # fmt: skip


async def test_a_worker_killed_mid_delivery_delivers_after_a_restart(
    app: Starlette, api: Api, world: World, receiver: Receiver, database_url: str, tmp_path: Path
) -> None:
    admin = world.a.caller("admin")
    made = await run(api, CREATE, admin, url=receiver.url(), events=["customer.created"])
    assert made["userErrors"] == []
    await new_customer(api, admin)
    env = worker_env(database_url, tmp_path)
    receiver.hold.set()

    first = await worker(env, "first")
    deadline = time.monotonic() + 60
    while not receiver.arrived.is_set():
        assert time.monotonic() < deadline, (tmp_path / "first.err").read_text()[-2000:]
        await asyncio.sleep(0.05)
    first.kill()
    await first.wait()
    receiver.hold.clear()
    receiver.release.set()
    await asyncio.sleep(float(LEASE) + 0.5)  # the dead worker's claim runs out

    second = await worker(env, "second", "--once", "--json")
    assert await asyncio.wait_for(second.wait(), 120) == 0, (tmp_path / "second.err").read_text()[-2000:]

    ids = [request.headers["webhook-id"] for request in receiver.requests]
    assert len(ids) == 2
    assert len(set(ids)) == 1
    async with resources(app).sessions() as db:
        attempts = list(await db.exec(select(WebhookDelivery)))
    assert [(d.attempt, d.status, d.response_status) for d in attempts] == [(1, "SUCCEEDED", 200)]
