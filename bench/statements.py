"""SQL statements per request, counted on paydesk's own engine in this process.

The app is built with the same settings the served one gets and called
through ``httpx.ASGITransport`` (so no network, and nothing but the app's
engine runs SQL); a ``before_cursor_execute`` listener on its engine counts
every statement each request sends, authentication and rate limit included.
Counts are exact whatever the machine's load, so they are measured once per
page size rather than timed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import event

from paydesk.app import create_app
from paydesk.config import load_settings


async def _count(
    env: dict[str, str], calls: Sequence[tuple[str, dict[str, Any]]], headers: dict[str, str]
) -> list[int]:
    app = create_app(load_settings(env))
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    counts = []
    async with LifespanManager(app):
        engine = app.state.resources.engine.sync_engine
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1", headers=headers
        ) as client:
            event.listen(engine, "before_cursor_execute", record)
            try:
                for query, variables in calls:
                    # The first call warms caches (the API key's lookup); the second is the one counted.
                    for _ in range(2):
                        seen.clear()
                        response = await client.post(
                            "/graphql", json={"query": query, "variables": variables}
                        )
                        body = response.json()
                        if response.status_code != 200 or body.get("errors"):
                            raise RuntimeError(f"statement count: {response.status_code} {str(body)[:300]}")
                    counts.append(len(seen))
            finally:
                event.remove(engine, "before_cursor_execute", record)
    return counts


def per_request(
    env: dict[str, str],
    headers: dict[str, str],
    reads: dict[str, tuple[str, dict[str, Any]]],
    sizes: Sequence[int],
) -> dict[str, dict[str, int]]:
    """{read: {page size: statements}} for each read, its variables given ``first`` = each size."""
    calls = [(query, {**variables, "first": size}) for query, variables in reads.values() for size in sizes]
    counts = iter(asyncio.run(_count(env, calls, headers)))
    return {name: {str(size): next(counts) for size in sizes} for name in reads}
