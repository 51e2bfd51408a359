"""What every classic route does before and around its request: the shared gate and unit of work.

``/payments.php`` and the ``/1/`` endpoints are two doors to one adapter
(``paydesk.classic``). Both recognise the caller by an API key (none or
wrong: 401), count one request against the rate limit GraphQL shares (over:
429, nothing runs), check the key's role against the request type's (too
low: 403), and run the request: its lookups in a read-only session, its
writes in a unit of work the route owns, rolled back whole when the request
is refused, so a malformed one writes nothing. What differs, how the request
is read and how the answer is wrapped, stays with each route. The database
or the rate-limit store out of reach is Refused with 503 and Retry-After
(paydesk.unavailable), in the door's own answer format.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from starlette.requests import Request

from paydesk.auth import gate
from paydesk.auth.principal import Principal
from paydesk.auth.ratelimit import Decision
from paydesk.auth.roles import allows
from paydesk.classic import answers
from paydesk.classic.answers import Body, Vocabulary
from paydesk.classic.auth import caller
from paydesk.classic.fields import Malformed, Reader
from paydesk.classic.requests import Call, RequestType
from paydesk.errors import DomainError
from paydesk.logs import get_logger
from paydesk.resources import Resources
from paydesk.unavailable import MESSAGE, RETRY_AFTER, unavailable
from paydesk.unit_of_work import unit_of_work
from paydesk.web import pages
from paydesk.web.pay_page import resources_for_services

log = get_logger("paydesk.classic")

# A sale of 100 lines with a card and its contact fields is a few kilobytes.
MAX_BODY = 256 * 1024
# What a route reads from its request: the request type and its data (Malformed when it cannot).
Read = Callable[[], tuple[RequestType[Any], Reader]]


class Refused(Exception):
    """A request answered before it runs, with its HTTP status."""

    def __init__(self, status: int, body: Body, headers: dict[str, str] | None = None) -> None:
        super().__init__(body["message"])
        self.status, self.body, self.headers = status, body, headers


@dataclass(frozen=True)
class Admitted:
    """A caller let in: who it is and the rate limit's headers for its answer."""

    principal: Principal
    decision: Decision


async def admit(request: Request, form: Mapping[str, object]) -> Admitted:
    """The API key's caller, one request spent; Refused with 401, 429 or 503 otherwise."""
    resources = pages.resources_of(request)
    with _out_of_reach_refused():
        principal = await caller(resources, form, request.headers)
    if principal is None:
        raise Refused(401, answers.unauthenticated(), {"WWW-Authenticate": 'Api-Key realm="paydesk"'})
    host = request.client.host if request.client else None
    with _out_of_reach_refused():
        decision = await gate.spend(resources, principal, host, 1)
    if not decision.allowed:
        raise Refused(429, answers.rate_limited(gate.RATE_LIMITED), gate.refusal_headers(decision))
    return Admitted(principal, decision)


async def run(
    request: Request, principal: Principal, read: Read, *, label: str, vocabulary: Vocabulary
) -> tuple[int, Body]:
    """(HTTP status, body): the request's answer, or why it was refused; Refused with 503 when the
    database is out of reach. ``label`` names the request type in a role refusal ("reqType sale");
    ``vocabulary`` names a service's fields by the door's keys."""
    resources = pages.resources_of(request)
    kind: RequestType[Any] | None = None
    try:
        kind, data = read()
        if not allows(principal.role, kind.role):
            status, body = 403, answers.forbidden(label.format(kind.name), principal.role, kind.role)
        else:
            idempotency = request.headers.get("idempotency-key")
            call = Call(resources_for_services(request), principal, data, idempotency)
            status, body = 200, await _execute(resources, kind, call)
    except Malformed as malformed:
        status, body = 200, answers.refused(malformed.key, malformed.message)
    except DomainError as error:
        status, body = 200, answers.from_error(error, vocabulary)
    except Exception as error:
        if unavailable(error):
            raise _out_of_reach(error, kind.name if kind else None) from None
        # Only the request type is named: anything else in the request may hold a card.
        log.exception("classic.internal_error", req_type=kind.name if kind else None)
        status, body = 500, answers.internal()
    log.info("classic.answered", req_type=kind.name if kind else None, result_code=body["result_code"])
    return status, body


async def _execute(resources: Resources, kind: RequestType[Any], call: Call) -> Body:
    async with resources.read_sessions() as db:
        prepared = await kind.prepare(db, call)
    if kind.write is None:
        return cast(Body, prepared)
    # The request's unit of work: a refusal raised out of it rolls back all it wrote.
    async with unit_of_work(resources.sessions, f"classic {kind.name}") as db:
        return await kind.write(db, call, prepared)


def _out_of_reach(error: Exception, req_type: str | None = None) -> Refused:
    """The database or the rate-limit store out of reach: logged (its kind only), refused with 503."""
    log.warning("classic.unavailable", req_type=req_type, error=type(error).__name__)
    return Refused(503, answers.unavailable(MESSAGE), {"Retry-After": RETRY_AFTER})


@contextlib.contextmanager
def _out_of_reach_refused() -> Iterator[None]:
    """The database or the rate-limit store out of reach while a caller is let in: Refused with 503."""
    try:
        yield
    except Exception as error:
        if not unavailable(error):
            raise
        raise _out_of_reach(error) from None
