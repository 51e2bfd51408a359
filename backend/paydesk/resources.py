"""What a running process owns: settings, the engine, sessions and the rate limiter.

Made once by the app's lifespan (or a CLI command) and closed with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from paydesk.admission import Admission
from paydesk.auth.ratelimit import RateLimiter, make_limiter
from paydesk.clock import utcnow
from paydesk.config import Settings
from paydesk.db import SessionFactory, create_engine, session_factory
from paydesk.gateways.registry import GatewayRegistry, make_http_client
from paydesk.notify.email import Mailer, mailer_for
from paydesk.unit_of_work import OUTBOX_BELL


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    # For requests that only read: on SQLite they run beside a writer instead of queueing.
    read_sessions: SessionFactory
    limiter: RateLimiter
    secret: bytes
    # The one HTTP client of the process, shared by every remote gateway.
    http: httpx.AsyncClient
    gateways: GatewayRegistry
    mailer: Mailer
    # Webhook deliveries' own client: no proxies from the environment, no redirects (targets.py).
    webhook_http: httpx.AsyncClient
    # Admits GraphQL reads, ``settings.read_concurrency`` at a time, first come first served, each
    # waiting ``settings.read_queue_timeout`` seconds at most.
    reads: Admission
    # Rung by a commit that wrote outbox rows, so this process's delivery job wakes at once.
    outbox_bell: asyncio.Event
    # What "now" is for mutations and the billing runner; tests that move time replace it.
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def open(cls, settings: Settings) -> Resources:
        engine = create_engine(settings.database_url)
        bell = asyncio.Event()
        sessions = session_factory(engine, info={OUTBOX_BELL: bell.set})
        secret = settings.secret()
        http = make_http_client()
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            read_sessions=session_factory(engine, read_only=True),
            limiter=make_limiter(settings.rate_limit_storage, engine),
            secret=secret,
            http=http,
            gateways=GatewayRegistry(
                sessions, http, secret, settings.stripe_api_base, concurrency=settings.gateway_concurrency
            ),
            mailer=mailer_for(settings),
            webhook_http=httpx.AsyncClient(trust_env=False, follow_redirects=False),
            reads=Admission(settings.read_concurrency, settings.read_queue_timeout),
            outbox_bell=bell,
        )

    async def close(self) -> None:
        await self.http.aclose()
        await self.webhook_http.aclose()
        await self.engine.dispose()
