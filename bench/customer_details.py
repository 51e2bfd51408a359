"""Throughput and latency of paydesk's customer-details query, as ratios to a baseline run alongside.

What is measured, over HTTP on 127.0.0.1, each target served by one uvicorn process:

- ``baseline``: ``GET /customer/{id}`` of ``baseline_app.py``, a hand-written
  Starlette endpoint answering the same JSON from the same SQLite file with the
  same driver (SQLAlchemy async + aiosqlite, Core selects);
- ``paydesk``: ``POST /graphql`` with the customer-details query below, with an
  API key, through everything a partner's request goes through;
- ``floor``: ``POST /graphql`` with ``{ __typename }`` and the same API key:
  the graphql-core + authentication + rate-limit cost that no resolver work can
  remove;
- ``static``: ``GET /ping`` of the baseline app, a constant: the ceiling of
  uvicorn plus this load client, to tell whether the baseline is client-bound.

Why ratios: the machine is shared and noisy, so absolute requests/s mean
little from one run to the next. The targets take turns in interleaved rounds
(the order rotating each round) so that noise lands on all of them, and the
table divides each by the baseline of the same run. STYLE.md's figures for
this kind of query: paydesk about 0.15 of the baseline, the floor about 0.5.

Load: ``--concurrency`` workers (8) share one httpx.AsyncClient and send
requests back to back for ``--seconds`` (10) per target in total, split over
``--rounds`` (3), after a warm-up of ``--warmup`` (2) seconds per target. Every
response must be HTTP 200 with exactly the body checked at set-up; anything
else counts as an error.

Set-up: a temporary directory with a SQLite database, ``paydesk migrate``,
``paydesk account create --json``, then through the GraphQL API a customer
with 3 addresses (API key) and 20 comments (the owner's session, so that
``author`` resolves to a user). Servers and the directory are removed however
the run ends.

Run: ``.venv/bin/python bench/customer_details.py [--seconds N]``. Results go
to stdout as a table and to ``bench/results/customer_details-<date>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO_DIR))  # tests/postgres.py, for --postgresql

import dataset  # noqa: E402 (the sibling module that builds and keeps the data set)
from dataset import Dataset  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

# The portal's customer page: everything the "customer details" names, transactions paged by $first.
DETAILS_QUERY = (
    "query CustomerDetails($id: ID!, $first: Int!) { customer(id: $id) { "
    "id number firstName lastName email phone createdAt "
    "addresses { id line1 line2 city state postalCode country } "
    "comments(first: 20) { totalCount edges { node { id body createdAt author { email } } } } "
    "paymentMethods { id brand last4 expMonth expYear isDefault status } "
    "defaultPaymentMethod { id brand last4 } "
    "transactions(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { node { "
    "id status total { amount currency } transactionDate "
    "lines { description quantity unitPrice { amount } total { amount } kind } "
    "refunds { id amount { amount } status createdAt } } } } "
    "subscriptions { id status description quantity unitPrice { amount currency } unit nextChargeDate } "
    "paymentRequests(first: 20) { totalCount edges { node { id status amount { amount currency } "
    "createdAt } } } "
    "invoices(first: 20) { totalCount edges { node { id number total { amount currency } issuedAt } } } } }"
)
# The portal's customers page: a page of customers with each one's default card and last payment.
LIST_QUERY = (
    "query Customers($first: Int!) { customers(first: $first) { totalCount "
    "pageInfo { hasNextPage endCursor } "
    "edges { node { id number firstName lastName email createdAt "
    "defaultPaymentMethod { id brand last4 expMonth expYear } "
    "lastPayment { id status total { amount currency } transactionDate } } } } }"
)
TYPENAME_QUERY = "{ __typename }"
DETAILS_FIRST = 50
LIST_FIRST = 100
# Page sizes at which SQL statements per request are counted (they must not grow with it).
PAGE_SIZES = (10, 50, 100)
# High enough that the limiter counts every request but never refuses one.
UNLIMITED = "1000000/minute"
STARTUP_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 10.0
# How long a worker may overrun its deadline before the segment is abandoned.
OVERRUN_S = REQUEST_TIMEOUT_S + 5.0
PACKAGES = ("strawberry-graphql", "graphql-core", "sqlalchemy", "aiosqlite", "starlette", "uvicorn", "httpx")


class BenchError(Exception):
    """The benchmark could not be set up or its answers were wrong; the message says which."""


# --- targets and measurements -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One kind of request, and the exact body every answer to it must have."""

    name: str
    description: str
    base_url: str
    method: str
    path: str
    json_body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expected: bytes = b""
    server_pid: int = 0
    # The target this one is divided by (its hand-written baseline).
    base: str = "baseline"

    def answered(self, body: bytes) -> bool:
        """The answer is the reference one: a baseline's exactly, paydesk's up to its extensions.cost
        (whose throttleStatus moves with every request)."""
        if self.expected.startswith(b'{"data"') and body.startswith(self.expected[:-1]):
            rest = body[len(self.expected) - 1 :]
            return rest == b"}" or rest.startswith(b',"extensions"')
        return body == self.expected

    def request(self, client: httpx.AsyncClient) -> httpx.Request:
        return client.build_request(self.method, self.base_url + self.path, json=self.json_body)


@dataclass
class Segment:
    """One stretch of load on one target."""

    target: str
    round: int
    seconds: float
    latencies_s: list[float]
    errors: int
    first_error: str | None
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_s)

    @property
    def req_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used so far."""
    # utime and stime are fields 14 and 15 of /proc/PID/stat; after the ")" ending field 2, 11 and 12.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile_ms(latencies_s: Sequence[float], pct: int) -> float:
    if len(latencies_s) < 2:
        return latencies_s[0] * 1000 if latencies_s else float("nan")
    return statistics.quantiles(latencies_s, n=100, method="inclusive")[pct - 1] * 1000


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def paydesk_env(workdir: Path, data: Dataset) -> dict[str, str]:
    """The caller's environment without its PAYDESK_ settings, plus the benchmark's: production, on
    the data set, no background jobs (they would bill its due orders mid-run), rate limits raised."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYDESK_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-compiled files make each start faster
    env.update(
        data.env(),
        PAYDESK_ENV="production",
        PAYDESK_DATA_DIR=str(workdir),
        PAYDESK_RATE_LIMIT=UNLIMITED,
        PAYDESK_SESSION_RATE_LIMIT=UNLIMITED,
        PAYDESK_LOG_LEVEL="ERROR",
        PAYDESK_JOBS="false",
    )
    return env


def run_cli(args: Sequence[str], env: dict[str, str]) -> str:
    """Run a paydesk command to completion; its stdout, or BenchError with its stderr."""
    done = subprocess.run(  # noqa: S603 (our own venv's executable, fixed arguments)
        [str(VENV_BIN / "paydesk"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"paydesk {args[0]} failed ({done.returncode}):\n{done.stderr.strip()}")
    return done.stdout


class Server:
    """A server subprocess, its log in the work directory, stopped by ``stop`` in any state."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log: Path, port: int) -> None:
        self.name = name
        self.log = log
        self.url = f"http://{HOST}:{port}"
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own venv's executables, fixed arguments)
                list(argv), env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_ready(self, url: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        raise BenchError(f"{self.name} did not answer {url} within {STARTUP_TIMEOUT_S:.0f} s")

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_paydesk(workdir: Path, env: dict[str, str]) -> Server:
    port = free_port()
    argv = [str(VENV_BIN / "paydesk"), "serve", "--host", HOST, "--port", str(port)]
    return Server("paydesk", argv, env, workdir / "paydesk.log", port)


def start_baseline(workdir: Path, env: dict[str, str]) -> Server:
    port = free_port()
    argv = [
        sys.executable, "-m", "uvicorn", "baseline_app:create_app", "--factory",
        "--app-dir", str(BENCH_DIR), "--host", HOST, "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    baseline_env = {**env, "BENCH_DATABASE_URL": env["PAYDESK_DATABASE_URL"]}
    return Server("baseline", argv, baseline_env, workdir / "baseline.log", port)


# --- targets ---------------------------------------------------------------------------------------


def check_details(data: Any) -> None:
    """The customer-details answer holds what the data set put there."""
    customer = (data or {}).get("customer") or {}
    shape = (
        len(customer.get("addresses", [])),
        len(customer.get("paymentMethods", [])),
        len((customer.get("transactions") or {}).get("edges", [])),
    )
    if shape != (dataset.ADDRESSES, dataset.CARDS, DETAILS_FIRST):
        raise BenchError(f"unexpected customer details {shape}: {json.dumps(data)[:500]}")


def first_difference(a: Any, b: Any, path: str = "") -> str:
    """Where two JSON values first differ, and the two values there."""
    if isinstance(a, dict) and isinstance(b, dict) and list(a) == list(b):
        return next((first_difference(a[k], b[k], f"{path}.{k}") for k in a if a[k] != b[k]), "")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return next(
            (
                first_difference(x, y, f"{path}[{i}]")
                for i, (x, y) in enumerate(zip(a, b, strict=True))
                if x != y
            ),
            "",
        )
    return f"{path}: {json.dumps(a)[:300]} != {json.dumps(b)[:300]}"


def reference_body(target: Target) -> bytes:
    """One answer to the target; the load phase compares every answer with it."""
    response = httpx.request(
        target.method,
        target.base_url + target.path,
        json=target.json_body,
        headers=target.headers,
        timeout=REQUEST_TIMEOUT_S,
    )
    if response.status_code != 200:
        raise BenchError(f"{target.name}: HTTP {response.status_code}: {response.text[:500]}")
    return response.content


def build_targets(paydesk: Server, baseline: Server, data: Dataset) -> list[Target]:
    """The targets with their reference bodies, each checked against its baseline's."""
    key = {"Api-Appid": data.app_id, "Api-Key": data.api_key}
    details = {"query": DETAILS_QUERY, "variables": {"id": data.customer_id, "first": DETAILS_FIRST}}
    listing = {"query": LIST_QUERY, "variables": {"first": LIST_FIRST}}
    targets = [
        Target("baseline", "customer details, hand-written Starlette + SQLAlchemy Core", baseline.url, "GET",
               f"/customer/{data.customer_id}?first={DETAILS_FIRST}", server_pid=baseline.process.pid),
        Target("paydesk", "GraphQL customer details, API key", paydesk.url, "POST", "/graphql", details, key,
               server_pid=paydesk.process.pid),
        Target("list_baseline", f"{LIST_FIRST} customers, hand-written Starlette + SQLAlchemy Core",
               baseline.url, "GET", f"/customers?account={data.account_id}&first={LIST_FIRST}",
               server_pid=baseline.process.pid, base="list_baseline"),
        Target("customers_list", f"GraphQL customers(first: {LIST_FIRST}), API key", paydesk.url, "POST",
               "/graphql", listing, key, server_pid=paydesk.process.pid, base="list_baseline"),
        Target("floor", "GraphQL { __typename }, API key (graphql-core + auth + rate limit)", paydesk.url,
               "POST", "/graphql", {"query": TYPENAME_QUERY}, key, server_pid=paydesk.process.pid),
        Target("static", "constant JSON from the baseline app (uvicorn + client ceiling)", baseline.url,
               "GET", "/ping", server_pid=baseline.process.pid),
    ]  # fmt: skip
    checked = [replace(t, expected=reference_body(t)) for t in targets]
    bodies = {t.name: json.loads(t.expected) for t in checked}
    check_details(bodies["paydesk"].get("data"))
    for mine, base in (("paydesk", "baseline"), ("customers_list", "list_baseline")):
        if bodies[base] != {"data": bodies[mine].get("data")}:
            where = first_difference(bodies[base], {"data": bodies[mine].get("data")})
            raise BenchError(f"the {base} answer differs from {mine}'s at {where}")
    if bodies["floor"].get("data") != {"__typename": "Query"}:
        raise BenchError(f"unexpected {{ __typename }} answer: {bodies['floor']}")
    # paydesk's answers are compared byte for byte with the baseline's, up to extensions.cost.
    by_name = {t.name: t for t in checked}
    floor = json.dumps({"data": bodies["floor"]["data"]}, separators=(",", ":")).encode()
    return [
        replace(t, expected=by_name[t.base].expected) if t.name in ("paydesk", "customers_list")
        else replace(t, expected=floor) if t.name == "floor"
        else t
        for t in checked
    ]  # fmt: skip


# --- load -------------------------------------------------------------------------------------------


async def worker(client: httpx.AsyncClient, target: Target, deadline: float, segment: Segment) -> None:
    """Requests back to back until the deadline; latency of the good ones, a count of the rest."""
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await client.send(target.request(client))
            ok = response.status_code == 200 and target.answered(response.content)
            problem = None if ok else f"HTTP {response.status_code}: {response.text[:300]}"
        except httpx.HTTPError as error:
            problem = f"{type(error).__name__}: {error}"
        if problem is None:
            segment.latencies_s.append(time.perf_counter() - started)
        else:
            segment.errors += 1
            segment.first_error = segment.first_error or problem


async def load(target: Target, seconds: float, concurrency: int, round_no: int) -> Segment:
    """``concurrency`` workers on one client for ``seconds``; in-flight requests finish, then it stops."""
    segment = Segment(target.name, round_no, 0.0, [], 0, None)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=target.headers, limits=limits, timeout=REQUEST_TIMEOUT_S) as client:
        server_cpu, client_cpu = process_cpu_s(target.server_pid), time.process_time()
        started = time.perf_counter()
        deadline = started + seconds
        try:
            async with asyncio.timeout(seconds + OVERRUN_S), asyncio.TaskGroup() as group:
                for _ in range(concurrency):
                    group.create_task(worker(client, target, deadline, segment))
        except TimeoutError:
            segment.errors += 1
            segment.first_error = segment.first_error or "segment overran its deadline"
        segment.seconds = time.perf_counter() - started
        segment.server_cpu_s = process_cpu_s(target.server_pid) - server_cpu
        segment.client_cpu_s = time.process_time() - client_cpu
    return segment


async def measure(targets: Sequence[Target], args: argparse.Namespace) -> list[Segment]:
    """Warm every target up, then rounds in which the targets take turns, the order rotating."""
    for target in targets:
        await load(target, args.warmup, args.concurrency, round_no=-1)
    per_round = args.seconds / args.rounds
    segments: list[Segment] = []
    for round_no in range(args.rounds):
        shift = round_no % len(targets)
        for target in [*targets[shift:], *targets[:shift]]:
            segment = await load(target, per_round, args.concurrency, round_no)
            segments.append(segment)
            print(
                f"  round {round_no + 1}/{args.rounds}  {target.name:<8} {segment.req_per_s:8.0f} req/s"
                f"  p50 {percentile_ms(segment.latencies_s, 50):6.2f} ms  errors {segment.errors}",
                file=sys.stderr,
            )
    return segments


def run_load(targets: Sequence[Target], args: argparse.Namespace) -> list[Segment]:
    try:
        import uvloop
    except ImportError:  # the client is faster on uvloop, but works without it
        return asyncio.run(measure(targets, args))
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(measure(targets, args))


# --- results ------------------------------------------------------------------------------------


def summarize(targets: Sequence[Target], segments: Sequence[Segment]) -> dict[str, dict[str, Any]]:
    """Per target: pooled req/s and latencies, per-round figures, and ratios to the baseline."""
    summary: dict[str, dict[str, Any]] = {}
    for target in targets:
        mine = [s for s in segments if s.target == target.name]
        latencies = [x for s in mine for x in s.latencies_s]
        seconds = sum(s.seconds for s in mine)
        summary[target.name] = {
            "description": target.description,
            "request": f"{target.method} {target.path}",
            "requests": len(latencies),
            "errors": sum(s.errors for s in mine),
            "first_error": next((s.first_error for s in mine if s.first_error), None),
            "seconds": round(seconds, 3),
            "req_per_s": round(len(latencies) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(percentile_ms(latencies, 50), 3),
            "p90_ms": round(percentile_ms(latencies, 90), 3),
            "p99_ms": round(percentile_ms(latencies, 99), 3),
            "max_ms": round(max(latencies, default=float("nan")) * 1000, 3),
            "server_cpu_us_per_request": per_request_us(sum(s.server_cpu_s for s in mine), len(latencies)),
            "client_cpu_us_per_request": per_request_us(sum(s.client_cpu_s for s in mine), len(latencies)),
            "server_cpu_busy": round(sum(s.server_cpu_s for s in mine) / seconds, 2) if seconds else None,
            "rounds": [
                {
                    "round": s.round + 1,
                    "req_per_s": round(s.req_per_s, 1),
                    "p50_ms": round(percentile_ms(s.latencies_s, 50), 3),
                    "p99_ms": round(percentile_ms(s.latencies_s, 99), 3),
                    "requests": s.requests,
                    "errors": s.errors,
                }
                for s in mine
            ],
        }
    for target in targets:
        row, base = summary[target.name], summary[target.base]
        row["base"] = target.base
        # The median of per-round ratios resists a noisy round better than the ratio of the totals.
        per_round = [
            r["req_per_s"] / b["req_per_s"]
            for r, b in zip(row["rounds"], base["rounds"], strict=True)
            if b["req_per_s"]
        ]
        row["ratio_req_per_s"] = round(row["req_per_s"] / base["req_per_s"], 3) if base["req_per_s"] else None
        row["ratio_req_per_s_rounds"] = [round(r, 3) for r in per_round]
        row["ratio_req_per_s_median_round"] = round(statistics.median(per_round), 3) if per_round else None
        row["ratio_p50"] = round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
        # Server CPU per request, inverted like req/s: the ratio were the server alone on its core.
        cpu, base_cpu = row["server_cpu_us_per_request"], base["server_cpu_us_per_request"]
        row["ratio_server_cpu"] = round(base_cpu / cpu, 3) if cpu and base_cpu else None
    return summary


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) so far, in MB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def per_request_us(cpu_s: float, requests: int) -> float | None:
    return round(cpu_s / requests * 1e6, 1) if requests else None


def table(summary: dict[str, dict[str, Any]]) -> str:
    """req/s and latencies, the throughput ratio (pooled and median of rounds) and the CPU-cost ratio."""
    columns = (
        ("target", "<9"), ("req/s", ">7"), ("rounds", ">11"), ("p50 ms", ">7"), ("p99 ms", ">8"),
        ("x base", ">7"), ("x rounds", ">8"), ("srv CPU us", ">10"), ("x CPU", ">6"), ("cli CPU us", ">10"),
        ("errors", ">6"),
    )  # fmt: skip
    header = " ".join(f"{title:{align}}" for title, align in columns)
    lines = [header, "-" * len(header)]
    for name, row in summary.items():
        rates = [r["req_per_s"] for r in row["rounds"]]
        cells = (
            name, f"{row['req_per_s']:.0f}", f"{min(rates):.0f}-{max(rates):.0f}", f"{row['p50_ms']:.2f}",
            f"{row['p99_ms']:.2f}", _num(row["ratio_req_per_s"]), _num(row["ratio_req_per_s_median_round"]),
            _num(row["server_cpu_us_per_request"], 0), _num(row["ratio_server_cpu"], 2),
            _num(row["client_cpu_us_per_request"], 0), str(row["errors"]),
        )  # fmt: skip
        lines.append(" ".join(f"{cell:{align}}" for cell, (_, align) in zip(cells, columns, strict=True)))
    return "\n".join(lines)


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            ["git", *args],  # noqa: S607 (git from PATH, like any developer's shell)
            cwd=REPO_DIR, capture_output=True, text=True, check=False,
        )  # fmt: skip
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "backend").splitlines()
    diff = hashlib.sha256(git("diff", "HEAD", "--", "backend").encode()).hexdigest()[:12]
    return {
        "commit": git("rev-parse", "HEAD"),
        # Uncommitted changes to backend/ are what was served; the hash tells two such runs apart.
        "backend_changes": [line.split(maxsplit=1)[1] for line in changed],
        "backend_diff_sha256": diff if changed else None,
        # Set to serve paydesk from another source tree (an A/B run); see README.md.
        "pythonpath": os.environ.get("PYTHONPATH"),
    }


def machine_info() -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": list(os.getloadavg()),
        "packages": versions,
    }


def results_path(now: datetime, bench: str = "customer_details") -> Path:
    """bench/results/<bench>-<date>.json, with -2, -3... for later runs of the same day (every bench's)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"{bench}-{now:%Y-%m-%d}"
    path, n = RESULTS_DIR / f"{stem}.json", 1
    while path.exists():
        n += 1
        path = RESULTS_DIR / f"{stem}-{n}.json"
    return path


# --- the command ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per target (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per target (2)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (8)")
    parser.add_argument(
        "--postgresql", action="store_true", help="also measure on a throwaway PostgreSQL cluster"
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.rounds < 1 or args.concurrency < 1:
        parser.error("--seconds must be positive, --rounds and --concurrency at least 1")
    return args


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """A SIGTERM unwinds like Ctrl-C, so that servers and the temporary directory are cleaned up."""

    def exit_now(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def set_up(workdir: Path, data: Dataset, servers: list[Server]) -> list[Target]:
    """Both servers on the data set (added to ``servers`` as they start) and the targets."""
    env = paydesk_env(workdir, data)
    paydesk = start_paydesk(workdir, env)
    servers.append(paydesk)
    paydesk.wait_ready(paydesk.url + "/healthz")
    baseline = start_baseline(workdir, env)
    servers.append(baseline)
    baseline.wait_ready(baseline.url + "/ping")
    return build_targets(paydesk, baseline, data)


def count_statements(workdir: Path, data: Dataset) -> dict[str, dict[str, int]]:
    """SQL statements per request of each read at each page size (see statements.py)."""
    import statements

    env = paydesk_env(workdir / "count", data)
    reads = {
        "customer_details": (DETAILS_QUERY, {"id": data.customer_id}),
        "customers_list": (LIST_QUERY, {}),
    }
    key = {"Api-Appid": data.app_id, "Api-Key": data.api_key}
    return statements.per_request(env, key, reads, PAGE_SIZES)


def run_backend(args: argparse.Namespace, backend: str, pg_base: str | None) -> dict[str, Any]:
    """One backend's data set, statement counts and load; its part of the results."""
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="paydesk-bench-") as tmp:
        workdir = Path(tmp)
        data = dataset.ensure(backend, pg_base, workdir)
        print(f"{backend}: counting statements per request", file=sys.stderr)
        counts = count_statements(workdir, data)
        try:
            targets = set_up(workdir, data, servers)
            print(
                f"{backend}: measuring {args.seconds:g} s per target in {args.rounds} rounds", file=sys.stderr
            )
            segments = run_load(targets, args)
            rss = {s.name: peak_rss_mb(s.process.pid) for s in servers}
        except BenchError:
            for server in servers:
                print(f"--- {server.name} log (tail) ---\n{server.log_tail()}", file=sys.stderr)
            raise
        finally:
            for server in servers:
                server.stop()
    summary = summarize(targets, segments)
    for name, row in summary.items():
        row["peak_server_rss_mb"] = rss[
            "paydesk" if name in ("paydesk", "customers_list", "floor") else "baseline"
        ]
    summary["paydesk"]["sql_statements_per_request"] = counts["customer_details"]
    summary["customers_list"]["sql_statements_per_request"] = counts["customers_list"]
    return {"backend": backend, "data": {"customers": data.customers, "revision": data.revision},
            "targets": summary}  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, measure and stop everything, however it ends; the results as one JSON-ready dict."""
    results: dict[str, Any] = {
        "benchmark": "customer_details",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": vars(args),
        "query": DETAILS_QUERY,
        "list_query": LIST_QUERY,
        "variables": {"details_first": DETAILS_FIRST, "list_first": LIST_FIRST},
        "paydesk": git_state(),  # before the run: the source may change while it lasts
        "machine": machine_info(),
    }
    backends = [run_backend(args, "sqlite", None)]
    if args.postgresql:
        from tests.postgres import cluster

        with cluster() as pg_base:
            backends.append(run_backend(args, "postgresql", pg_base))
    results["machine"]["loadavg_at_end"] = list(os.getloadavg())
    # targets: SQLite's, where they always were; every backend's under backends.
    results["targets"] = backends[0]["targets"]
    results["backends"] = backends
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with sigterm_as_exit():
            results = run(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped, temporary files removed", file=sys.stderr)
        return 130
    path = results_path(datetime.now(UTC))
    path.write_text(json.dumps(results, indent=2) + "\n")
    machine = results["machine"]
    print(
        f"\ncustomer details, {args.concurrency} in flight, {args.seconds:g} s per target; "
        f"nproc {machine['nproc']}, Python {machine['python']}, "
        f"load {machine['loadavg_at_start'][0]:.2f} -> {machine['loadavg_at_end'][0]:.2f}\n"
    )
    for part in results["backends"]:
        print(f"{part['backend']}:\n{table(part['targets'])}\n")
        counts = {n: r["sql_statements_per_request"] for n, r in part["targets"].items()
                  if "sql_statements_per_request" in r}  # fmt: skip
        print(f"SQL statements per request by page size: {json.dumps(counts)}\n")
    errors = sum(row["errors"] for part in results["backends"] for row in part["targets"].values())
    print(f"\nwritten to {path.relative_to(REPO_DIR)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
