"""chargeNow through the API against a baseline inserting the same rows, and with a slow gateway.

What is measured, over HTTP on 127.0.0.1, each server one uvicorn process,
``--concurrency`` (32) requests in flight:

- ``baseline``: ``POST /charge`` of ``baseline_charge_app.py``: the rows a paid
  one-line chargeNow writes (sale, line, three sale events, invoice and its
  number, the account event, the idempotency record, the sandbox's charge), in
  the same committed phases, by hand with SQLAlchemy Core on paydesk's own
  engine; no GraphQL, ORM, authentication or rate limit;
- ``paydesk``: ``POST /graphql`` ``chargeNow`` with an API key, a one-line sale
  on the customer's card kept by the sandbox at zero latency;
- ``paydesk 100ms``: the same on a card kept by a second sandbox gateway made
  with ``latencyMs`` 100 (``--latency-ms``). Its target: 0.8 of the lower of
  concurrency / latency (320/s) and paydesk's own zero-latency rate: the
  gateway's latency hidden by the requests in flight, not added to each;
- ``baseline 100ms``: the baseline with the same sleep in place of its
  gateway call, to show what the machine allows at that latency.

Each request charges the next of ``--customers`` (300) customers with a
distinct idempotency key. Every answer must be HTTP 200 with a PAID sale;
anything else counts as an error. Afterwards no sale may be left PENDING.

As in ``customer_details.py``, the targets take turns in ``--rounds`` (3)
interleaved rounds so that the shared machine's noise lands on all of them,
and every ratio is taken against the baseline measured in the same run.
paydesk runs as ``paydesk serve --no-jobs`` with ``PAYDESK_ENV=production``
and the rate limits raised so they never refuse the load.

Run: ``.venv/bin/python bench/charge_now.py [--seconds N] [--postgresql]``.
Results go to stdout as a table and to ``--output`` (default
``bench/results/charge_now-<date>.json``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO_DIR))  # tests/postgres.py, for --postgresql

from customer_details import (  # noqa: E402 (the sibling benchmark's process and machine helpers)
    HOST,
    REQUEST_TIMEOUT_S,
    VENV_BIN,
    BenchError,
    Server,
    free_port,
    git_state,
    machine_info,
    percentile_ms,
    process_cpu_s,
    results_path,
    run_cli,
    sigterm_as_exit,
)

# The account's owner and the server's secret (32+ characters); customer_details.py keeps its own
# in its data set, so chargeNow's are here and the two benches do not depend on each other's setup.
OWNER_EMAIL = "owner@bench.paydesk.test"
OWNER_PASSWORD = "bench-password-123"
SECRET_KEY = "bench-secret-key-0123456789abcdefghijklm"
# High enough that the limiter counts every request but never refuses one.
UNLIMITED = "1000000/minute"

CHARGE_NOW = (
    "mutation($input: ChargeNowInput!) { chargeNow(input: $input) { "
    "transaction { id status total { amount currency } resultCode externalId } "
    "userErrors { code message } } }"
)
VISA = "4242424242424242"
PRICE_MINOR = 1250  # 12.50 USD, one line
PRICE = "12.50"
CURRENCY = "USD"
# Seeding goes through the API; this many calls in flight keep it to seconds.
SEED_CONCURRENCY = 8
# How long a worker may overrun its deadline before the segment is abandoned.
OVERRUN_S = REQUEST_TIMEOUT_S + 5.0
TARGET_RATIO = 0.8  # issue 19: latency hidden, not added


# --- targets ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    id: str
    card_fast: str  # kept by the zero-latency sandbox (the default card)
    card_slow: str  # kept by the sandbox with --latency-ms


@dataclass
class Target:
    """One kind of request; ``body(n)`` is the n-th request's JSON (each a new sale)."""

    name: str
    description: str
    url: str
    headers: dict[str, str]
    body: Callable[[int], dict[str, Any]]
    server_pid: int
    latency_ms: int = 0


@dataclass
class Segment:
    target: str
    round: int
    seconds: float
    latencies_s: list[float]
    errors: int = 0
    first_error: str | None = None
    server_cpu_s: float = 0.0
    server_rss_kb: int = 0

    @property
    def req_per_s(self) -> float:
        return len(self.latencies_s) / self.seconds if self.seconds else 0.0


def paydesk_body(customers: Sequence[Customer], run_id: str, slow: bool) -> Callable[[int], dict[str, Any]]:
    def body(n: int) -> dict[str, Any]:
        customer = customers[n % len(customers)]
        card = customer.card_slow if slow else customer.card_fast
        line = {"description": "Bench widget", "quantity": 1, "unitPrice": PRICE}
        return {"query": CHARGE_NOW, "variables": {"input": {
            "customerId": customer.id, "paymentMethodId": card, "lines": [line], "currency": CURRENCY,
            "idempotencyKey": f"bench-{run_id}-{'slow' if slow else 'fast'}-{n}",
        }}}  # fmt: skip

    return body


def baseline_body(
    customers: Sequence[Customer], run_id: str, latency_ms: int
) -> Callable[[int], dict[str, Any]]:
    def body(n: int) -> dict[str, Any]:
        return {"customerId": customers[n % len(customers)].id, "description": "Bench widget",
                "unitPrice": PRICE_MINOR, "currency": CURRENCY, "latencyMs": latency_ms,
                "idempotencyKey": f"base-{run_id}-{latency_ms}-{n}"}  # fmt: skip

    return body


def problem_in(response: httpx.Response) -> str | None:
    """None for a PAID sale; else what was wrong, briefly."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    body = response.json()
    payload = (body.get("data") or {}).get("chargeNow") or {}
    status = (payload.get("transaction") or {}).get("status")
    if body.get("errors") or payload.get("userErrors") or status != "PAID":
        return response.text[:300]
    return None


# --- load ---------------------------------------------------------------------------------------------


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident set (VmRSS) or its peak so far (VmHWM), in kB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def worker(
    client: httpx.AsyncClient, target: Target, numbers: Iterator[int], deadline: float, segment: Segment
) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await client.post(target.url, json=target.body(next(numbers)))
            problem = problem_in(response)
        except httpx.HTTPError as error:
            problem = f"{type(error).__name__}: {error}"
        if problem is None:
            segment.latencies_s.append(time.perf_counter() - started)
        else:
            segment.errors += 1
            segment.first_error = segment.first_error or problem


async def load(
    target: Target, seconds: float, concurrency: int, numbers: Iterator[int], round_no: int
) -> Segment:
    """``concurrency`` workers on one client for ``seconds``; in-flight requests finish, then it stops."""
    segment = Segment(target.name, round_no, 0.0, [])
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=target.headers, limits=limits, timeout=REQUEST_TIMEOUT_S) as client:
        server_cpu = process_cpu_s(target.server_pid)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(seconds + OVERRUN_S), asyncio.TaskGroup() as group:
                for _ in range(concurrency):
                    group.create_task(worker(client, target, numbers, started + seconds, segment))
        except TimeoutError:
            segment.errors += 1
            segment.first_error = segment.first_error or "segment overran its deadline"
        segment.seconds = time.perf_counter() - started
        segment.server_cpu_s = process_cpu_s(target.server_pid) - server_cpu
        segment.server_rss_kb = rss_kb(target.server_pid)
    return segment


async def measure(targets: Sequence[Target], args: argparse.Namespace) -> list[Segment]:
    """Warm every target up, then rounds in which the targets take turns, the order rotating."""
    numbers = itertools.count()
    for target in targets:
        await load(target, args.warmup, args.concurrency, numbers, round_no=-1)
    per_round = args.seconds / args.rounds
    segments: list[Segment] = []
    for round_no in range(args.rounds):
        shift = round_no % len(targets)
        for target in [*targets[shift:], *targets[:shift]]:
            segment = await load(target, per_round, args.concurrency, numbers, round_no)
            segments.append(segment)
            p50 = percentile_ms(segment.latencies_s, 50)
            say(f"  round {round_no + 1}/{args.rounds}  {target.name:<15} {segment.req_per_s:7.1f} req/s"
                f"  p50 {p50:7.2f} ms  errors {segment.errors}")  # fmt: skip
    return segments


def run_load(targets: Sequence[Target], args: argparse.Namespace) -> list[Segment]:
    try:
        import uvloop
    except ImportError:  # the client is faster on uvloop, but works without it
        return asyncio.run(measure(targets, args))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(measure(targets, args))


# --- set-up -------------------------------------------------------------------------------------------


@dataclass
class Backend:
    """Where one backend's database lives and the environment both servers get."""

    name: str
    database_url: str
    env: dict[str, str]


def backend_env(workdir: Path, database_url: str) -> dict[str, str]:
    """The caller's environment without its PAYDESK_ settings, plus paydesk's production settings,
    jobs off and the rate limits raised so that they never refuse the load."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYDESK_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-compiled files make each start faster
    env.update(
        PAYDESK_DATABASE_URL=database_url,
        PAYDESK_DATA_DIR=str(workdir),
        PAYDESK_SECRET_KEY=SECRET_KEY,
        PAYDESK_RATE_LIMIT=UNLIMITED,
        PAYDESK_SESSION_RATE_LIMIT=UNLIMITED,
        PAYDESK_LOG_LEVEL="WARNING",
        PAYDESK_ENV="production",
        PAYDESK_JOBS="false",
    )
    return env


def graphql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data of a GraphQL call that must succeed, mutations' userErrors included."""
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise BenchError(f"GraphQL call failed ({response.status_code}): {body}")
    data: dict[str, Any] = body["data"]
    for payload in data.values():
        if isinstance(payload, dict) and payload.get("userErrors"):
            raise BenchError(f"GraphQL mutation refused: {payload['userErrors']}")
    return data


def start_servers(
    workdir: Path, backend: Backend, account_id: str, servers: list[Server]
) -> tuple[Server, Server]:
    port = free_port()
    argv = [str(VENV_BIN / "paydesk"), "serve", "--host", HOST, "--port", str(port), "--no-jobs"]
    paydesk = Server("paydesk", argv, backend.env, workdir / f"paydesk-{backend.name}.log", port)
    servers.append(paydesk)
    port = free_port()
    argv = [
        sys.executable, "-m", "uvicorn", "baseline_charge_app:create_app", "--factory",
        "--app-dir", str(BENCH_DIR), "--host", HOST, "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    env = {**backend.env, "BENCH_DATABASE_URL": backend.database_url, "BENCH_ACCOUNT_ID": account_id}
    baseline = Server("baseline", argv, env, workdir / f"baseline-{backend.name}.log", port)
    servers.append(baseline)
    paydesk.wait_ready(paydesk.url + "/healthz")
    baseline.wait_ready(baseline.url + "/ping")
    return paydesk, baseline


def add_slow_gateway(api: httpx.Client, latency_ms: int) -> str:
    added = graphql(
        api,
        "mutation($input: AddGatewayInput!) { addGateway(input: $input) { gateway { id } "
        "userErrors { code message } } }",
        {"input": {"kind": "sandbox", "name": f"Sandbox {latency_ms} ms",
                   "credentials": {"latencyMs": latency_ms}}},
    )  # fmt: skip
    gateway_id: str = added["addGateway"]["gateway"]["id"]
    return gateway_id


def seed_customer(api: httpx.Client, n: int, slow_gateway: str) -> Customer:
    """A customer with a visa on the default sandbox (its default card) and one on the slow sandbox."""
    created = graphql(
        api,
        "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } "
        "userErrors { code message } } }",
        {"input": {"firstName": "Payer", "lastName": f"No {n}", "email": f"payer{n}@example.com"}},
    )
    customer_id: str = created["createCustomer"]["customer"]["id"]
    cards = []
    for gateway, default in ((None, True), (slow_gateway, False)):
        tokenized = graphql(
            api,
            "mutation($input: TokenizeCardInput!) { tokenizeCard(input: $input) { paymentMethod { id } "
            "userErrors { code message } } }",
            {"input": {"customerId": customer_id, "gatewayId": gateway, "makeDefault": default,
                       "card": {"number": VISA, "expMonth": 12, "expYear": datetime.now(UTC).year + 3,
                                "cvc": "123"}}},
        )  # fmt: skip
        cards.append(tokenized["tokenizeCard"]["paymentMethod"]["id"])
    return Customer(customer_id, cards[0], cards[1])


def seed(base: str, key_headers: dict[str, str], count: int, latency_ms: int) -> list[Customer]:
    """The slow gateway and ``count`` customers, a few API calls in flight at once (threads)."""
    from concurrent.futures import ThreadPoolExecutor

    with httpx.Client(base_url=base, headers=key_headers, timeout=REQUEST_TIMEOUT_S) as api:
        slow = add_slow_gateway(api, latency_ms)
        with ThreadPoolExecutor(SEED_CONCURRENCY) as pool:
            return list(pool.map(lambda n: seed_customer(api, n, slow), range(count)))


def build_targets(
    paydesk: Server,
    baseline: Server,
    customers: Sequence[Customer],
    key_headers: dict[str, str],
    latency_ms: int,
) -> list[Target]:
    run_id = datetime.now(UTC).strftime("%H%M%S")
    slow = f"paydesk {latency_ms}ms"
    return [
        Target("baseline", "hand-written Starlette + Core inserts, same phases and rows",
               baseline.url + "/charge", {}, baseline_body(customers, run_id, 0), baseline.process.pid),
        Target("paydesk", "GraphQL chargeNow, API key, sandbox at 0 ms", paydesk.url + "/graphql",
               key_headers, paydesk_body(customers, run_id, slow=False), paydesk.process.pid),
        Target(slow, f"GraphQL chargeNow, API key, sandbox at {latency_ms} ms", paydesk.url + "/graphql",
               key_headers, paydesk_body(customers, run_id, slow=True), paydesk.process.pid, latency_ms),
        Target(f"baseline {latency_ms}ms", f"the baseline sleeping {latency_ms} ms for its gateway",
               baseline.url + "/charge", {}, baseline_body(customers, run_id, latency_ms),
               baseline.process.pid, latency_ms),
    ]  # fmt: skip


def check_reference(targets: Sequence[Target]) -> None:
    """One request to each target must give a PAID sale before the load starts."""
    for target in targets:
        response = httpx.post(
            target.url, json=target.body(10**9), headers=target.headers, timeout=REQUEST_TIMEOUT_S
        )
        problem = problem_in(response)
        if problem is not None:
            raise BenchError(f"{target.name}: {problem}")


async def sale_statuses(database_url: str) -> dict[str, int]:
    """How many sales are in each status, read once the servers have stopped."""
    from sqlalchemy import text

    from paydesk.db import create_engine

    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT status, count(*) FROM sale GROUP BY status"))
            return {str(status): int(count) for status, count in rows}
    finally:
        await engine.dispose()


# --- one backend ---------------------------------------------------------------------------------------


def prepare(workdir: Path, name: str, pg_base: str | None) -> Backend:
    if pg_base is None:
        url = f"sqlite+aiosqlite:///{workdir / 'charge.db'}"
    else:
        asyncio.run(create_database(pg_base, "charge_now"))
        url = f"{pg_base}/charge_now"
    return Backend(name, url, backend_env(workdir, url))


async def create_database(pg_base: str, name: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(pg_base.replace("postgresql+asyncpg", "postgresql") + "/postgres")
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()


def measure_backend(workdir: Path, backend: Backend, args: argparse.Namespace) -> dict[str, Any]:
    say(f"{backend.name}: migrate, account, servers, {args.customers} customers with two cards each")
    run_cli(["migrate"], backend.env)
    account = json.loads(
        run_cli(["account", "create", "--name", "Bench", "--owner-email", OWNER_EMAIL,
                 "--owner-password", OWNER_PASSWORD, "--json"], backend.env)
    )  # fmt: skip
    key_headers = {"Api-Appid": account["appId"], "Api-Key": account["apiKey"]}
    servers: list[Server] = []
    try:
        paydesk, baseline = start_servers(workdir, backend, account["accountId"], servers)
        customers = seed(paydesk.url, key_headers, args.customers, args.latency_ms)
        targets = build_targets(paydesk, baseline, customers, key_headers, args.latency_ms)
        check_reference(targets)
        say(f"{backend.name}: measuring {args.seconds:g} s per target in {args.rounds} rounds, "
            f"{args.concurrency} in flight")  # fmt: skip
        segments = run_load(targets, args)
        peaks = {server.name: rss_kb(server.process.pid, "VmHWM") for server in servers}
    except BenchError:
        for server in servers:
            say(f"--- {server.name} log (tail) ---\n{server.log_tail()}")
        raise
    finally:
        for server in servers:
            server.stop()
    statuses = asyncio.run(sale_statuses(backend.database_url))
    result = summarize(targets, segments, args)
    result.update(backend=backend.name, peak_rss_kb=peaks, sales_by_status=statuses)
    if set(statuses) != {"PAID"}:
        raise BenchError(f"{backend.name}: sales not PAID after the run: {statuses}")
    return result


# --- results ------------------------------------------------------------------------------------------


def summarize(
    targets: Sequence[Target], segments: Sequence[Segment], args: argparse.Namespace
) -> dict[str, Any]:
    rows = {t.name: target_row(t, [s for s in segments if s.target == t.name]) for t in targets}
    add_ratios(rows, "baseline")
    fast, slow = rows["paydesk"], rows[targets[2].name]
    return {"targets": rows, "latency": latency_target(fast, slow, args.concurrency, args.latency_ms)}


def target_row(target: Target, mine: Sequence[Segment]) -> dict[str, Any]:
    latencies = [x for s in mine for x in s.latencies_s]
    seconds = sum(s.seconds for s in mine)
    cpu = sum(s.server_cpu_s for s in mine)
    return {
        "description": target.description,
        "latency_ms": target.latency_ms,
        "requests": len(latencies),
        "errors": sum(s.errors for s in mine),
        "first_error": next((s.first_error for s in mine if s.first_error), None),
        "seconds": round(seconds, 3),
        "req_per_s": round(len(latencies) / seconds, 2) if seconds else 0.0,
        "p50_ms": round(percentile_ms(latencies, 50), 2),
        "p99_ms": round(percentile_ms(latencies, 99), 2),
        "server_cpu_us_per_request": round(cpu / len(latencies) * 1e6, 1) if latencies else None,
        "server_cpu_busy": round(cpu / seconds, 2) if seconds else None,
        "server_rss_kb_max": max((s.server_rss_kb for s in mine), default=0),
        "rounds": [
            {
                "round": s.round + 1,
                "req_per_s": round(s.req_per_s, 2),
                "errors": s.errors,
                "p50_ms": round(percentile_ms(s.latencies_s, 50), 2),
            }
            for s in mine
        ],
    }


def add_ratios(rows: dict[str, dict[str, Any]], base_name: str) -> None:
    """Each row's req/s and server CPU per request against the baseline's, pooled and per round."""
    base = rows[base_name]
    for row in rows.values():
        pairs = zip(row["rounds"], base["rounds"], strict=True)
        per_round = [r["req_per_s"] / b["req_per_s"] for r, b in pairs if b["req_per_s"]]
        row["ratio_req_per_s"] = ratio(row["req_per_s"], base["req_per_s"])
        row["ratio_req_per_s_median_round"] = round(statistics.median(per_round), 3) if per_round else None
        row["ratio_server_cpu"] = ratio(base["server_cpu_us_per_request"], row["server_cpu_us_per_request"])


def latency_target(
    fast: dict[str, Any], slow: dict[str, Any], concurrency: int, latency_ms: int
) -> dict[str, Any]:
    """The slow gateway's rate against min(concurrency / latency, the zero-latency rate): target 0.8."""
    ceiling = concurrency * 1000 / latency_ms
    ideal = min(ceiling, fast["req_per_s"])
    achieved = ratio(slow["req_per_s"], ideal)
    return {
        "concurrency": concurrency, "latency_ms": latency_ms, "concurrency_over_latency": round(ceiling, 1),
        "zero_latency_req_per_s": fast["req_per_s"], "ideal_req_per_s": round(ideal, 2),
        "req_per_s": slow["req_per_s"], "ratio": achieved, "target": TARGET_RATIO,
        "met": achieved is not None and achieved >= TARGET_RATIO,
    }  # fmt: skip


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 3) if numerator and denominator else None


def table(backends: Sequence[dict[str, Any]]) -> str:
    columns = (
        ("backend", "<10"), ("target", "<15"), ("req/s", ">7"), ("rounds", ">11"), ("p50 ms", ">8"),
        ("p99 ms", ">8"), ("x base", ">7"), ("srv CPU us", ">10"), ("x CPU", ">6"), ("RSS MB", ">7"),
        ("errors", ">6"),
    )  # fmt: skip
    header = " ".join(f"{title:{align}}" for title, align in columns)
    lines = [header, "-" * len(header)]
    for result in backends:
        for name, row in result["targets"].items():
            rates = [r["req_per_s"] for r in row["rounds"]]
            cells = (
                result["backend"], name, f"{row['req_per_s']:.1f}", f"{min(rates):.0f}-{max(rates):.0f}",
                f"{row['p50_ms']:.1f}", f"{row['p99_ms']:.1f}", _num(row["ratio_req_per_s"]),
                _num(row["server_cpu_us_per_request"], 0), _num(row["ratio_server_cpu"], 2),
                f"{row['server_rss_kb_max'] / 1024:.0f}", str(row["errors"]),
            )  # fmt: skip
            lines.append(" ".join(f"{cell:{align}}" for cell, (_, align) in zip(cells, columns, strict=True)))
    for result in backends:
        slow = result["latency"]
        verdict = "met" if slow["met"] else "missed"
        lines.append(
            f"{result['backend']}: {slow['latency_ms']} ms gateway, {slow['concurrency']} in flight: "
            f"{slow['req_per_s']:.1f} req/s = {_num(slow['ratio'])} of "
            f"min({slow['concurrency_over_latency']:.0f}, {slow['zero_latency_req_per_s']:.1f}) "
            f"(target {TARGET_RATIO}: {verdict})"
        )
    return "\n".join(lines)


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the command ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="measured seconds per target (12)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per target (2)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (32)")
    parser.add_argument("--latency-ms", type=int, default=100, help="the slow sandbox's latency (100)")
    parser.add_argument("--customers", type=int, default=300, help="customers charged in turn (300)")
    parser.add_argument(
        "--postgresql", action="store_true", help="measure a throwaway PostgreSQL cluster too"
    )
    parser.add_argument(
        "--output", type=Path, help="the JSON results file (bench/results/charge_now-<date>.json)"
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or min(args.rounds, args.concurrency, args.customers) < 1:
        parser.error("--seconds must be positive; --rounds, --concurrency and --customers at least 1")
    if not 1 <= args.latency_ms <= 60_000:
        parser.error("--latency-ms is 1 to 60000")
    return args


def measure_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="paydesk-bench-charge-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        results.append(measure_backend(sqlite_dir, prepare(sqlite_dir, "sqlite", None), args))
        if args.postgresql:
            from tests.postgres import cluster

            pg_dir = Path(tmp) / "postgresql"
            pg_dir.mkdir()
            with cluster() as pg_base:
                results.append(measure_backend(pg_dir, prepare(pg_dir, "postgresql", pg_base), args))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, Any] = {
        "benchmark": "charge_now",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "paydesk": git_state(),
        "machine": machine_info(),
    }
    try:
        with sigterm_as_exit():
            results["backends"] = measure_all(args)
    except BenchError as error:
        say(f"bench: {error}")
        return 1
    except KeyboardInterrupt:
        say("bench: interrupted; servers stopped, temporary files removed")
        return 130
    results["machine"]["loadavg_at_end"] = list(os.getloadavg())
    path = args.output or results_path(datetime.now(UTC), "charge_now")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nchargeNow, {args.concurrency} in flight, {args.seconds:g} s per target\n")
    print(table(results["backends"]))
    print(f"\nwritten to {path}")
    errors = sum(row["errors"] for backend in results["backends"] for row in backend["targets"].values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
