"""The `paydesk` console script, run as a subprocess the way an operator runs it.

Each start costs one to two seconds, so the module shares one migrated
database (with one account) and each test runs several steps against it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from paydesk.app import create_app
from paydesk.config import Settings
from tests.helpers import without_cost
from tests.net import free_port, wait_ready

PAYDESK = Path(sys.executable).with_name("paydesk")
SCHEMA = Path(__file__).resolve().parents[1] / "schema.graphql"
SECRET_KEY = "cli-test-secret-" + "s" * 24  # 40 characters
PASSWORD = "long-enough-pw"
VIEWER = "{ viewer { role } }"
CREATE_ACME = [
    "account",
    "create",
    "--name=Acme",
    "--owner-email=o@acme.test",
    f"--owner-password={PASSWORD}",
]
# ids are a prefix and 22 base62 characters; an API key secret is pdk_ and 32 random bytes, base64url.
RANDOM = "[0-9A-Za-z]{22}"
API_KEY = re.compile(r"pdk_[0-9A-Za-z_-]{43}")


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its PAYDESK_ variables, plus a database in ``data_dir``."""
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("PAYDESK_")}
    env.update(
        PAYDESK_DATABASE_URL=f"sqlite+aiosqlite:///{data_dir / 'paydesk.db'}",
        PAYDESK_DATA_DIR=str(data_dir),
        PAYDESK_SECRET_KEY=SECRET_KEY,
    )
    env.update(extra)
    return env


def paydesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PAYDESK), *args],
        env=env,
        cwd=env["PAYDESK_DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def paydesk_together(env: dict[str, str], *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands at once: start-up dominates, and SQLite writers queue on the busy timeout."""
    with ThreadPoolExecutor() as pool:
        return list(pool.map(lambda args: paydesk(env, *args), commands))


def only_json(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """The single JSON object that is all of stdout."""
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.endswith("}\n")
    value = json.loads(result.stdout)
    assert isinstance(value, dict)
    return value


@dataclass(frozen=True)
class Installation:
    env: dict[str, str]
    data_dir: Path
    migrate: subprocess.CompletedProcess[str]
    account: subprocess.CompletedProcess[str]

    @property
    def account_id(self) -> str:
        return str(json.loads(self.account.stdout)["accountId"])


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """A migrated database with the account Acme, made through the command line."""
    data_dir = tmp_path_factory.mktemp("cli")
    env = environment(data_dir)
    migrated = paydesk(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    account = paydesk(env, *CREATE_ACME, "--json")
    return Installation(env, data_dir, migrated, account)


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = paydesk(environment(tmp_path), "--help")

    assert result.returncode == 0
    words = set(result.stdout.split())
    assert {"serve", "migrate", "account", "user", "apikey", "seed-demo", "export-schema"} <= words


def test_commands_before_migrate_fail_with_one_line(tmp_path: Path) -> None:
    results = paydesk_together(environment(tmp_path), CREATE_ACME, ["serve", "--port", "1"])

    for result in results:
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr == "paydesk: the database is not migrated; run `paydesk migrate` first\n"


def test_migrate_logs_json_to_stderr_only(installation: Installation) -> None:
    lines = [json.loads(line) for line in installation.migrate.stderr.splitlines()]

    assert installation.migrate.stdout == ""
    assert [(line["event"], line["level"], line["logger"]) for line in lines] == [
        ("migrate.done", "info", "paydesk.cli")
    ]


def test_account_create_json_prints_only_ids_and_key(installation: Installation) -> None:
    created = only_json(installation.account)

    assert sorted(created) == ["accountId", "apiKey", "appId"]
    assert re.fullmatch(f"acct_{RANDOM}", created["accountId"])
    assert re.fullmatch(f"app_{RANDOM}", created["appId"])
    assert API_KEY.fullmatch(created["apiKey"])


def test_apikey_create_takes_a_role_in_any_case(installation: Installation) -> None:
    env, account = installation.env, installation.account_id
    create = ["apikey", "create", "--json", "--account"]

    rep_run, viewer_run, bad, nowhere = paydesk_together(
        env,
        [*create, account, "--role", "rep"],
        [*create, account, "--role", "Viewer"],
        [*create, account, "--role", "boss"],
        [*create, "acct_missing"],
    )

    rep, viewer = only_json(rep_run), only_json(viewer_run)
    assert sorted(rep) == ["apiKey", "appId", "role"]
    assert rep["role"] == "REP"
    assert re.fullmatch(f"app_{RANDOM}", rep["appId"])
    assert API_KEY.fullmatch(rep["apiKey"])
    assert viewer["role"] == "VIEWER"
    assert viewer["appId"] != rep["appId"]
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "paydesk: 'boss' is not a role; use one of OWNER, ADMIN, REP, VIEWER\n"
    assert (nowhere.returncode, nowhere.stdout) == (1, "")
    assert nowhere.stderr == "paydesk: no account acct_missing\n"


def test_user_create_prints_the_id_and_refuses_a_taken_email(installation: Installation) -> None:
    env, account = installation.env, installation.account_id
    user = ["user", "create", "--account", account, "--password", PASSWORD, "--role", "admin"]

    # The account's owner already has o@acme.test; emails compare without case.
    created, taken = paydesk_together(
        env, [*user, "--email", "staff@acme.test"], [*user, "--email", "O@Acme.test"]
    )

    assert created.returncode == 0, created.stderr
    assert re.fullmatch(f"usr_{RANDOM}\n", created.stdout)
    assert (taken.returncode, taken.stdout) == (1, "")
    assert taken.stderr == "paydesk: A user with this email already exists.\n"


async def test_revoked_key_is_refused(installation: Installation) -> None:
    env = installation.env
    issued = only_json(paydesk(env, "apikey", "create", "--account", installation.account_id, "--json"))
    headers = {"Api-Appid": issued["appId"], "Api-Key": issued["apiKey"]}
    app = create_app(
        Settings.model_validate(
            {
                "database_url": env["PAYDESK_DATABASE_URL"],
                "data_dir": installation.data_dir,
                "secret_key": SECRET_KEY,
                "log_level": "WARNING",
                # The CLI below blocks this event loop; an in-process billing pass must not hold the database.
                "jobs": False,
            }
        )
    )

    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            before = await http.post("/graphql", json={"query": VIEWER}, headers=headers)
            revoked, unknown = paydesk_together(
                env, ["apikey", "revoke", issued["appId"]], ["apikey", "revoke", "app_missing"]
            )
            after = await http.post("/graphql", json={"query": VIEWER}, headers=headers)

    assert without_cost(before.json()) == {"data": {"viewer": {"role": "ADMIN"}}}
    assert (revoked.returncode, revoked.stdout) == (0, f"revoked {issued['appId']}\n")
    assert after.status_code == 401
    assert after.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert unknown.stderr == "paydesk: No API key with this id.\n"


def test_seed_demo_is_idempotent(installation: Installation) -> None:
    first = paydesk(installation.env, "seed-demo")
    second = paydesk(installation.env, "seed-demo")

    key = "demo API key (development only): Api-Appid app_demo / Api-Key pdk_demo_development_only\n"
    assert (first.returncode, first.stdout) == (0, "")
    assert first.stderr == "demo account created: sign in as owner@demo.paydesk.test / paydesk-demo\n" + key
    assert (second.returncode, second.stdout) == (0, "")
    assert (
        second.stderr
        == "demo account already there: sign in as owner@demo.paydesk.test / paydesk-demo\n" + key
    )


def test_export_schema_prints_the_committed_schema(tmp_path: Path) -> None:
    result = paydesk(environment(tmp_path), "export-schema")

    assert result.returncode == 0, result.stderr
    assert result.stdout == SCHEMA.read_text()


def test_unknown_variable_stops_a_command(tmp_path: Path) -> None:
    result = paydesk(environment(tmp_path, PAYDESK_RATE_LIMT="10/minute"), "migrate")

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "paydesk: unknown setting PAYDESK_RATE_LIMT; did you mean PAYDESK_RATE_LIMIT?\n"
    assert list(tmp_path.iterdir()) == []


def test_unknown_variable_stops_export_schema(tmp_path: Path) -> None:
    result = paydesk(environment(tmp_path, PAYDESK_RATE_LIMT="10/minute"), "export-schema")

    assert result.returncode == 2


def test_serve_refuses_several_workers_with_memory_rate_limits(installation: Installation) -> None:
    result = paydesk(installation.env, "serve", "--workers", "2")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "paydesk: --workers above 1 needs PAYDESK_RATE_LIMIT_STORAGE=database or a redis:// URL"
    )


def test_serve_runs_several_workers_sharing_database_rate_limits(installation: Installation) -> None:
    port = free_port()
    env = {**installation.env, "PAYDESK_RATE_LIMIT_STORAGE": "database", "PAYDESK_RATE_LIMIT": "5/minute"}
    key = json.loads(installation.account.stdout)
    headers = {"Api-Appid": key["appId"], "Api-Key": key["apiKey"]}
    server = subprocess.Popen(
        [str(PAYDESK), "serve", "--workers", "2", "--port", str(port)],
        env=env,
        cwd=installation.data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_ready(base)
        # New connections each time, so both worker processes answer some of them.
        statuses = [
            httpx.post(f"{base}/graphql", json={"query": VIEWER}, headers=headers, timeout=5).status_code
            for _ in range(6)
        ]
    finally:
        server.terminate()
        server.wait(timeout=15)

    assert statuses == [200, 200, 200, 200, 200, 429]
