"""Turns a stored gateway record into a working adapter.

Owned by the process's resources, with the one shared ``httpx.AsyncClient``
every remote gateway talks through; tests swap the client's transport, not
the code path.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from paydesk.crypto import decrypt_json
from paydesk.db import SessionFactory
from paydesk.gateways.base import Gateway
from paydesk.gateways.sandbox import SandboxConfig, SandboxGateway
from paydesk.models import Gateway as GatewayRecord

# Remote gateways must answer within these; a read timeout leaves the outcome unknown.
HTTP_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=10.0, pool=5.0)


class UnknownGatewayKind(Exception):
    pass


class GatewayRegistry:
    def __init__(
        self,
        sessions: SessionFactory,
        http: httpx.AsyncClient,
        secret: bytes,
        stripe_api_base: str,
        *,
        concurrency: int = 32,
    ) -> None:
        self.sessions = sessions
        self.http = http
        self.secret = secret
        self.stripe_api_base = stripe_api_base
        self.concurrency = concurrency
        self._limits: dict[str, asyncio.Semaphore] = {}

    def limit(self, gateway_id: str) -> asyncio.Semaphore:
        """What bounds this process's calls in flight to one gateway (``gateway_concurrency``)."""
        if (found := self._limits.get(gateway_id)) is None:
            found = self._limits[gateway_id] = asyncio.Semaphore(self.concurrency)
        return found

    def credentials(self, record: GatewayRecord) -> dict[str, Any]:
        return decrypt_json(self.secret, record.credentials) if record.credentials else {}

    def adapter(self, record: GatewayRecord) -> Gateway:
        credentials = self.credentials(record)
        if record.kind == "sandbox":
            return SandboxGateway(record.id, self.sessions, SandboxConfig.from_credentials(credentials))
        if record.kind == "stripe":
            from paydesk.gateways.stripe.adapter import StripeGateway

            return StripeGateway(credentials, self.http, self.stripe_api_base)
        raise UnknownGatewayKind(record.kind)


def make_http_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=HTTP_TIMEOUT, headers={"User-Agent": "paydesk"})
