"""The background jobs of one process: billing passes and reconciliation, every few seconds.

``paydesk serve`` runs them beside the web app unless told not to
(``--no-jobs``, PAYDESK_JOBS=false); ``paydesk worker`` runs them alone.
Any number of processes may run them against one PostgreSQL: the billing
runner's leases keep each installment to one worker, and reconciliation
asks gateways with keys that never move money twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import timedelta

from paydesk.billing.runner import PassResult, Runner
from paydesk.logs import get_logger
from paydesk.payment_requests import service as payment_requests
from paydesk.transactions.actions import reconcile_voids
from paydesk.transactions.refunds import reconcile_refunds
from paydesk.transactions.service import Services, reconcile

log = get_logger("paydesk.jobs")


@dataclass(frozen=True)
class JobsPass:
    billing: PassResult
    charges: int
    refunds: int
    voids: int


async def run_pass(runner: Runner) -> JobsPass:
    """One billing pass, then one reconciliation of charges, refunds and voids left without an answer."""
    billing = await runner.run_once()
    now = runner.clock()
    charges = await reconcile(runner.services, now=now)
    refunds = await reconcile_refunds(runner.services, now=now)
    voids = await reconcile_voids(runner.services, now=now)
    await payment_requests.expire_due(runner.services, now=now)
    return JobsPass(billing, len(charges), len(refunds), len(voids))


async def run_forever(runner: Runner, stop: asyncio.Event, interval: float) -> None:
    """Passes every ``interval`` seconds until ``stop`` is set; a failed pass is logged, never fatal."""
    while not stop.is_set():
        try:
            done = await run_pass(runner)
            if done.billing.claimed or done.charges or done.refunds or done.voids:
                log.info(
                    "jobs.pass",
                    claimed=done.billing.claimed,
                    charged=done.billing.charged,
                    declined=done.billing.declined,
                    reconciled=done.charges + done.refunds + done.voids,
                )
        except Exception:
            log.exception("jobs.pass_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


def runner_for(services: Services, *, lease_seconds: float = 300.0) -> Runner:
    return Runner(services, clock=services.clock, lease=timedelta(seconds=lease_seconds))
