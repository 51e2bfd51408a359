"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from paydesk.auth.principal import Principal
from paydesk.auth.signin_guard import SignInGuard
from paydesk.clock import utcnow
from paydesk.config import Settings
from paydesk.db import SessionFactory
from paydesk.gateways.registry import GatewayRegistry
from paydesk.graphql.loaders import Loaders
from paydesk.notify.email import Mailer


class NotAuthenticated(Exception):
    """A resolver needed a caller where the endpoint let an anonymous request through."""


@dataclass
class CookieChange:
    """A session cookie to set (token and expiry) or to clear (None)."""

    token: str | None
    expires_at: datetime | None = None


@dataclass
class Context:
    request: Request
    db: AsyncSession
    # For work that must commit on its own, apart from the request's session (idempotency claims).
    sessions: SessionFactory
    settings: Settings
    server_secret: bytes
    gateways: GatewayRegistry
    mailer: Mailer
    principal: Principal | None
    loaders: Loaders
    request_id: str
    # The time mutations take as now: the process's clock, replaced by tests that move time.
    clock: Callable[[], datetime] = field(default=utcnow)
    cookie: CookieChange | None = field(default=None)
    # Counts failed sign-ins in the rate-limit storage (None: not counted, e.g. in-process tools).
    sign_in_guard: SignInGuard | None = field(default=None)

    @property
    def caller(self) -> Principal:
        """The principal; the endpoint only lets anonymous requests run signIn and introspection."""
        if self.principal is None:
            raise NotAuthenticated()
        return self.principal


Info = strawberry.Info[Context, None]
