"""paydesk.unavailable: which failures mean a required service is out of reach (503), and which are bugs."""

from __future__ import annotations

import errno
import socket
import sqlite3

import asyncpg.exceptions as pg
import coredis.exceptions
import pytest
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from paydesk.unavailable import OutcomeUnknown, unavailable


def _raised_from(error: BaseException, cause: BaseException) -> BaseException:
    try:
        raise error from cause
    except BaseException as raised:
        return raised


def _raised_while_handling(error: BaseException, handled: BaseException) -> BaseException:
    try:
        try:
            raise handled
        except BaseException:
            raise error  # noqa: B904 (the implicit context is the point)
    except BaseException as raised:
        return raised


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        ConnectionResetError(),
        TimeoutError(),
        PoolTimeout("QueuePool limit of size 10 overflow 10 reached"),
        pg.AdminShutdownError("terminating connection due to administrator command"),
        pg.CannotConnectNowError("the database system is starting up"),
        pg.TooManyConnectionsError("sorry, too many clients already"),
        pg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        DBAPIError("SELECT 1", {}, Exception("closed"), connection_invalidated=True),
        OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked")),
        _raised_from(
            OperationalError("BEGIN", {}, Exception()), sqlite3.OperationalError("database is locked")
        ),
        sqlite3.OperationalError("unable to open database file"),
        sqlite3.OperationalError("disk I/O error"),
        coredis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"),
        _raised_from(RuntimeError("rate limit check failed"), ConnectionRefusedError()),
        socket.gaierror(-2, "Name or service not known"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed ('::1', 5432), [Errno 111] ..."),
        OSError(errno.ENETUNREACH, "Network is unreachable"),
    ],
)
def test_out_of_reach(error: BaseException) -> None:
    assert unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        KeyError("x"),
        sqlite3.OperationalError("no such table: customer"),
        sqlite3.IntegrityError("UNIQUE constraint failed: customer.number"),
        ProgrammingError("SELECT", {}, Exception("syntax error")),
        DBAPIError("SELECT 1", {}, Exception("division by zero"), connection_invalidated=False),
        pg.QueryCanceledError("canceling statement due to statement timeout"),
        pg.UniqueViolationError("duplicate key value violates unique constraint"),
        _raised_from(RuntimeError("wrapped"), ZeroDivisionError()),
        # A bug in code handling a dropped connection is a bug, not an outage.
        _raised_while_handling(ValueError("rollback failed"), ConnectionResetError()),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        # Out of reach after part of the change committed: never "retry".
        _raised_from(OutcomeUnknown(["pending"]), ConnectionResetError()),
        _raised_from(RuntimeError("cleanup"), _raised_from(OutcomeUnknown(["pending"]), TimeoutError())),
    ],
)
def test_not_out_of_reach(error: BaseException) -> None:
    assert not unavailable(error)


def test_a_cycle_of_causes_ends() -> None:
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    assert not unavailable(first)
