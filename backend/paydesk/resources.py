"""What a running process owns: settings, the engine, sessions and the rate limiter.

Made once by the app's lifespan (or a CLI command) and closed with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from paydesk.auth.ratelimit import RateLimiter, make_limiter
from paydesk.config import Settings
from paydesk.db import SessionFactory, create_engine, session_factory


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    # For requests that only read: on SQLite they run beside a writer instead of queueing.
    read_sessions: SessionFactory
    limiter: RateLimiter
    secret: bytes

    @classmethod
    def open(cls, settings: Settings) -> Resources:
        engine = create_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            read_sessions=session_factory(engine, read_only=True),
            limiter=make_limiter(settings.rate_limit_storage, engine),
            secret=settings.secret(),
        )

    async def close(self) -> None:
        await self.engine.dispose()
