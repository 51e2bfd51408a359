"""The background jobs of one process: billing passes, reconciliation and the outbox, every few seconds.

``paydesk serve`` runs them beside the web app unless told not to
(``--no-jobs``, PAYDESK_JOBS=false); ``paydesk worker`` runs them alone.
Any number of processes may run them against one PostgreSQL: the billing
runner's leases keep each installment to one worker, and reconciliation
asks gateways with keys that never move money twice. The outbox's emails
also go out as soon as a commit in this process rings its bell.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from paydesk.billing import reminders
from paydesk.billing.runner import PassResult, Runner
from paydesk.clock import utcnow
from paydesk.events import feed as events
from paydesk.logs import get_logger
from paydesk.outbox.delivery import Delivered, deliver_emails, deliver_forever
from paydesk.outbox.webhooks import CLAIM_FOR, WebhookSender
from paydesk.payment_requests import service as payment_requests
from paydesk.resources import Resources
from paydesk.transactions.actions import reconcile_voids
from paydesk.transactions.refunds import reconcile_refunds
from paydesk.transactions.service import Services, reconcile
from paydesk.webhooks import targets

log = get_logger("paydesk.jobs")


@dataclass(frozen=True)
class JobsPass:
    billing: PassResult
    charges: int
    refunds: int
    voids: int
    emails: Delivered


async def run_pass(runner: Runner, webhooks: WebhookSender | None = None) -> JobsPass:
    """One billing pass, a reconciliation of charges, refunds and voids left without an answer, the outbox."""
    billing = await runner.run_once()
    now = runner.clock()
    charges = await reconcile(runner.services, now=now)
    refunds = await reconcile_refunds(runner.services, now=now)
    voids = await reconcile_voids(runner.services, now=now)
    await payment_requests.expire_due(runner.services, now=now)
    await events.prune(runner.services.sessions, utcnow())  # retention is wall-clock time
    await reminders.queue_reminders(runner.services.sessions, runner.services.secret, now)
    emails, _wake = await deliver_outbox(runner.services, webhooks)
    return JobsPass(billing, len(charges), len(refunds), len(voids), emails)


async def deliver_outbox(
    services: Services, webhooks: WebhookSender | None = None
) -> tuple[Delivered, datetime | None]:
    """Send what committed changes left in the outbox (at the real time: mail servers live in it):
    the webhooks of new events (when this process sends them), then the emails (a disabled endpoint's
    owners hear of it in the same pass). Also when the soonest webhook retry is due, to wake for it."""
    wake = None
    if webhooks is not None:
        wake = (await webhooks.deliver(services.sessions, services.secret)).next_due
    return await deliver_emails(services.sessions, services.mailer, services.secret), wake


async def run_forever(
    runner: Runner,
    stop: asyncio.Event,
    interval: float,
    bell: asyncio.Event | None = None,
    webhooks: WebhookSender | None = None,
) -> None:
    """Passes every ``interval`` seconds until ``stop`` is set; a failed pass is logged, never fatal.

    With ``bell`` (the process's outbox bell), the outbox is also sent as
    soon as a commit rings it, not only on the next pass.
    """
    outbox = None
    if bell is not None:
        outbox = asyncio.create_task(
            deliver_forever(
                lambda: _outbox_pass(runner.services, webhooks), stop, bell, interval, clock=utcnow
            ),
            name="paydesk-outbox",
        )
    try:
        await _passes(runner, stop, interval, webhooks)
    finally:
        if outbox is not None:
            stop.set()
            await outbox


async def _outbox_pass(services: Services, webhooks: WebhookSender | None) -> datetime | None:
    _sent, wake = await deliver_outbox(services, webhooks)
    return wake


async def _passes(
    runner: Runner, stop: asyncio.Event, interval: float, webhooks: WebhookSender | None
) -> None:
    while not stop.is_set():
        try:
            done = await run_pass(runner, webhooks)
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


def webhook_sender(resources: Resources, lease_seconds: float | None = None) -> WebhookSender:
    """How this process sends webhooks: its own client; internal addresses only in development. A
    claim on an attempt lasts a minute, or the worker's shorter lease."""
    allow_private = targets.allows_internal(resources.settings)
    claim_for = min(CLAIM_FOR, timedelta(seconds=lease_seconds)) if lease_seconds else CLAIM_FOR
    return WebhookSender(resources.webhook_http, allow_private=allow_private, claim_for=claim_for)


def runner_for(services: Services, *, lease_seconds: float = 300.0, concurrency: int = 32) -> Runner:
    """The runner of ``serve`` and ``worker``: ``concurrency`` gateway calls in flight at most."""
    return Runner(
        services, clock=services.clock, lease=timedelta(seconds=lease_seconds), concurrency=concurrency
    )
