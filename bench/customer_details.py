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
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

CUSTOMER_QUERY = (
    "query($id: ID!) { customer(id: $id) { id firstName lastName email phone createdAt "
    "addresses { id line1 city country } "
    "comments(first: 20) { totalCount edges { node { id body createdAt author { email } } } } } }"
)
TYPENAME_QUERY = "{ __typename }"
ADDRESSES = 3
COMMENTS = 20
OWNER_EMAIL = "owner@bench.paydesk.test"
OWNER_PASSWORD = "bench-password-123"
# PAYDESK_SECRET_KEY needs 32+ characters; 40 leaves a margin.
SECRET_KEY = "bench-secret-key-0123456789abcdefghijklm"
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


def paydesk_env(workdir: Path) -> dict[str, str]:
    """The caller's environment without its PAYDESK_ settings, plus the benchmark's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYDESK_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-compiled files make each start faster
    env.update(
        PAYDESK_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
        PAYDESK_DATA_DIR=str(workdir),
        PAYDESK_SECRET_KEY=SECRET_KEY,
        PAYDESK_RATE_LIMIT=UNLIMITED,
        PAYDESK_SESSION_RATE_LIMIT=UNLIMITED,
        PAYDESK_LOG_LEVEL="WARNING",
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


# --- set-up through the API -----------------------------------------------------------------------


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


def seed_customer(base: str, key_headers: dict[str, str]) -> str:
    """A customer with addresses (written with the API key) and comments (by the signed-in owner)."""
    with httpx.Client(base_url=base, headers=key_headers, timeout=REQUEST_TIMEOUT_S) as api:
        created = graphql(
            api,
            "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) "
            "{ customer { id } userErrors { code message } } }",
            {"input": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
                       "phone": "+44 20 7946 0000"}},
        )  # fmt: skip
        customer_id: str = created["createCustomer"]["customer"]["id"]
        for n in range(ADDRESSES):
            graphql(
                api,
                "mutation($input: AddAddressInput!) { addAddress(input: $input) "
                "{ address { id } userErrors { code message } } }",
                {"input": {"customerId": customer_id, "line1": f"{n + 1} Analytical Row",
                           "city": "London", "postalCode": "N1 9GU", "country": "GB"}},
            )  # fmt: skip
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as staff:
        graphql(
            staff,
            "mutation($input: SignInInput!) { signIn(input: $input) { user { id } userErrors { code } } }",
            {"input": {"email": OWNER_EMAIL, "password": OWNER_PASSWORD}},
        )
        for n in range(COMMENTS):
            graphql(
                staff,
                "mutation($input: AddCommentInput!) { addComment(input: $input) "
                "{ comment { id } userErrors { code message } } }",
                {"input": {"customerId": customer_id, "body": f"Note {n + 1}: called about the invoice."}},
            )
    return customer_id


def check_details(data: Any) -> None:
    """The customer-details answer holds what was seeded."""
    customer = (data or {}).get("customer") or {}
    comments = customer.get("comments") or {}
    authors = {(e["node"].get("author") or {}).get("email") for e in comments.get("edges", [])}
    shape = (len(customer.get("addresses", [])), comments.get("totalCount"), len(comments.get("edges", [])))
    if shape != (ADDRESSES, COMMENTS, COMMENTS) or authors != {OWNER_EMAIL}:
        raise BenchError(f"unexpected customer details: {json.dumps(data)[:500]}")


def reference_body(target: Target) -> bytes:
    """One answer to the target; the load phase compares every answer with it byte for byte."""
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


def build_targets(
    paydesk: Server, baseline: Server, customer_id: str, key_headers: dict[str, str]
) -> list[Target]:
    """The four targets with their reference bodies, checked against each other."""
    targets = [
        Target("baseline", "hand-written Starlette + SQLAlchemy Core (aiosqlite)", baseline.url, "GET",
               f"/customer/{customer_id}", server_pid=baseline.process.pid),
        Target("paydesk", "GraphQL customer details, API key", paydesk.url, "POST", "/graphql",
               {"query": CUSTOMER_QUERY, "variables": {"id": customer_id}}, key_headers,
               server_pid=paydesk.process.pid),
        Target("floor", "GraphQL { __typename }, API key (graphql-core + auth + rate limit)", paydesk.url,
               "POST", "/graphql", {"query": TYPENAME_QUERY}, key_headers, server_pid=paydesk.process.pid),
        Target("static", "constant JSON from the baseline app (uvicorn + client ceiling)", baseline.url,
               "GET", "/ping", server_pid=baseline.process.pid),
    ]  # fmt: skip
    checked = [replace(t, expected=reference_body(t)) for t in targets]
    bodies = {t.name: json.loads(t.expected) for t in checked}
    check_details(bodies["paydesk"].get("data"))
    if bodies["baseline"] != bodies["paydesk"]:
        raise BenchError(
            "the baseline's answer differs from paydesk's:\n"
            f"baseline {json.dumps(bodies['baseline'])[:400]}\npaydesk  {json.dumps(bodies['paydesk'])[:400]}"
        )
    if bodies["floor"] != {"data": {"__typename": "Query"}}:
        raise BenchError(f"unexpected {{ __typename }} answer: {bodies['floor']}")
    return checked


# --- load -------------------------------------------------------------------------------------------


async def worker(client: httpx.AsyncClient, target: Target, deadline: float, segment: Segment) -> None:
    """Requests back to back until the deadline; latency of the good ones, a count of the rest."""
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await client.send(target.request(client))
            ok = response.status_code == 200 and response.content == target.expected
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
    base = summary["baseline"]
    for row in summary.values():
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


def results_path(now: datetime) -> Path:
    """bench/results/customer_details-<date>.json, with -2, -3... for later runs of the same day."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"customer_details-{now:%Y-%m-%d}"
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


def set_up(workdir: Path, env: dict[str, str], servers: list[Server]) -> list[Target]:
    """Database, account, both servers (added to ``servers`` as they start) and the customer."""
    print("setting up: migrate, account, servers, customer", file=sys.stderr)
    run_cli(["migrate"], env)
    account = json.loads(
        run_cli(["account", "create", "--name", "Bench", "--owner-email", OWNER_EMAIL,
                 "--owner-password", OWNER_PASSWORD, "--json"], env)
    )  # fmt: skip
    key_headers = {"Api-Appid": account["appId"], "Api-Key": account["apiKey"]}
    paydesk = start_paydesk(workdir, env)
    servers.append(paydesk)
    paydesk.wait_ready(paydesk.url + "/healthz")
    baseline = start_baseline(workdir, env)
    servers.append(baseline)
    baseline.wait_ready(baseline.url + "/ping")
    customer_id = seed_customer(paydesk.url, key_headers)
    return build_targets(paydesk, baseline, customer_id, key_headers)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, measure and stop everything, however it ends; the results as one JSON-ready dict."""
    results: dict[str, Any] = {
        "benchmark": "customer_details",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": vars(args),
        "query": CUSTOMER_QUERY,
        "data": {"addresses": ADDRESSES, "comments": COMMENTS},
        "paydesk": git_state(),  # before the run: the source may change while it lasts
        "machine": machine_info(),
    }
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="paydesk-bench-") as tmp:
        try:
            targets = set_up(Path(tmp), paydesk_env(Path(tmp)), servers)
            print(f"measuring {args.seconds:g} s per target in {args.rounds} rounds", file=sys.stderr)
            segments = run_load(targets, args)
        except BenchError:
            for server in servers:
                print(f"--- {server.name} log (tail) ---\n{server.log_tail()}", file=sys.stderr)
            raise
        finally:
            for server in servers:
                server.stop()
    results["machine"]["loadavg_at_end"] = list(os.getloadavg())
    results["targets"] = summarize(targets, segments)
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
    print(table(results["targets"]))
    errors = sum(row["errors"] for row in results["targets"].values())
    print(f"\nwritten to {path.relative_to(REPO_DIR)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
