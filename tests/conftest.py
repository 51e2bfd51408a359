"""Fixtures: a migrated database per test (SQLite and PostgreSQL), the app, clients, callers.

Every API test runs twice, against SQLite and against a real PostgreSQL
cluster started for the session. Each test gets a fresh database copied
from a migrated template, so no test sees another's rows.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import structlog
from alembic import command
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from paydesk.app import create_app
from paydesk.auth.passwords import use_fast_hashing
from paydesk.config import Settings
from paydesk.db import alembic_config
from tests.helpers import Api, World, make_world
from tests.postgres import cluster
from tests.redis_server import redis_server

use_fast_hashing()

TEST_SECRET = "test-secret-key-" + "x" * 32
_counter = itertools.count()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def pg_base() -> Iterator[str]:
    with cluster() as base:
        yield base


async def migrate(database_url: str) -> None:
    # Alembic's env.py runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")


@pytest.fixture(scope="session")
async def pg_template(pg_base: str) -> str:
    conn = await asyncpg.connect(pg_base.replace("postgresql+asyncpg", "postgresql") + "/postgres")
    await conn.execute("CREATE DATABASE paydesk_template")
    await conn.close()
    await migrate(f"{pg_base}/paydesk_template")
    return "paydesk_template"


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    await migrate(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, sqlite_template: Path, pg_base: str, pg_template: str
) -> AsyncIterator[str]:
    """A fresh, migrated database for one test."""
    if backend == "sqlite":
        target = tmp_path / "paydesk.db"
        shutil.copyfile(sqlite_template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    name = f"test_{next(_counter)}"
    admin = pg_base.replace("postgresql+asyncpg", "postgresql") + "/postgres"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {pg_template}')
    await conn.close()
    yield f"{pg_base}/{name}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "log_level": "WARNING",
        # Tests run the billing runner themselves, with their own clock.
        "jobs": False,
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
async def app(
    database_url: str, tmp_path: Path, settings_overrides: dict[str, Any]
) -> AsyncIterator[Starlette]:
    application = create_app(make_settings(database_url, tmp_path, **settings_overrides))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def world(app: Starlette, http: httpx.AsyncClient) -> World:
    """Two accounts, each with a user of every role, an API key and a customer."""
    return await make_world(app, http)


@pytest.fixture
def api(http: httpx.AsyncClient) -> Api:
    return Api(http)


# Loggers whose handlers, level or propagation configure_logging changes.
TOUCHED_LOGGERS = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "alembic"]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging rewires the root logger and structlog; put both back for the next test."""
    saved = {
        name: (
            logging.getLogger(name).handlers[:],
            logging.getLogger(name).level,
            logging.getLogger(name).propagate,
        )
        for name in TOUCHED_LOGGERS
    }
    structlog_config = structlog.get_config()
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
    structlog.configure(**structlog_config)
