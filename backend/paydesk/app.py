"""The Starlette application: /graphql, health checks, static assets, request ids and logs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import paydesk.models  # noqa: F401  (registers the tables)
from paydesk.billing.jobs import run_forever, runner_for, webhook_sender
from paydesk.collector import settle_after_start_up
from paydesk.config import Settings, load_settings
from paydesk.db import refresh_statistics
from paydesk.graphql.endpoint import graphql_endpoint
from paydesk.graphql.graphiql import static_dir
from paydesk.logs import configure_logging, get_logger
from paydesk.requests import request_id, start_request
from paydesk.resources import Resources
from paydesk.transactions.service import Services
from paydesk.unavailable import CODE, MESSAGE, RETRY_AFTER, unavailable
from paydesk.web import pages
from paydesk.web.portal import portal_routes
from paydesk.web.routes import routes as page_routes

log = get_logger("paydesk.http")

# Responses that are not HTML pages load nothing at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    resources: Resources = request.app.state.resources
    try:
        async with resources.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:  # any failure means not ready
        log.warning("readyz.database_unreachable", error=type(error).__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


class RequestContext:
    """Request id, access log, security headers, a 503 when a required service is out of reach
    (paydesk.unavailable), and a masked 500 for anything else unexpected (a page on hosted pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1") or None
        rid = start_request(incoming)
        started = time.perf_counter()
        status = 500
        sent = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status, sent = message["status"], True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", rid.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                if b"referrer-policy" not in names:
                    headers.append((b"referrer-policy", b"no-referrer"))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", API_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            if unavailable(error):
                # Not the request's fault and not a bug: the database or the rate-limit store is out of
                # reach. DESIGN.md: HTTP 503 UNAVAILABLE, with when to try again.
                log.warning("http.unavailable", path=scope.get("path"), error=type(error).__name__)
                if not sent:
                    await _out_of_reach(scope)(scope, receive, send_with_headers)
                return
            log.exception("http.unhandled_error", path=scope.get("path"))
            if not sent:
                await _internal_error(scope)(scope, receive, send_with_headers)
        finally:
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            log.info(
                "http.request",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                ms=elapsed_ms,
            )


# Pages a payer's browser opens: told in a page, not in JSON.
HOSTED_PAGES = ("/pay/", "/card/", "/invoice/")


def _hosted_page(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith(HOSTED_PAGES)


def _out_of_reach(scope: Scope) -> Response:
    """HTTP 503 with Retry-After: a hosted page says so to the payer, anything else as the API does."""
    if _hosted_page(scope):
        return pages.out_of_reach(Request(scope), RETRY_AFTER)
    body = {"errors": [{"message": MESSAGE, "extensions": {"code": CODE}}]}
    return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_AFTER})


def _internal_error(scope: Scope) -> Response:
    """HTTP 500, masked: the request id finds the logged error (a hosted page says so in a page)."""
    if _hosted_page(scope):
        return pages.internal_error(Request(scope), request_id())
    error = {
        "message": "Internal error",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id()},
    }
    return JSONResponse({"errors": [error]}, status_code=500)


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app; with no settings given they are read from the environment."""
    settings = settings or load_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        resources = Resources.open(settings)
        app.state.resources = resources
        await refresh_statistics(resources.engine)
        stop = asyncio.Event()
        jobs = None
        if settings.jobs:
            runner = runner_for(
                Services(
                    resources.sessions,
                    resources.gateways,
                    resources.secret,
                    resources.mailer,
                    settings.public_url,
                ),
                concurrency=settings.worker_concurrency,
            )
            jobs = asyncio.create_task(
                run_forever(
                    runner,
                    stop,
                    settings.jobs_interval,
                    resources.outbox_bell,
                    webhook_sender(resources),
                ),
                name="paydesk-jobs",
            )
        # Start-up objects never die; frozen, they keep full collections short (paydesk.collector).
        settle_after_start_up()
        try:
            yield
        finally:
            stop.set()
            if jobs is not None:
                await jobs
            await resources.close()

    routes: list[BaseRoute] = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Mount("/static", StaticFiles(directory=static_dir(settings), check_dir=False), name="static"),
        *page_routes,
    ]
    # Last: any other GET is a portal route the SPA resolves itself; the paths above never are.
    routes += portal_routes(static_dir(settings), reserved=routes)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestContext)])
