"""Loopback helpers for tests that start real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, seconds: float = 30) -> bool:
    """Poll ``base``/readyz until it answers 200; False when it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False


@dataclass(frozen=True)
class Server:
    """A running paydesk: its base URL, the environment its CLI commands need, and its log."""

    base: str
    env: dict[str, str]
    log: Path


@contextmanager
def paydesk_server(data: Path, secret_key: str, **settings: str) -> Iterator[Server]:
    """A migrated, seeded paydesk (SQLite in ``data``) on a free loopback port, with PAYDESK_ ``settings``;
    stopped when the block ends. Used by the browser tests and by make fuzz."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYDESK_")}
    env.update(
        PAYDESK_DATABASE_URL=f"sqlite+aiosqlite:///{data / 'paydesk.db'}",
        PAYDESK_DATA_DIR=str(data),
        PAYDESK_SECRET_KEY=secret_key,
        # Links in emails and the API (payment requests, card links) point at this server.
        PAYDESK_PUBLIC_URL=base,
        **settings,
    )
    paydesk = str(Path(sys.executable).parent / "paydesk")
    for step in (["migrate"], ["seed-demo"]):
        subprocess.run([paydesk, *step], env=env, check=True, capture_output=True)
    log_path = data / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([paydesk, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
        try:
            if not wait_ready(base):
                raise RuntimeError(f"paydesk did not start at {base}:\n{log_path.read_text()}")
            yield Server(base, env, log_path)
        finally:
            process.terminate()
            process.wait(timeout=10)
