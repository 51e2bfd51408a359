"""Failures that mean a service paydesk needs is out of reach, not that the request was wrong.

DESIGN.md ("Ids, errors, inputs"): the database or another required service
unreachable is HTTP 503 with code ``UNAVAILABLE``, a cue to retry, not a
masked 500. ``unavailable`` tells those failures apart from bugs: the
database refused or dropped the connection, the pool had none to give in
time, PostgreSQL is shutting down, starting up or out of connection slots,
SQLite could not open or lock its file within the busy timeout, or the
rate-limit store (Redis) could not be reached. It looks through the chain of
causes, since SQLAlchemy and the rate-limit library wrap the driver's error.
"""

from __future__ import annotations

import sqlite3

import asyncpg.exceptions as pg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# What every door answers then (HTTP 503, code UNAVAILABLE), and the seconds it says to wait: long enough
# for a database restart or fail-over to be under way.
MESSAGE = "paydesk cannot reach a service it needs right now; retry in a moment."
RETRY_AFTER = "5"

_POSTGRESQL = (
    pg.PostgresConnectionError,  # class 08: the connection failed or is gone
    pg.CannotConnectNowError,  # starting up or shutting down
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.TooManyConnectionsError,
)

# Refused, reset or timed-out sockets (asyncpg connects with plain OSErrors), no pooled connection in time.
_OUT_OF_REACH = (ConnectionError, TimeoutError, PoolTimeout, *_POSTGRESQL)

# What SQLite says when its file cannot be used at all, or stayed locked past the busy timeout.
_SQLITE = ("unable to open database file", "database is locked", "disk I/O error", "database or disk is full")

# The Redis clients' own connection errors (coredis, which the rate-limit library uses, and redis-py).
_REDIS_MODULES = ("coredis", "redis")
_REDIS_NAMES = ("ConnectionError", "TimeoutError")


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or anything it was raised from or while handling) means a required service
    could not be reached or used: answered 503 ``UNAVAILABLE``, worth retrying as is."""
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _one(current):
            return True
        # SQLAlchemy's wrapper keeps the driver's error as ``orig`` (and usually as its cause too).
        if isinstance(current, DBAPIError) and isinstance(current.orig, BaseException):
            todo.append(current.orig)
        if (after := current.__cause__ or current.__context__) is not None:
            todo.append(after)
    return False


def _one(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, _OUT_OF_REACH):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return str(error).startswith(_SQLITE)
    kind = type(error)
    return kind.__module__.split(".")[0] in _REDIS_MODULES and kind.__name__ in _REDIS_NAMES
