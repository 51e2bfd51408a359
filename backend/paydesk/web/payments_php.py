"""``POST /payments.php``: the classic Payments API's route, and the boundary of its requests.

The order is GraphQL's: the form is read (not a form: 415, too large: 413,
unreadable: 400), the caller recognised (none or wrong: 401), one request
counted against the caller's rate limit (over: 429, nothing runs), and only
then the request type is run (``paydesk.classic``), through the gate and
unit of work the ``/1/`` endpoints share (``paydesk.web.classic_door``).
The database out of reach before anything was committed is 503 with
Retry-After. The form is never logged: it may hold a card.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from paydesk.auth import gate
from paydesk.classic import answers
from paydesk.classic.answers import SALE_KEYS
from paydesk.classic.catalog import REQUEST_TYPES
from paydesk.classic.fields import Reader, parse_data
from paydesk.classic.requests import RequestType, request_type
from paydesk.web.classic_door import MAX_BODY, Refused, admit, run

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# appid, key, reqType, data, return_id and whatever else old integrations send along.
MAX_FIELDS = 50


async def payments_php(request: Request) -> JSONResponse:
    try:
        if request.method != "POST":
            raise Refused(405, answers.refused("method", "post the form."), {"Allow": "POST"})
        form = await _form(request)
        admitted = await admit(request, form)
    except Refused as refused:
        return JSONResponse(refused.body, status_code=refused.status, headers=refused.headers)

    def read() -> tuple[RequestType[Any], Reader]:
        return request_type(form.get("reqType"), REQUEST_TYPES), parse_data(form.get("data"))

    headers = gate.rate_headers(admitted.decision)
    try:
        status, body = await run(request, admitted.principal, read, label="reqType {}", vocabulary=SALE_KEYS)
    except Refused as refused:
        return JSONResponse(
            refused.body, status_code=refused.status, headers={**headers, **(refused.headers or {})}
        )
    return JSONResponse(body, status_code=status, headers=headers)


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
