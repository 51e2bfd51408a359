"""CPU per request of the two reads with the app in this process (notes-reads.md, "Third pass").

The app runs under ``httpx.ASGITransport`` on a copy of the kept data set (``bench/.data``, built by
``customer_details.py``), with the bench's settings (production, no jobs, limits raised). Batches of
10 requests; the figure is the *minimum* process CPU per request over the batches (it counts the
in-process httpx client, about 1 ms, and aiosqlite's thread), steadier on a shared machine than the
median. ``--concurrency N`` sends N at a time and also reports the collector's share; ``--sql`` times
each statement; ``--profile`` prints cProfile's time by package; ``--dump FILE`` writes one answer's
bytes (to compare two commits' answers). ``--dataset FILE`` serves a data set described by a JSON file
(``dataset.Dataset``'s fields, e.g. a PostgreSQL database built by ``dataset.ensure``) in place of a copy
of the kept SQLite file; the reads write nothing but the API key's last use.

Run: ``PYTHONPATH=backend .venv/bin/python bench/inprocess.py details|list [options]``; put a
``git archive`` of another commit's ``backend`` first on ``PYTHONPATH`` to measure that commit.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # the sibling module that keeps the data set
from customer_details import DETAILS_FIRST, DETAILS_QUERY, LIST_FIRST, LIST_QUERY, UNLIMITED

BATCH = 10


def _body(read: str, customer_id: str) -> dict[str, Any]:
    if read == "details":
        return {"query": DETAILS_QUERY, "variables": {"id": customer_id, "first": DETAILS_FIRST}}
    return {"query": LIST_QUERY, "variables": {"first": LIST_FIRST}}


async def _measure(args: argparse.Namespace, data: dataset.Dataset) -> None:
    from paydesk.app import create_app  # after the environment is set

    app = create_app()
    headers = {"Api-Appid": data.app_id, "Api-Key": data.api_key}
    body = _body(args.read, data.customer_id)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def one() -> bytes:
                response = await client.post("/graphql", json=body, headers=headers)
                if response.status_code != 200 or b'"errors"' in response.content[:20]:
                    raise SystemExit(f"HTTP {response.status_code}: {response.text[:500]}")
                return response.content

            if args.dump:
                _write(args.dump, await one())
            for _ in range(20):
                await one()
            if args.sql:
                await _statements(app, one)
            elif args.profile:
                _by_package(await _profiled(one))
            else:
                await _cpu(args, one)


def _write(path: str, content: bytes) -> None:
    Path(path).write_bytes(content)


async def _cpu(args: argparse.Namespace, one: Callable[[], Awaitable[bytes]]) -> None:
    collected = [0.0, 0.0]

    def collector(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collected[1] = time.perf_counter()
        else:
            collected[0] += time.perf_counter() - collected[1]

    gc.callbacks.append(collector)
    per_request: list[float] = []
    for _ in range(args.batches):
        started = time.process_time()
        for _ in range(BATCH // args.concurrency or 1):
            await asyncio.gather(*(one() for _ in range(args.concurrency)))
        count = (BATCH // args.concurrency or 1) * args.concurrency
        per_request.append((time.process_time() - started) / count * 1000)
    per_request.sort()
    total = args.batches * (BATCH // args.concurrency or 1) * args.concurrency
    print(
        f"{args.read}: min {per_request[0]:.2f} ms, median {per_request[len(per_request) // 2]:.2f} ms "
        f"of CPU a request; collector {collected[0] / total * 1000:.2f} ms a request "
        f"({args.concurrency} in flight)"
    )


async def _statements(app: Any, one: Callable[[], Awaitable[bytes]]) -> None:
    from sqlalchemy import event

    engine = app.state.resources.engine.sync_engine
    times: dict[str, list[float]] = {}

    def before(conn: Any, *_args: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        started = conn.info.pop("bench_started", time.perf_counter())
        times.setdefault(" ".join(statement.split()), []).append(time.perf_counter() - started)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for _ in range(BATCH):
        await one()
    for statement, spent in sorted(times.items(), key=lambda item: -sum(item[1])):
        print(f"{sum(spent) / BATCH * 1000:7.2f} ms x{len(spent) / BATCH:.0f}  {statement[:150]}")
    print(f"total {sum(map(sum, times.values())) / BATCH * 1000:.2f} ms a request")


async def _profiled(one: Callable[[], Awaitable[bytes]]) -> pstats.Stats:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(30):
        await one()
    profile.disable()
    return pstats.Stats(profile)


def _by_package(stats: pstats.Stats) -> None:
    own: Counter[str] = Counter()
    raw: Any = stats
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.stats.items():
        if "site-packages/" in filename:
            key = filename.split("site-packages/")[1].split("/")[0]
        elif "paydesk/" in filename:
            key = "paydesk." + filename.split("paydesk/")[-1].split("/")[0]
        else:
            key = Path(filename).name
        own[key] += tottime
    total = sum(own.values())
    for key, spent in own.most_common(20):
        print(f"{spent / 30 * 1000:7.2f} ms a request {spent / total * 100:5.1f}%  {key}")
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("read", choices=("details", "list"))
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", default="")
    parser.add_argument("--dataset", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paydesk-inprocess-") as workdir:
        if args.dataset:
            kept = dataset.Dataset(**json.loads(Path(args.dataset).read_text()))
            database_url = kept.database_url
        else:
            kept = dataset.ensure()
            database_url = f"sqlite+aiosqlite:///{Path(workdir) / 'bench.db'}"
            shutil.copyfile(
                kept.database_url.removeprefix("sqlite+aiosqlite:///"), Path(workdir) / "bench.db"
            )
        os.environ.update(
            PAYDESK_DATABASE_URL=database_url,
            PAYDESK_SECRET_KEY=kept.secret_key,
            PAYDESK_ENV="production",
            PAYDESK_DATA_DIR=workdir,
            PAYDESK_RATE_LIMIT=UNLIMITED,
            PAYDESK_SESSION_RATE_LIMIT=UNLIMITED,
            PAYDESK_LOG_LEVEL="ERROR",
            PAYDESK_JOBS="false",
        )
        asyncio.run(_measure(args, kept))


if __name__ == "__main__":
    main()
