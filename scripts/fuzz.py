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

# The server the browser tests start, from the checkout's tests package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.net import paydesk_server

SECONDS = int(os.environ.get("FUZZ_SECONDS", "120"))
SLOW = float(os.environ.get("FUZZ_SLOW", "5"))
BIN = Path(sys.executable).parent


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="paydesk-fuzz-"))
    limits = {"PAYDESK_RATE_LIMIT": "1000000/minute", "PAYDESK_SESSION_RATE_LIMIT": "1000000/minute"}
    with paydesk_server(data, "fuzz-secret-" + "z" * 32, **limits) as server:
        owner = ["--owner-email", "owner@fuzz.test", "--owner-password", "fuzzing-owner-password"]
        made = subprocess.run(
            [str(BIN / "paydesk"), "account", "create", "--name", "Fuzz Shop", *owner, "--json"],
            env=server.env,
            check=True,
            capture_output=True,
            text=True,
        )
        key = json.loads(made.stdout)
        command = [
            str(BIN / "st"), "run", f"{server.base}/graphql",
            "--header", f"Api-Appid: {key['appId']}",
            "--header", f"Api-Key: {key['apiKey']}",
            "--checks", "not_a_server_error",
            "--max-time", str(SECONDS),
            "--max-response-time", str(SLOW),
            "--report", "junit", "--report-dir", str(data),
            "--workers", "2",
        ]  # fmt: skip
        shown = ["Api-Key: ***" if part.startswith("Api-Key:") else part for part in command]
        print("$", " ".join(shown), flush=True)
        hooks = {"SCHEMATHESIS_HOOKS": "fuzz_hooks", "PYTHONPATH": str(Path(__file__).parent)}
        # Run where it may write its own files (.schemathesis/), not in the checkout.
        fuzzed = subprocess.run(command, env=server.env | hooks, cwd=data)
        lines = server.log.read_text().splitlines()
    # A traceback outside the masked GraphQL path would be an unhandled error (a 500 page).
    internal = [line for line in lines if "graphql.internal_error" in line]
    unmasked = [line for line in lines if "Traceback" in line and "graphql.internal_error" not in line]
    for kind, found in (
        ("internal errors (masked for the client)", internal),
        ("unhandled errors", unmasked),
    ):
        if found:
            print(f"{len(found)} {kind}, first ones:", file=sys.stderr)
            for line in found[:10]:
                print(line[:3000], file=sys.stderr)
    print(f"server log: {server.log}; report: {data}")
    return 1 if fuzzed.returncode or internal or unmasked else 0


if __name__ == "__main__":
    raise SystemExit(main())
