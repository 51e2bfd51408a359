"""A throwaway PostgreSQL cluster for the test session.

initdb and postgres refuse to run as root, so as root the cluster runs as
the ``postgres`` user in a temporary directory it owns, on a free loopback
port, with durability off (it is thrown away).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.net import free_port


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make test installs it)")
    return path


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def cluster() -> Iterator[str]:
    """Yields a base URL (postgresql+asyncpg://postgres@127.0.0.1:PORT) of a running cluster."""
    root = Path(tempfile.mkdtemp(prefix="paydesk-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run(
        _as_postgres([_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]), **run
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    base = f"postgresql+asyncpg://postgres@127.0.0.1:{port}"
    _running[base] = (root, data, options)
    start(base)
    try:
        yield base
    finally:
        del _running[base]
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


# Clusters of cluster() by base URL: their directory, data directory and server options.
_running: dict[str, tuple[Path, Path, str]] = {}


def start(base: str) -> None:
    """Start the cluster of ``base`` (again), waiting until it accepts connections."""
    root, data, options = _running[base]
    subprocess.run(
        _as_postgres(
            [_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(base: str) -> None:
    """Stop the cluster of ``base`` as a server going away does: its connections are closed."""
    _root, data, _options = _running[base]
    subprocess.run(
        _as_postgres([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
