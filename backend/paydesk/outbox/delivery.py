"""The job that sends committed outbox emails: claimed once, retried with backoff, then given up.

Run by every job pass (``paydesk serve`` and ``paydesk worker``) and woken at
once by a commit in the same process that queued an email (the unit of
work's outbox bell). Several workers may run it against one database: a row
is claimed by a conditional update before it is sent, and a crashed
worker's claim runs out after ``CLAIM_FOR``, so a message is sent again
only when its worker died between handing it over and recording that.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.card_links.service import CARD_REQUEST_EMAIL
from paydesk.clock import utcnow
from paydesk.db import SessionFactory
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.invoices import service as invoices
from paydesk.logs import get_logger
from paydesk.models import OutgoingEmail
from paydesk.notify.email import EmailDeliveryError, Mailer, domain_of
from paydesk.outbox.claims import claim_due
from paydesk.outbox.emails import EmailStatus, message_of
from paydesk.payment_requests import service as payment_requests
from paydesk.transactions.service import add_event
from paydesk.unit_of_work import unit_of_work

log = get_logger("paydesk.outbox")

# How long a worker may take to hand one batch over before another may take its rows.
CLAIM_FOR = timedelta(minutes=2)
BATCH = 50
# The shortest sleep of the outbox loop, so a due row another worker holds is not polled in a spin.
MIN_WAKE = 0.5
# After the first try: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h; then the email is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass(frozen=True)
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


async def deliver_emails(
    sessions: SessionFactory,
    mailer: Mailer,
    secret: bytes,
    *,
    now: datetime | None = None,
    limit: int = BATCH,
) -> Delivered:
    """Send every committed email that is due, up to ``limit``; what became of them."""
    at = now or utcnow()
    rows = await _claim(sessions, at, limit)
    sent = retrying = failed = 0
    for row in rows:
        try:
            message_id = await mailer.send(message_of(secret, row))
        except EmailDeliveryError as error:
            given_up = error.permanent or row.attempts >= MAX_ATTEMPTS
            await _failed(sessions, row.id, str(error), at, give_up=given_up)
            log.warning(
                "email.failed",
                email_id=row.id,
                purpose=row.purpose,
                to_domain=domain_of(row.recipient),
                attempts=row.attempts,
                given_up=given_up,
                error=str(error),
            )
            failed, retrying = failed + given_up, retrying + (not given_up)
            continue
        await _sent(sessions, row, message_id, utcnow() if now is None else at)
        sent += 1
    return Delivered(sent, retrying, failed)


async def _claim(sessions: SessionFactory, now: datetime, limit: int) -> list[OutgoingEmail]:
    attempts = col(OutgoingEmail.attempts) + 1
    return await claim_due(sessions, OutgoingEmail, now, limit=limit, claim_for=CLAIM_FOR, attempts=attempts)


async def _sent(sessions: SessionFactory, row: OutgoingEmail, message_id: str, at: datetime) -> None:
    async with unit_of_work(sessions, "sent") as db:
        fresh = await db.get(OutgoingEmail, row.id, with_for_update=True, populate_existing=True)
        assert fresh is not None
        fresh.status, fresh.sent_at, fresh.message_id = EmailStatus.SENT, at, message_id[:255]
        fresh.message_encrypted, fresh.claimed_until, fresh.last_error = None, None, None
        db.add(fresh)
        await _after_sent(db, fresh, at)


async def _after_sent(db: AsyncSession, row: OutgoingEmail, at: datetime) -> None:
    """What the email's record says once it went: the invoice and request were sent, and when."""
    if row.subject_id is None:
        return
    if row.purpose == invoices.INVOICE_EMAIL:
        invoice = await invoices.mark_sent(db, row.subject_id, at)
        if invoice is not None:
            by = Principal(
                row.account_id, Role.VIEWER, user_id=row.actor_user_id, api_key_id=row.actor_api_key_id
            )
            add_event(db, invoice.transaction_id, "invoice_sent", principal=by, note=invoice.number)
            shown = data.invoice(invoice) | {"sentTo": row.recipient}
            record_event(db, row.account_id, "invoice.sent", shown, actor=by)
    elif row.purpose == payment_requests.PAYMENT_REQUEST_EMAIL:
        await payment_requests.mark_sent(db, row.subject_id, at)
    elif row.purpose == CARD_REQUEST_EMAIL:
        pass  # the link says nothing of its email


async def _failed(
    sessions: SessionFactory, email_id: str, error: str, now: datetime, *, give_up: bool
) -> None:
    async with unit_of_work(sessions, "failed") as db:
        row = await db.get(OutgoingEmail, email_id, with_for_update=True, populate_existing=True)
        assert row is not None
        row.last_error, row.claimed_until = error[:500], None
        if give_up:
            row.status, row.message_encrypted = EmailStatus.FAILED, None
        else:
            row.next_attempt_at = now + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
        db.add(row)


async def deliver_forever(
    deliver: Callable[[], Awaitable[datetime | None]],
    stop: asyncio.Event,
    bell: asyncio.Event,
    interval: float,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Run ``deliver`` whenever the bell rings (a commit queued an email), every ``interval`` seconds,
    and at the time ``deliver`` says its next waiting item is due when that is sooner (a webhook's
    first retry comes 5 seconds after a failure, not on the next pass)."""
    while not stop.is_set():
        bell.clear()
        wake: datetime | None = None
        try:
            wake = await deliver()
        except Exception:
            log.exception("outbox.pass_failed")
        timeout = interval
        if wake is not None:
            timeout = min(interval, max((wake - clock()).total_seconds(), MIN_WAKE))
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(bell.wait())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED), timeout=timeout)
        for waiting in waits:
            waiting.cancel()
