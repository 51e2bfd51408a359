"""The classic request types (``reqType``), the role each needs, and how each runs.

Roles are the GraphQL API's (DESIGN.md, Roles): selling is chargeNow's REP;
the lists are reads, open to every key.

A request runs in up to two steps, so that looking things up never holds
the database while a sale is charged: ``prepare`` reads the body and looks
up what it names in a read-only session, and ``write`` (for requests that
change something) runs in the unit of work the route owns. A read request's
``prepare`` gives its answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.classic.answers import Body
from paydesk.classic.fields import Malformed, Reader
from paydesk.transactions.service import Services

Prepared = TypeVar("Prepared")


@dataclass(frozen=True)
class Call:
    """One classic request: who sent it, its ``data``, and its ``Idempotency-Key`` header."""

    services: Services
    principal: Principal
    data: Reader
    idempotency_header: str | None = None


@dataclass(frozen=True)
class RequestType(Generic[Prepared]):
    name: str
    role: Role
    prepare: Callable[[AsyncSession, Call], Awaitable[Prepared]]
    write: Callable[[AsyncSession, Call, Prepared], Awaitable[Body]] | None = None


def request_type(raw: object, known: dict[str, RequestType[Any]]) -> RequestType[Any]:
    """The request type named by the ``reqType`` field; Malformed when it is missing or unknown."""
    names = ", ".join(known)
    if not isinstance(raw, str) or not raw.strip():
        raise Malformed("reqType", f"is required: one of {names}.")
    found = known.get(raw.strip().lower())
    if found is None:
        raise Malformed("reqType", f"is not a known request type; use one of {names}.")
    return found
