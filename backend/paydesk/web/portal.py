"""The staff portal: the SPA's index.html for `/` and for every path it routes itself.

The portal (frontend/src/portal) routes on the client, so `/customers/cus_...`
must answer index.html when opened directly or reloaded. Paths that belong to
the API, the hosted payer pages, health checks or built assets never fall back:
a missing one of those stays a 404 instead of turning into the portal.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

# The SPA loads only its own built scripts and styles and talks only to /graphql.
PORTAL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

# First path segments that are never the portal's (the API, hosted pages, assets, probes).
RESERVED = frozenset(
    {"graphql", "static", "pages", "card", "pay", "invoice", "healthz", "readyz", "favicon.ico"}
)


def portal_routes(static_dir: Path) -> list[Route]:
    """`/` and the catch-all; mount them after every other route."""

    async def portal(request: Request) -> Response:
        first = request.url.path.lstrip("/").split("/", 1)[0]
        if first in RESERVED:
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
