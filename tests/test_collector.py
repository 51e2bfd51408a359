"""The garbage collector's settings in a started paydesk process (paydesk.collector)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager

from paydesk.app import create_app
from paydesk.collector import YOUNG_THRESHOLD, settle_after_start_up
from paydesk.config import Settings

PAYDESK_PYTHON = Path(sys.executable)


@pytest.fixture
def default_collector() -> Iterator[tuple[int, int, int]]:
    """Python's own settings for the test, whatever the process had; put back afterwards."""
    before = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, before[1], before[2])
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_settling_freezes_start_up_and_collects_the_young_less_often(
    default_collector: tuple[int, int, int],
) -> None:
    kept = [object() for _ in range(10)]  # start-up's objects, as far as the collector knows
    assert gc.get_freeze_count() == 0

    settle_after_start_up()

    assert gc.get_freeze_count() > len(kept)
    assert gc.get_threshold() == (YOUNG_THRESHOLD, default_collector[1], default_collector[2])
    assert YOUNG_THRESHOLD > 700


async def test_the_served_app_settles_the_collector_once_started(
    default_collector: tuple[int, int, int], tmp_path: Path
) -> None:
    settings = Settings.model_validate(
        {
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'paydesk.db'}",
            "data_dir": tmp_path,
            "secret_key": "collector-test-secret-" + "s" * 20,
            "jobs": False,
        }
    )
    app = create_app(settings)
    assert gc.get_threshold()[0] == 700

    async with LifespanManager(app):
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0


def test_the_worker_settles_the_collector_before_its_pass(tmp_path: Path) -> None:
    """`paydesk worker --once` in a process of its own, asked afterwards what its collector was set to."""
    env = {
        "PAYDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'paydesk.db'}",
        "PAYDESK_DATA_DIR": str(tmp_path),
        "PAYDESK_SECRET_KEY": "collector-test-secret-" + "s" * 20,
        "PAYDESK_LOG_LEVEL": "WARNING",
        "PATH": "/usr/bin:/bin",
    }
    migrated = subprocess.run(
        [str(PAYDESK_PYTHON.with_name("paydesk")), "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    script = (
        "import gc, sys\n"
        "from paydesk.cli import app\n"
        "assert gc.get_threshold()[0] == 700 and gc.get_freeze_count() == 0\n"
        "app(['worker', '--once', '--json'], standalone_mode=False)\n"
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)\n"
    )
    worked = subprocess.run(
        [str(PAYDESK_PYTHON), "-c", script], env=env, capture_output=True, text=True, check=False, timeout=60
    )

    assert worked.returncode == 0, worked.stderr
    summary, settled = worked.stdout.splitlines()
    assert json.loads(summary)["charged"] == 0
    assert settled == f"{YOUNG_THRESHOLD} True"
