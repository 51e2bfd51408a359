"""Fixtures of the hosted-page tests: the app with the pages mounted, and a payer's browser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from paydesk.web.routes import routes
from tests.web.pages import Payer


@pytest.fixture
def pages_app(app: Starlette) -> Starlette:
    """The app with the hosted pages, whether or not create_app mounts them already."""
    mounted = any(isinstance(r, Route) and r.path == "/card/{token}" for r in app.router.routes)
    if not mounted:
        app.router.routes.extend(routes)
    return app


@pytest.fixture
async def payer(pages_app: Starlette) -> AsyncIterator[Payer]:
    transport = httpx.ASGITransport(app=pages_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Payer(client)
