"""The classic API's ``/1/`` endpoints: ``POST /1/transaction/processManual`` and ``GET /1/objects``.

They pass the gate payments.php passes (``paydesk.web.classic_door``), with
the API key in the ``Api-Appid`` and ``Api-Key`` headers only, and wrap the
classic answer as the classic ``/1/`` API did: HTTP 200 is ``{"code": 0,
"data": ..., "account_id": ...}`` (a refused request is ``data.result_code``
2 naming the key); an answer before or instead of running (401, 403, 405,
413, 429, 500, and 503 when the database is out of reach) is ``{"code": 1,
"data": {"result_code": ..., "message": ...}}``. The body is never logged:
it may hold a card.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from paydesk.auth import gate
from paydesk.classic import answers
from paydesk.classic.answers import Body
from paydesk.classic.catalog import OBJECTS, PROCESS_MANUAL
from paydesk.classic.fields import Malformed, Reader, parse_data
from paydesk.classic.manual import MANUAL_KEYS
from paydesk.classic.requests import RequestType
from paydesk.web.classic_door import MAX_BODY, Admitted, Refused, admit, run


async def process_manual(request: Request) -> JSONResponse:
    if request.method != "POST":
        return _refusal(Refused(405, answers.refused("method", "post the JSON body."), {"Allow": "POST"}))
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return _refusal(Refused(413, answers.refused("body", f"is larger than {MAX_BODY} bytes.")))
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return _refusal(Refused(413, answers.refused("body", f"is larger than {MAX_BODY} bytes.")))
    return await _answer(request, lambda: (PROCESS_MANUAL, _json(raw)), lambda body: body)


async def list_objects(request: Request) -> JSONResponse:
    query = Reader(dict(request.query_params))
    return await _answer(request, lambda: (OBJECTS, query), lambda body: body.get("objects", body))


def _json(raw: bytes) -> Reader:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("body", "is not valid JSON.") from None
    return parse_data(text, "body")


async def _answer(
    request: Request,
    read: Callable[[], tuple[RequestType[Any], Reader]],
    data_of: Callable[[Body], Any],
) -> JSONResponse:
    try:
        admitted: Admitted = await admit(request, {})
    except Refused as refused:
        return _refusal(refused)
    headers = gate.rate_headers(admitted.decision)
    try:
        status, body = await run(request, admitted.principal, read, label="{}", vocabulary=MANUAL_KEYS)
    except Refused as refused:
        return _refusal(refused, headers)
    if status != 200:
        return JSONResponse({"code": 1, "data": body}, status_code=status, headers=headers)
    envelope = {"code": 0, "data": data_of(body), "account_id": admitted.principal.account_id}
    return JSONResponse(envelope, headers=headers)


def _refusal(refused: Refused, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": 1, "data": refused.body},
        status_code=refused.status,
        headers={**(headers or {}), **(refused.headers or {})},
    )
