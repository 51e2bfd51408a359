"""bench/run.py's reading of results: which file is new, and each figure against the issue's target."""

from __future__ import annotations

import importlib.util
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
        (0.4, 0.5, False, "missed by 20%"),
        (1.5, 2.0, True, "met (25% under)"),
        (3.0, 2.0, True, "missed by 50%"),
        (None, 0.5, False, "no result"),
    ],
)
def test_check_verdict_says_met_or_missed_and_by_how_much(
    run: ModuleType, value: float | None, target: float, at_most: bool, verdict: str
) -> None:
    assert run.Check("m", value, target, at_most=at_most).verdict() == verdict


def billing_result(latency_ms: int, per_s: float, ratio: float) -> dict[str, Any]:
    runner = {"rows": 1000, "per_s_median": per_s, "ratio_per_s": ratio}
    return {
        "settings": {"latency_ms": latency_ms},
        "backends": [{"backend": "sqlite", "rows": {"runner": runner}}],
    }


def test_billing_at_zero_latency_is_checked_against_the_raw_insert(run: ModuleType) -> None:
    [check] = run.billing_checks(billing_result(0, 900.0, 0.12))

    assert (check.value, check.target, check.met) == (0.12, 0.1, True)


def test_billing_with_latency_is_checked_against_concurrency_over_latency(run: ModuleType) -> None:
    # 32 in flight at 100 ms: at most 320 a second; 160 is half of it
    [check] = run.billing_checks(billing_result(100, 160.0, 0.02))

    assert (check.value, check.target, check.met) == (0.5, 0.7, False)


def test_reads_check_details_list_and_tail_of_each_backend(run: ModuleType) -> None:
    # given: a customer_details result with a list target and its baseline
    targets = {
        "baseline": {"ratio_req_per_s": 1.0, "ratio_server_cpu": 1.0, "p50_ms": 10.0, "p99_ms": 15.0},
        "paydesk": {"ratio_req_per_s": 0.55, "ratio_server_cpu": 0.45, "p50_ms": 20.0, "p99_ms": 50.0},
        "list baseline": {"ratio_req_per_s": 0.9, "ratio_server_cpu": 0.9, "p50_ms": 10.0, "p99_ms": 12.0},
        "list": {"ratio_req_per_s": 0.41, "ratio_server_cpu": 0.41, "p50_ms": 30.0, "p99_ms": 45.0},
    }

    # when
    checks = run.read_checks({"targets": targets})

    # then
    assert [(c.measure, c.value, c.met) for c in checks] == [
        ("sqlite: customer details, req/s x baseline", 0.55, True),
        ("sqlite: customer details, server CPU x baseline", 0.45, False),
        ("sqlite: customer details, p99 / p50", 2.5, False),
        ("sqlite: customers list (list), req/s x baseline", 0.41, True),
        ("sqlite: customers list (list), server CPU x baseline", 0.41, True),
        ("sqlite: customers list (list), p99 / p50", 1.5, True),
    ]


def test_a_step_without_results_reports_its_targets_as_missing(run: ModuleType) -> None:
    manifest = {"steps": [{"name": "billing 10000 100ms", "status": "timeout", "result": None,
                           "note": "stopped after its limit of 360 s"}]}  # fmt: skip

    report = run.build_report(manifest)

    assert [(c.measure, c.value, c.target, c.verdict(), c.note) for c in report.checks] == [
        ("billing 10000 100ms", None, 0.7, "no result", "stopped after its limit of 360 s")
    ]


def test_a_step_over_its_limit_is_stopped_and_its_last_lines_kept(run: ModuleType) -> None:
    # given: a step that prints, then would sleep far past its limit
    script = "import time; print('seeding', flush=True); time.sleep(60)"
    tail: deque[str] = deque(maxlen=5)

    # when
    started = time.monotonic()
    returncode = run.supervised([sys.executable, "-c", script], 1.0, tail)

    # then: stopped by SIGINT well before its sleep ended
    assert returncode is None
    assert time.monotonic() - started < 10
    assert tail[0] == "seeding"
