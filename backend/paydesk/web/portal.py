"""The staff portal: the SPA's index.html for `/` and for every path it routes itself.

The portal (frontend/src/portal) routes on the client, so `/customers/cus_...`
must answer index.html when opened directly or reloaded. Paths under the first
segment of any other route (the API, the hosted payer pages, health checks,
built assets) never fall back: a missing one of those stays a 404 instead of
turning into the portal.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route

# The SPA loads only its own built scripts and styles and talks only to /graphql.
PORTAL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

# Asked for by browsers on their own; never a portal page.
ALWAYS_RESERVED = frozenset({"favicon.ico"})


def first_segments(routes: Iterable[BaseRoute]) -> frozenset[str]:
    """The first path segment of each route or mount, e.g. "pay" for /pay/{token}."""
    paths = (route.path for route in routes if isinstance(route, Route | Mount))
    return frozenset(path.lstrip("/").split("/", 1)[0] for path in paths) - {""}


def portal_routes(static_dir: Path, reserved: Iterable[BaseRoute]) -> list[Route]:
    """`/` and the catch-all for every path outside the ``reserved`` routes; mount them after those."""
    taken = first_segments(reserved) | ALWAYS_RESERVED

    async def portal(request: Request) -> Response:
        first = request.url.path.lstrip("/").split("/", 1)[0]
        if first in taken:
            return PlainTextResponse("Not Found", status_code=404)
        page = static_dir / "index.html"
        if not page.is_file():
            return PlainTextResponse("The portal is not built: run `make setup`.", status_code=503)
        headers = {"Content-Security-Policy": PORTAL_CSP, "Cache-Control": "no-cache"}
        return HTMLResponse(page.read_text(), headers=headers)

    return [
        Route("/", portal, methods=["GET", "HEAD"], name="portal"),
        Route("/{path:path}", portal, methods=["GET", "HEAD"], name="portal_fallback"),
    ]
