"""``POST /payments.php``: the classic Payments API's route, and the boundary of its requests.

The order is GraphQL's: the form is read (not a form: 415, too large: 413,
unreadable: 400), the caller recognised (none or wrong: 401), one request
counted against the caller's rate limit (over: 429, nothing runs), and only
then the request type is run (``paydesk.classic``). A request that writes
runs in a unit of work this route owns: it commits when the request is
answered, and rolls back everything when the request is refused, so a
malformed one writes nothing. The form is never logged: it may hold a card.
"""

from __future__ import annotations

from typing import Any, cast

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from paydesk.auth import gate
from paydesk.auth.principal import Principal
from paydesk.auth.roles import allows
from paydesk.classic import answers
from paydesk.classic.answers import Body
from paydesk.classic.auth import caller
from paydesk.classic.catalog import REQUEST_TYPES
from paydesk.classic.fields import Malformed, parse_data
from paydesk.classic.requests import Call, RequestType, request_type
from paydesk.errors import DomainError
from paydesk.logs import get_logger
from paydesk.resources import Resources
from paydesk.unit_of_work import unit_of_work
from paydesk.web import pages
from paydesk.web.pay_page import resources_for_services

log = get_logger("paydesk.classic")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A sale of 100 lines with a card and its contact fields is a few kilobytes.
MAX_BODY = 256 * 1024
# appid, key, reqType, data, return_id and whatever else old integrations send along.
MAX_FIELDS = 50


class Refused(Exception):
    """A request answered before it runs, with its HTTP status."""

    def __init__(self, status: int, body: Body, headers: dict[str, str] | None = None) -> None:
        super().__init__(body["message"])
        self.status, self.body, self.headers = status, body, headers


async def payments_php(request: Request) -> JSONResponse:
    resources = pages.resources_of(request)
    try:
        if request.method != "POST":
            raise Refused(405, answers.refused("method", "post the form."), {"Allow": "POST"})
        form = await _form(request)
        principal = await caller(resources, form, request.headers)
        if principal is None:
            raise Refused(401, answers.unauthenticated(), {"WWW-Authenticate": 'Api-Key realm="paydesk"'})
        host = request.client.host if request.client else None
        decision = await gate.spend(resources, principal, host, 1)
        if not decision.allowed:
            body = answers.rate_limited(gate.RATE_LIMITED)
            raise Refused(429, body, gate.refusal_headers(decision))
    except Refused as refused:
        return JSONResponse(refused.body, status_code=refused.status, headers=refused.headers)
    status, body = await _run(request, resources, principal, form)
    return JSONResponse(body, status_code=status, headers=gate.rate_headers(decision))


async def _form(request: Request) -> dict[str, object]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES:
        message = "post the form as application/x-www-form-urlencoded or multipart/form-data."
        raise Refused(415, answers.refused("content-type", message))
    declared = request.headers.get("content-length", "0")
    too_large = Refused(413, answers.refused("body", f"is larger than {MAX_BODY} bytes."))
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_large
    if len(await request.body()) > MAX_BODY:
        raise too_large
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_BODY)
    except HTTPException:
        raise Refused(400, answers.refused("body", "is not a form that can be read.")) from None
    return {name: form.get(name) for name in form}


async def _run(
    request: Request, resources: Resources, principal: Principal, form: dict[str, object]
) -> tuple[int, Body]:
    """(HTTP status, body): the request type's answer, or why it was refused."""
    kind: RequestType[Any] | None = None
    try:
        kind = request_type(form.get("reqType"), REQUEST_TYPES)
        if not allows(principal.role, kind.role):
            status, body = 403, answers.forbidden(kind.name, principal.role, kind.role)
        else:
            call = Call(
                resources_for_services(request),
                principal,
                parse_data(form.get("data")),
                request.headers.get("idempotency-key"),
            )
            status, body = 200, await _execute(resources, kind, call)
    except Malformed as malformed:
        status, body = 200, answers.refused(malformed.key, malformed.message)
    except DomainError as error:
        status, body = 200, answers.from_error(error)
    except Exception:
        # Only the request type is named: anything else in the form may hold a card.
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
    async with unit_of_work(resources.sessions, f"payments.php {kind.name}") as db:
        return await kind.write(db, call, prepared)
