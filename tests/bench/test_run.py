"""bench/run.py's reading of results: which file is new, and each figure against the issue's target."""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
import time
from collections import deque
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

RUN_PY = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", RUN_PY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_new_result_is_the_newest_file_added_or_rewritten(run: ModuleType) -> None:
    # given: two files before the step, one rewritten and two added during it
    before = {Path("billing-a.json"): 1.0, Path("billing-b.json"): 2.0}
    after = {**before, Path("billing-b.json"): 5.0, Path("billing-c.json"): 4.0, Path("billing-d.json"): 3.0}

    # then
    assert run.new_result(before, after) == Path("billing-b.json")
    assert run.new_result(before, dict(before)) is None


@pytest.mark.parametrize(
    ("value", "target", "at_most", "verdict"),
    [
        (0.6, 0.5, False, "met (20% over)"),
        (0.4, 0.5, False, "missed by 0.1 (20%)"),
        (1.5, 2.0, True, "met (25% under)"),
        (3.0, 2.0, True, "missed by 1 (50%)"),
        (1.0, 1.0, True, "met"),
        (None, 0.5, False, "not measured"),
    ],
)
def test_check_verdict_says_met_or_missed_and_by_how_much(
    run: ModuleType, value: float | None, target: float, at_most: bool, verdict: str
) -> None:
    assert run.Check("m", value, target, at_most=at_most).verdict() == verdict


# --- small results shaped like the benches' JSON files -------------------------------------------------


def billing_result(runner_ratio: float, latency_per_s: float | None) -> dict[str, Any]:
    """billing.py --installments 1000 [--latency-ms 100]: backends[].rows.{raw,runner,runner_latency}."""
    rows: dict[str, Any] = {
        "raw": {"name": "raw", "rows": 1000, "per_s_median": 10000.0, "statements": 3, "ratio_per_s": 1.0},
        "runner": {"name": "runner", "rows": 1000, "per_s_median": 10000.0 * runner_ratio,
                   "statements": 542, "statements_per_installment": 0.5, "ratio_per_s": runner_ratio},
    }  # fmt: skip
    if latency_per_s is not None:
        rows["runner_latency"] = {
            "name": "runner 100ms", "rows": 1000, "latency_ms": 100, "concurrency": 32,
            "per_s_median": latency_per_s, "ceiling_per_s": 320.0,
            "ratio_ceiling": round(latency_per_s / 320, 4), "ratio_per_s": 0.015,
        }  # fmt: skip
    return {
        "benchmark": "billing",
        "settings": {"installments": 1000, "postgresql": False, "latency_ms": 100 if latency_per_s else 0},
        "paydesk": {"commit": "0" * 40, "backend_changes": []},
        "backends": [{"backend": "sqlite", "rows": rows}],
    }


def read_target(
    ratio: float, cpu: float, p50: float, p99: float, counts: dict[str, int] | None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "req_per_s": 100 * ratio, "p50_ms": p50, "p99_ms": p99, "ratio_req_per_s": ratio,
        "ratio_req_per_s_rounds": [ratio], "server_cpu_us_per_request": 1000 / cpu,
        "ratio_server_cpu": cpu, "peak_server_rss_mb": 190.0, "errors": 0,
    }  # fmt: skip
    if counts is not None:
        row["sql_statements_per_request"] = counts  # JSON keys: the page sizes as strings
    return row


def reads_result(details_counts: dict[str, int]) -> dict[str, Any]:
    """customer_details.py: backends[].targets, its reads against baseline and list_baseline."""
    targets = {
        "baseline": read_target(1.0, 1.0, 10.0, 15.0, None),
        "paydesk": read_target(0.55, 0.45, 20.0, 50.0, details_counts),
        "list_baseline": read_target(1.0, 1.0, 10.0, 12.0, None),
        "customers_list": read_target(0.41, 0.41, 30.0, 45.0, {"10": 7, "50": 7, "100": 7}),
        "floor": read_target(3.0, 3.0, 5.0, 9.0, None),
    }
    return {
        "benchmark": "customer_details",
        "settings": {"seconds": 20.0},
        "paydesk": {"commit": "0" * 40, "backend_changes": []},
        "targets": targets,  # the first backend's, at the top as well
        "backends": [
            {"backend": "sqlite", "data": {"customers": 10000, "revision": "0018"}, "targets": targets}
        ],
    }


def charge_result() -> dict[str, Any]:
    """charge_now.py: backends[].latency holds the 100 ms figure against min(c / latency, 0 ms rate)."""
    target = {"req_per_s": 20.0, "p50_ms": 900.0, "p99_ms": 2000.0, "server_rss_kb_max": 176676, "errors": 0}
    return {
        "benchmark": "charge_now",
        "settings": {"seconds": 12.0},
        "paydesk": {"commit": "0" * 40},
        "backends": [{
            "backend": "sqlite",
            "targets": {"baseline": target, "paydesk": target, "paydesk 100ms": target},
            "latency": {"concurrency": 32, "latency_ms": 100, "concurrency_over_latency": 320.0,
                        "zero_latency_req_per_s": 18.87, "req_per_s": 20.51, "ratio": 1.087},
            "peak_rss_kb": {"paydesk": 194244, "baseline": 126688},
        }],
    }  # fmt: skip


def test_billing_is_checked_against_the_raw_insert_at_zero_and_concurrency_over_latency_at_100_ms(
    run: ModuleType,
) -> None:
    # 32 in flight at 100 ms: at most 320 a second; 160 is half of it
    checks = run.billing_checks(billing_result(0.12, 160.0))

    assert [(c.measure, c.value, c.target, c.met) for c in checks] == [
        ("sqlite: billing 1000 installments at 0 ms, x raw insert", 0.12, 0.1, True),
        (
            "sqlite: billing 1000 installments at 100 ms, 32 in flight, x concurrency / latency",
            0.5,
            0.7,
            False,
        ),
    ]
    assert checks[1].note == "160.0/s of 320.0/s"


def test_billing_without_latency_has_only_its_zero_latency_check(run: ModuleType) -> None:
    [check] = run.billing_checks(billing_result(0.018, None))

    assert (check.value, check.met, check.verdict()) == (0.018, False, "missed by 0.082 (82%)")


def test_reads_check_details_and_list_of_each_backend(run: ModuleType) -> None:
    checks = run.read_checks(reads_result({"10": 18, "50": 18, "100": 18}))

    assert [(c.measure, c.value, c.met) for c in checks] == [
        ("sqlite: customer details, req/s x baseline, 20 s run", 0.55, True),
        ("sqlite: customer details, server CPU x baseline, 20 s run", 0.45, False),
        ("sqlite: customer details, p99 / p50", 2.5, False),
        ("sqlite: customer details, statements at page size 100 x at 10", 1.0, True),
        ("sqlite: customers list, req/s x baseline, 20 s run", 0.41, True),
        ("sqlite: customers list, server CPU x baseline, 20 s run", 0.41, True),
        ("sqlite: customers list, p99 / p50", 1.5, True),
        ("sqlite: customers list, statements at page size 100 x at 10", 1.0, True),
    ]
    assert checks[3].note == "18 / 18 / 18 at page sizes 10 / 50 / 100"


def test_statements_growing_with_the_page_size_miss(run: ModuleType) -> None:
    checks = run.read_checks(reads_result({"10": 18, "50": 58, "100": 108}))

    [statements] = [
        c for c in checks if c.measure == "sqlite: customer details, statements at page size 100 x at 10"
    ]
    assert (statements.value, statements.met) == (6.0, False)


def test_charge_now_is_checked_at_100_ms(run: ModuleType) -> None:
    [check] = run.charge_checks(charge_result())

    assert (check.value, check.target, check.met) == (1.087, 0.8, True)
    assert check.note == "20.51 req/s of min(320.0, 18.87)"


def test_a_step_without_results_reports_its_targets_as_not_measured(run: ModuleType) -> None:
    manifest = {"settings": {"details_seconds": 20.0}, "steps": [
        {"name": "billing 10000", "status": "timeout", "result": None, "note": "stopped after its limit of 490 s"}
    ]}  # fmt: skip

    report = run.build_report(manifest)

    assert [(c.measure, c.value, c.target, c.verdict(), c.note) for c in report.checks][:2] == [
        ("billing 10000 installments at 0 ms, x raw insert", None, 0.1, "not measured",
         "stopped after its limit of 490 s"),
        ("billing 10000 installments at 100 ms, x concurrency / latency", None, 0.7, "not measured",
         "stopped after its limit of 490 s"),
    ]  # fmt: skip


def test_results_md_names_machine_versions_commit_every_figure_and_the_unmeasured(
    run: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a run's manifest naming one results file of each bench
    results = tmp_path / "bench" / "results"
    results.mkdir(parents=True)
    files = {"charge_now": charge_result(), "customer_details": reads_result({"10": 18, "50": 18, "100": 18}),
             "billing 1000": billing_result(0.018, 152.4)}  # fmt: skip
    steps = []
    for name, result in files.items():
        path = results / f"{name.replace(' ', '-')}.json"
        path.write_text(json.dumps(result))
        steps.append(
            {"name": name, "status": "ok", "seconds": 60.0, "result": str(path.relative_to(tmp_path))}
        )
    manifest = {
        "started_at": "2026-12-07T05:33:40+00:00", "seconds": 700.0, "settings": {"details_seconds": 20.0},
        "paydesk": {"commit": "a" * 40, "subject": "the subject", "uncommitted": []},
        "machine": {"nproc": 2, "cpu_model": "AMD EPYC", "platform": "Linux", "loadavg_at_start": [3.1],
                    "loadavg_at_end": [4.2]},
        "versions": {"Python": "3.11.7", "SQLite": "3.40.1"},
        "steps": steps,
    }  # fmt: skip
    monkeypatch.setattr(run, "REPO_DIR", tmp_path)

    # when
    report = run.build_report(manifest)
    text = run.render(manifest, report, {"notes-reads.md": "# Reads\n\nthe profile"})

    # then
    for expected in [
        "2 CPUs, AMD EPYC",
        "Python 3.11.7, SQLite 3.40.1",
        "aaaaaaaaaaaa the subject",
        "| sqlite: customers list, req/s x baseline, 20 s run | 0.410 | >= 0.4 | met (2% over) |",
        "| sqlite: billing 1000 installments at 0 ms, x raw insert | 0.018 | >= 0.1 | missed by 0.082 (82%) |",
        "| make bench (SQLite), seconds in all | 700.0 | <= 900 | met (22% under) |",
        "| postgresql: every target above | - | as on SQLite | not measured |",
        "| customers_list | 41.0 | 30.0 | 45.0 | 1.500 | 0.410 |",
        "7 / 7 / 7 at page sizes 10 / 50 / 100",
        "| sqlite | runner 100ms | 1000 | 152.4 |",
        "#### Reads\n\nthe profile",
    ]:
        assert expected in text


def test_results_md_of_two_runs_keeps_both_in_turn_and_the_notes_once(
    run: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: make bench's manifest, then one with --postgresql, each naming one billing result
    results = tmp_path / "bench" / "results"
    results.mkdir(parents=True)
    (results / "billing.json").write_text(json.dumps(billing_result(0.02, 230.0)))
    paths = []
    for n, postgresql in enumerate((False, True)):
        manifest = {
            "started_at": f"2026-12-07T0{n}:00:00+00:00", "seconds": 300.0 * (n + 1),
            "settings": {"details_seconds": 20.0, "postgresql": postgresql},
            "paydesk": {"commit": "b" * 40, "subject": "s", "uncommitted": []},
            "machine": {"nproc": 2, "cpu_model": "AMD EPYC", "loadavg_at_start": [3.0]},
            "versions": {"Python": "3.11.7"},
            "steps": [{"name": "billing 1000", "status": "ok", "seconds": 9.0,
                       "result": "bench/results/billing.json"}],
        }  # fmt: skip
        paths.append(results / f"run-{n}.json")
        paths[-1].write_text(json.dumps(manifest))
    (tmp_path / "bench" / "notes-billing.md").write_text("# Billing\n\nclaims dominate\n")
    monkeypatch.setattr(run, "REPO_DIR", tmp_path)
    monkeypatch.setattr(run, "BENCH_DIR", tmp_path / "bench")
    monkeypatch.setattr(run, "REPORT", tmp_path / "bench" / "RESULTS.md")

    # when
    run.write_report(*paths)

    # then: the SQLite run first, the PostgreSQL run a level down, the notes once at the end at level 2
    text = (tmp_path / "bench" / "RESULTS.md").read_text()
    assert text.startswith("# Benchmark results: `make bench` (SQLite)")
    assert "\n## Benchmark results: `make bench BENCH_POSTGRESQL=1` (SQLite, then PostgreSQL)" in text
    assert text.count("make bench (SQLite), seconds in all") == 1
    assert text.count("claims dominate") == 1
    assert "\n## Profile notes\n" in text
    assert text.rstrip().endswith("claims dominate")


# A step that prints, then would sleep far past any limit a test gives it.
SEEDS_THEN_SLEEPS = "import time; print('seeding', flush=True); time.sleep(60)"


def test_a_step_is_stopped_by_sigint_even_when_make_bench_runs_in_the_background(run: ModuleType) -> None:
    # given: SIGINT ignored, as a shell leaves it for a job it starts in the background (inherited)
    script = SEEDS_THEN_SLEEPS
    tail: deque[str] = deque(maxlen=5)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # when
        started = time.monotonic()
        returncode = run.supervised([sys.executable, "-c", script], 1.0, tail)
    finally:
        signal.signal(signal.SIGINT, previous)

    # then: the step took the SIGINT as Ctrl-C, well before the SIGKILL that follows GRACE_S
    assert returncode is None
    assert time.monotonic() - started < run.GRACE_S / 2
    assert tail[-1] == "KeyboardInterrupt"


def test_a_step_over_its_limit_is_stopped_and_its_last_lines_kept(run: ModuleType) -> None:
    # given: a step that prints, then would sleep far past its limit
    script = SEEDS_THEN_SLEEPS
    tail: deque[str] = deque(maxlen=5)

    # when
    started = time.monotonic()
    returncode = run.supervised([sys.executable, "-c", script], 1.0, tail)

    # then: stopped by SIGINT well before its sleep ended
    assert returncode is None
    assert time.monotonic() - started < 10
    assert tail[0] == "seeding"
