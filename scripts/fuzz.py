# ruff: noqa: S603 (it runs our own programs, on loopback)
"""make fuzz: schemathesis against /graphql of a real paydesk, with an API key, for a bounded time.

Starts a migrated, seeded paydesk on a free loopback port (SQLite in a
temporary folder), makes an account with an ADMIN API key, and lets
schemathesis generate queries and mutations from the schema for
FUZZ_SECONDS (default 120). Fails on any 5xx response, any unmasked
internal error, and any response slower than FUZZ_SLOW seconds (5). Not
part of make test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# The loopback helpers the browser tests use to start a server.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.net import free_port, wait_ready

SECONDS = int(os.environ.get("FUZZ_SECONDS", "120"))
SLOW = float(os.environ.get("FUZZ_SLOW", "5"))
BIN = Path(sys.executable).parent


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="paydesk-fuzz-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYDESK_")}
    env.update(
        PAYDESK_DATABASE_URL=f"sqlite+aiosqlite:///{data / 'paydesk.db'}",
        PAYDESK_DATA_DIR=str(data),
        PAYDESK_SECRET_KEY="fuzz-secret-" + "z" * 32,
        PAYDESK_PUBLIC_URL=base,
        PAYDESK_RATE_LIMIT="1000000/minute",
        PAYDESK_SESSION_RATE_LIMIT="1000000/minute",
    )
    paydesk = str(BIN / "paydesk")
    subprocess.run([paydesk, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([paydesk, "seed-demo"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [
            paydesk,
            "account",
            "create",
            "--name",
            "Fuzz Shop",
            "--owner-email",
            "owner@fuzz.test",
            "--owner-password",
            "fuzzing-owner-password",
            "--json",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    key = json.loads(made.stdout)
    log = (data / "server.log").open("w")
    server = subprocess.Popen([paydesk, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    try:
        if not wait_ready(base):
            raise SystemExit(f"paydesk did not start at {base}: see {data / 'server.log'}")
        report = data / "junit.xml"
        command = [
            str(BIN / "st"),
            "run",
            f"{base}/graphql",
            "--header",
            f"Api-Appid: {key['appId']}",
            "--header",
            f"Api-Key: {key['apiKey']}",
            "--checks",
            "not_a_server_error",
            "--max-time",
            str(SECONDS),
            "--max-response-time",
            str(SLOW),
            "--report",
            "junit",
            "--report-dir",
            str(data),
            "--workers",
            "2",
        ]
        print(
            "$", " ".join(c if "Api-Key" not in c else "--header Api-Key: ***" for c in command), flush=True
        )
        hooks = {"SCHEMATHESIS_HOOKS": "fuzz_hooks", "PYTHONPATH": str(Path(__file__).parent)}
        # Run where it may write its own files (.schemathesis/), not in the checkout.
        fuzzed = subprocess.run(command, env=env | hooks, cwd=data)
        log.flush()
        unmasked = [
            line
            for line in (data / "server.log").read_text().splitlines()
            if "Traceback" in line and "graphql.internal_error" not in line
        ]
        internal = [
            line
            for line in (data / "server.log").read_text().splitlines()
            if "graphql.internal_error" in line
        ]
        for kind, found in (
            ("internal errors (masked for the client)", internal),
            ("unhandled errors", unmasked),
        ):
            if found:
                print(f"{len(found)} {kind}, first ones:", file=sys.stderr)
                for line in found[:10]:
                    print(line[:3000], file=sys.stderr)
        print(f"server log: {data / 'server.log'}; report: {report.parent}")
        return 1 if fuzzed.returncode or internal or unmasked else 0
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


if __name__ == "__main__":
    raise SystemExit(main())
