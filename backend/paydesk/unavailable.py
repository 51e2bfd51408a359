"""Failures that mean a service paydesk needs is out of reach, not that the request was wrong.

DESIGN.md ("Ids, errors, inputs"): the database or another required service
unreachable is HTTP 503 with code ``UNAVAILABLE``, a cue to retry, not a
masked 500. ``unavailable`` tells those failures apart from bugs: the
database refused or dropped the connection, the pool had none to give in
time, PostgreSQL is shutting down, starting up or out of connection slots,
SQLite could not open or lock its file within the busy timeout, or the
rate-limit store (Redis) could not be reached. It looks through the chain of
causes, since SQLAlchemy and the rate-limit library wrap the driver's error.
Once part of a change was committed, the same failure is ``OutcomeUnknown``
instead: a retry could repeat what was done.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Sequence

import asyncpg.exceptions as pg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# What every door answers then (HTTP 503, code UNAVAILABLE), and the seconds it says to wait: long enough
# for a database restart or fail-over to be under way.
CODE = "UNAVAILABLE"
MESSAGE = "paydesk cannot reach a service it needs right now; retry in a moment."
RETRY_AFTER = "5"

_POSTGRESQL = (
    pg.PostgresConnectionError,  # class 08: the connection failed or is gone
    pg.CannotConnectNowError,  # starting up or shutting down
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.TooManyConnectionsError,
)

# Refused, reset or timed-out sockets (asyncpg connects with plain OSErrors), a host name that does not
# resolve, no pooled connection in time.
_OUT_OF_REACH = (ConnectionError, TimeoutError, socket.gaierror, PoolTimeout, *_POSTGRESQL)
# Network errors by number, and what asyncio says when every address of a host refused.
_NETWORK_ERRNOS = frozenset(
    {
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
        errno.ENETDOWN,
        errno.EHOSTDOWN,
        errno.ETIMEDOUT,
        errno.ECONNREFUSED,
    }
)
_EVERY_ADDRESS_FAILED = "Multiple exceptions: "

# What SQLite says when its file cannot be used at all, or stayed locked past the busy timeout.
_SQLITE = ("unable to open database file", "database is locked", "disk I/O error", "database or disk is full")

# The Redis clients' own connection errors (coredis, which the rate-limit library uses, and redis-py).
_REDIS_MODULES = ("coredis", "redis")
_REDIS_NAMES = ("ConnectionError", "TimeoutError")


class OutcomeUnknown(Exception):
    """A required service went out of reach after the boundary had made part of its change durable (the
    PENDING sale committed before its gateway was asked, say). Not ``unavailable``: sending the request
    again could repeat what was done, so it is answered as an internal error whose request id finds the
    logged cause, never as "retry" (``UnitOfWork.abort`` raises it)."""

    def __init__(self, phases: Sequence[str]) -> None:
        super().__init__(f"out of reach after committing {', '.join(phases)}")
        self.phases = list(phases)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or an error it was raised from) means a required service could not be reached
    or used, before anything of the change was made durable: answered 503 ``UNAVAILABLE``, worth
    retrying as is. An error raised while handling another is judged by itself (a bug in a handler of a
    dropped connection is a bug)."""
    chain = _causes(error)
    return not any(isinstance(one, OutcomeUnknown) for one in chain) and any(_one(one) for one in chain)


def _causes(error: BaseException) -> list[BaseException]:
    """``error`` and what it was raised from, SQLAlchemy's ``orig`` (the driver's error) included."""
    seen: set[int] = set()
    found: list[BaseException] = []
    todo = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        if isinstance(current, DBAPIError) and isinstance(current.orig, BaseException):
            todo.append(current.orig)
        if current.__cause__ is not None:
            todo.append(current.__cause__)
    return found


def _one(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, _OUT_OF_REACH):
        return True
    if isinstance(error, OSError) and (
        error.errno in _NETWORK_ERRNOS or str(error).startswith(_EVERY_ADDRESS_FAILED)
    ):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return str(error).startswith(_SQLITE)
    kind = type(error)
    return kind.__module__.split(".")[0] in _REDIS_MODULES and kind.__name__ in _REDIS_NAMES
