"""GraphiQL, served from our own build (frontend/, no CDN) under a strict CSP."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from paydesk.config import Settings

GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def static_dir(settings: Settings) -> Path:
    """Where the frontend build lives: STATIC_DIR, else frontend/dist of this checkout."""
    return settings.static_dir or Path(__file__).resolve().parents[3] / "frontend" / "dist"


def wants_graphiql(request: Request) -> bool:
    return "query" not in request.query_params and "text/html" in request.headers.get("accept", "")


def graphiql_page(settings: Settings) -> Response:
    page = static_dir(settings) / "graphiql.html"
    if not page.is_file():
        return PlainTextResponse("GraphiQL is not built: run `make setup`.", status_code=503)
    headers = {"Content-Security-Policy": GRAPHIQL_CSP, "Cache-Control": "no-cache"}
    return HTMLResponse(page.read_text(), headers=headers)
