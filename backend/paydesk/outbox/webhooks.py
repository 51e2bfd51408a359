"""The job that delivers committed events to webhook endpoints (Standard Webhooks), at least once.

Each pass first fans out the events no pass has looked at yet: one PENDING
delivery per enabled endpoint that receives the type (endpoints made after
the event do not get it). Then it claims the due deliveries, one
conditional update each, so two workers never make the same attempt, and
POSTs them, several at a time, holding no database connection while a
receiver answers: a 10 s timeout, no redirects followed, to the address
that was checked (``paydesk.webhooks.targets``).

A 2xx is SUCCEEDED. Anything else, or no answer, is FAILED and the next
attempt is scheduled about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and then every
10 h after it (with jitter), for 3 days from the first attempt; then the
endpoint is disabled and the account's owners are emailed. Deliveries are
not ordered: receivers order by ``createdAt``.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.roles import Role
from paydesk.clock import utcnow
from paydesk.db import SessionFactory
from paydesk.events.feed import data_of
from paydesk.logs import get_logger
from paydesk.models import Account, Event, User, WebhookDelivery, WebhookEndpoint
from paydesk.notify.messages import webhook_disabled_email
from paydesk.outbox.claims import claim_due, next_due
from paydesk.outbox.emails import queue_email
from paydesk.unit_of_work import unit_of_work
from paydesk.webhooks import signing, targets
from paydesk.webhooks.service import DeliveryStatus, receives, secrets_now

log = get_logger("paydesk.webhooks")

TIMEOUT = 10.0
# A worker's claim on the attempts it is making: two rounds of IN_FLIGHT requests of at most TIMEOUT
# fit in it; a worker that dies mid-delivery leaves its attempts to others once it runs out.
CLAIM_FOR = timedelta(minutes=1)
BATCH = 16
FAN_OUT_BATCH = 200
MAX_FAN_OUT_ROUNDS = 50
IN_FLIGHT = 8
# Waits after the 1st, 2nd, ... failed attempt; the last repeats until GIVE_UP_AFTER.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
GIVE_UP_AFTER = timedelta(days=3)
JITTER = 0.1
# How much of a receiver's answer is kept with the attempt, for staff to read.
ERROR_LENGTH = 500
PURPOSE = "webhook_disabled"


@dataclass(frozen=True)
class WebhookSender:
    """What a process's jobs deliver webhooks with: its client, and whether internal addresses are allowed
    (development mode only)."""

    client: httpx.AsyncClient
    allow_private: bool
    claim_for: timedelta = CLAIM_FOR

    async def deliver(self, sessions: SessionFactory, server_secret: bytes) -> WebhookPass:
        return await deliver_webhooks(
            sessions, self.client, server_secret, allow_private=self.allow_private, claim_for=self.claim_for
        )


@dataclass(frozen=True)
class WebhookPass:
    fanned_out: int = 0
    succeeded: int = 0
    failed: int = 0
    # When the soonest attempt still waiting is due (a retry 5 s after a failure): the jobs wake then.
    next_due: datetime | None = None


def next_wait(attempt: int, jitter: Callable[[float, float], float] = random.uniform) -> timedelta:
    """How long after failed attempt number ``attempt`` (from 1) the next one waits, jittered by 10 %."""
    base = BACKOFF[min(attempt, len(BACKOFF)) - 1]
    return base * jitter(1 - JITTER, 1 + JITTER)


def body_of(event: Event) -> bytes:
    """The JSON body every endpoint gets: id, type, createdAt, actor and data."""
    return json.dumps(
        {
            "id": event.id,
            "type": event.type,
            "createdAt": event.created_at.isoformat(),
            "actor": {"type": event.actor_type, "id": event.actor_id},
            "data": data_of(event),
        },
        separators=(",", ":"),
    ).encode()


async def fan_out(sessions: SessionFactory, now: datetime, limit: int = FAN_OUT_BATCH) -> tuple[int, int]:
    """Make the deliveries of up to ``limit`` events no pass has looked at yet; (events, deliveries)."""
    made = 0
    async with unit_of_work(sessions, "fanned out") as db:
        query = (
            select(Event)
            .where(col(Event.fanned_out_at).is_(None))
            .order_by(col(Event.created_at), col(Event.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        found = list(await db.exec(query))
        if not found:
            return 0, 0
        accounts = {event.account_id for event in found}
        endpoints = list(
            await db.exec(
                select(WebhookEndpoint).where(
                    col(WebhookEndpoint.account_id).in_(accounts),
                    col(WebhookEndpoint.enabled).is_(True),
                    col(WebhookEndpoint.deleted_at).is_(None),
                )
            )
        )
        for event in found:
            for endpoint in endpoints:
                if (
                    endpoint.account_id == event.account_id
                    and endpoint.created_at <= event.created_at
                    and receives(endpoint, event.type)
                ):
                    db.add(
                        WebhookDelivery(
                            id=ids.new_id(ids.WEBHOOK_DELIVERY),
                            account_id=event.account_id,
                            endpoint_id=endpoint.id,
                            event_id=event.id,
                            status=DeliveryStatus.PENDING,
                            next_attempt_at=now,
                            first_attempt_at=now,
                        )
                    )
                    made += 1
        await db.exec(
            update(Event)
            .where(col(Event.id).in_([event.id for event in found]), col(Event.fanned_out_at).is_(None))
            .values(fanned_out_at=now)
        )
    return len(found), made


@dataclass(frozen=True)
class Answer:
    status: int | None
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def send(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    signed: dict[str, str],
    *,
    allow_private: bool,
) -> Answer:
    """POST one delivery to the address the URL resolves to now, checked again (DNS rebinding)."""
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        target = await targets.resolve(url, allow_private=allow_private)
    except targets.TargetRefused as refused:
        return Answer(None, took(), str(refused))
    parts = httpx.URL(url)
    host_header = target.host if parts.port is None else f"{target.host}:{target.port}"
    pinned = parts.copy_with(host=target.address)
    extensions: dict[str, Any] = {"sni_hostname": target.host} if target.scheme == "https" else {}
    headers = {
        **signed,
        "content-type": "application/json",
        "host": host_header,
        "user-agent": "paydesk-webhooks",
    }
    try:
        response = await client.post(
            pinned,
            content=body,
            headers=headers,
            timeout=TIMEOUT,
            follow_redirects=False,
            extensions=extensions,
        )
    except httpx.HTTPError as error:
        return Answer(None, took(), f"{type(error).__name__}: {error}"[:ERROR_LENGTH] or type(error).__name__)
    said = None if 200 <= response.status_code < 300 else response.text[:ERROR_LENGTH] or None
    return Answer(response.status_code, took(), said)


async def deliver_webhooks(
    sessions: SessionFactory,
    client: httpx.AsyncClient,
    server_secret: bytes,
    *,
    allow_private: bool,
    now: datetime | None = None,
    limit: int = BATCH,
    claim_for: timedelta = CLAIM_FOR,
) -> WebhookPass:
    """Fan out new events, then make every due attempt, up to ``limit``; what happened."""
    at = now or utcnow()
    made = 0
    for _ in range(MAX_FAN_OUT_ROUNDS):  # a billing run can leave thousands of events at once
        looked_at, deliveries = await fan_out(sessions, at)
        made += deliveries
        if looked_at < FAN_OUT_BATCH:
            break
    claimed = await claim_due(sessions, WebhookDelivery, at, limit=limit, claim_for=claim_for)
    if not claimed:
        return WebhookPass(fanned_out=made, next_due=await next_due(sessions, WebhookDelivery, at))
    async with sessions() as db:
        events = {
            e.id: e
            for e in await db.exec(select(Event).where(col(Event.id).in_({d.event_id for d in claimed})))
        }
        endpoints = {
            e.id: e
            for e in await db.exec(
                select(WebhookEndpoint).where(col(WebhookEndpoint.id).in_({d.endpoint_id for d in claimed}))
            )
        }
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(delivery: WebhookDelivery) -> bool:
        endpoint, event = endpoints[delivery.endpoint_id], events.get(delivery.event_id)
        if event is None or not endpoint.enabled or endpoint.deleted_at is not None:
            why = "The event is gone." if event is None else "The endpoint was disabled or deleted."
            await _settle(sessions, server_secret, delivery, endpoint, Answer(None, 0, why), at, retry=False)
            return False
        body = body_of(event)
        signed = signing.headers(
            event.id, utcnow() if now is None else at, body, secrets_now(server_secret, endpoint, at)
        )
        async with gate:
            answer = await send(client, endpoint.url, body, signed, allow_private=allow_private)
        await _settle(
            sessions,
            server_secret,
            delivery,
            endpoint,
            answer,
            at if now is not None else utcnow(),
            retry=True,
        )
        return answer.ok

    results = await asyncio.gather(*(one(d) for d in claimed))
    return WebhookPass(
        fanned_out=made,
        succeeded=sum(results),
        failed=len(results) - sum(results),
        next_due=await next_due(sessions, WebhookDelivery, at),
    )


async def _settle(
    sessions: SessionFactory,
    server_secret: bytes,
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    answer: Answer,
    now: datetime,
    *,
    retry: bool,
) -> None:
    async with unit_of_work(sessions, "delivery settled") as db:
        row = await db.get(WebhookDelivery, delivery.id, with_for_update=True, populate_existing=True)
        target = await db.get(WebhookEndpoint, endpoint.id, with_for_update=True, populate_existing=True)
        assert row is not None
        assert target is not None
        row.response_status, row.duration_ms, row.error = answer.status, answer.duration_ms, answer.error
        row.claimed_until, row.next_attempt_at = None, None
        if answer.ok:
            row.status = DeliveryStatus.SUCCEEDED
            target.failing_since = None
            db.add_all([row, target])
            return
        row.status = DeliveryStatus.FAILED
        target.failing_since = target.failing_since or now
        if retry and now - row.first_attempt_at < GIVE_UP_AFTER:
            row.next_attempt_at = now + next_wait(row.attempt)
            db.add(
                WebhookDelivery(
                    id=ids.new_id(ids.WEBHOOK_DELIVERY),
                    account_id=row.account_id,
                    endpoint_id=row.endpoint_id,
                    event_id=row.event_id,
                    attempt=row.attempt + 1,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at=row.next_attempt_at,
                    first_attempt_at=row.first_attempt_at,
                )
            )
        elif retry and target.enabled:
            await _disable(db, server_secret, target, answer, now)
        db.add_all([row, target])
    log.info(
        "webhook.attempt",
        delivery_id=delivery.id,
        endpoint_id=endpoint.id,
        event_id=delivery.event_id,
        attempt=delivery.attempt,
        status=answer.status,
        ok=answer.ok,
        duration_ms=answer.duration_ms,
    )


async def _disable(
    db: AsyncSession, server_secret: bytes, endpoint: WebhookEndpoint, answer: Answer, now: datetime
) -> None:
    """Three days of failures: the endpoint stops receiving, and every owner of the account hears of it."""
    endpoint.enabled, endpoint.disabled_at, endpoint.updated_at = False, now, now
    account = await db.get(Account, endpoint.account_id)
    assert account is not None
    owners = await db.exec(
        select(User).where(
            col(User.account_id) == endpoint.account_id,
            col(User.role) == Role.OWNER.value,
            col(User.disabled_at).is_(None),
        )
    )
    last = f"HTTP {answer.status}" if answer.status is not None else (answer.error or "no answer")
    for owner in owners:
        email = webhook_disabled_email(
            to=owner.email, merchant_name=account.name, url=endpoint.url, last_result=last
        )
        queue_email(db, server_secret, email, account_id=account.id, purpose=PURPOSE, subject_id=endpoint.id)
    log.warning("webhook.endpoint_disabled", endpoint_id=endpoint.id, account_id=account.id)
