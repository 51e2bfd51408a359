"""POST/GET /graphql: content negotiation, authentication, rate limits, execution.

The order matters: a request is parsed (malformed: 400), one that only
reads waits for its turn (none in time: 503), its caller recognised (none
or wrong: 401, except for signIn and introspection), its operations counted
against the caller's limit (over: 429, nothing runs), and only then
executed. The database or the rate-limit store out of reach is 503
UNAVAILABLE with Retry-After (paydesk.unavailable, answered by
app.RequestContext); other unexpected exceptions reach the client only as
"Internal error" and the request id they were logged under.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from paydesk.admission import Busy
from paydesk.auth import gate
from paydesk.auth import service as auth
from paydesk.auth.principal import Principal
from paydesk.auth.ratelimit import Decision
from paydesk.auth.signin_guard import SignInGuard, SignInThrottled
from paydesk.auth.tokens import SESSION_COOKIE
from paydesk.clock import utcnow
from paydesk.graphql import cost
from paydesk.graphql.context import Context, CookieChange, NotAuthenticated
from paydesk.graphql.graphiql import graphiql_page, wants_graphiql
from paydesk.graphql.loaders import Loaders
from paydesk.graphql.operations import Operation, RequestProblem, read_operation
from paydesk.graphql.schema import schema
from paydesk.logs import get_logger, scrub
from paydesk.requests import request_id
from paydesk.resources import Resources
from paydesk.unavailable import CODE, MESSAGE, unavailable
from paydesk.unit_of_work import UnitOfWork, bind

JSON_TYPES = ("application/json", "application/graphql-response+json")
MAX_BODY_BYTES = 1_048_576  # 1 MiB: far above any real operation, small enough to parse safely.
MAX_BATCH = 20
MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
BUSY = "paydesk is answering more requests than it can right now; retry in a moment."
# Seconds a read turned away is told to wait: the clients' own backoff spreads the retries further.
BUSY_RETRY_AFTER = "2"

log = get_logger("paydesk.graphql")


@dataclass(frozen=True)
class Outcome:
    body: dict[str, Any]
    # Never ran (malformed or invalid): HTTP 400 when it is the request's only operation.
    rejected: bool = False


@dataclass
class HTTPAnswer(Exception):
    status: int
    message: str
    code: str
    headers: dict[str, str] | None = None
    extensions: dict[str, Any] | None = None

    def response(self) -> JSONResponse:
        error = {"message": self.message, "extensions": {"code": self.code, **(self.extensions or {})}}
        return JSONResponse({"errors": [error]}, status_code=self.status, headers=self.headers)


class GraphQLResponse(JSONResponse):
    """A JSON body encoded by orjson: the same bytes as Starlette's JSONResponse (compact, UTF-8 as is)
    at a fraction of the cost for a large answer; anything orjson refuses (an integer past 64 bits) goes
    the standard library's way."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            return super().render(content)


async def graphql_endpoint(request: Request) -> Response:
    resources: Resources = request.app.state.resources
    if request.method == "GET" and wants_graphiql(request):
        return graphiql_page(resources.settings)
    try:
        payloads, batched = await _payloads(request)
        operations = _operations(payloads, get=request.method == "GET")
    except HTTPAnswer as answer:
        return answer.response()
    if any(isinstance(op, Operation) and op.is_mutation for op in operations):
        return await _answer(request, resources, operations, batched, None)
    # A request that only reads authenticates on the session it runs on: one session and BEGIN fewer.
    # Reads are admitted a few at a time, in order of arrival (Settings.read_concurrency): interleaved
    # eight at a time on one event loop, each took longer and the slowest twice the median. One that
    # waits too long for its turn is told to come back (Settings.read_queue_timeout).
    try:
        async with resources.reads.turn(), resources.read_sessions() as db:
            return await _answer(request, resources, operations, batched, db)
    except Busy as busy:
        log.warning("graphql.read_turned_away", waited_s=busy.waited, waiting=resources.reads.waiting)
        return HTTPAnswer(503, BUSY, CODE, {"Retry-After": BUSY_RETRY_AFTER}).response()


async def _answer(
    request: Request,
    resources: Resources,
    operations: Sequence[Operation | GraphQLError | RequestProblem],
    batched: bool,
    db: AsyncSession | None,
) -> Response:
    """Authenticate, price, count and run ``operations``: on ``db`` when given (a read), else on a
    writing session of their own."""
    try:
        principal = await _authenticate(request, resources, operations, db)
        operations, prices = _priced(operations, resources.settings.max_query_cost)
        decision = await _rate_limit(request, resources, principal, operations)
    except HTTPAnswer as answer:
        return answer.response()
    headers = gate.rate_headers(decision)
    try:
        if db is None:
            async with resources.sessions() as writing:
                bind(writing)  # each mutation field commits through it (MutationBoundary)
                outcomes, cookie = await _execute(
                    request, resources, principal, operations, prices, decision, writing
                )
        else:
            outcomes, cookie = await _execute(request, resources, principal, operations, prices, decision, db)
    except HTTPAnswer as answer:
        return answer.response()
    if batched:
        response: Response = GraphQLResponse([o.body for o in outcomes], headers=headers)
    else:
        status = 400 if outcomes[0].rejected else 200
        response = GraphQLResponse(outcomes[0].body, status_code=status, headers=headers)
    _apply_cookie(response, resources, cookie)
    return response


async def _payloads(request: Request) -> tuple[list[object], bool]:
    if request.method == "GET":
        params = request.query_params
        variables: object = None
        if "variables" in params:
            try:
                variables = json.loads(params["variables"])
            except ValueError:
                raise HTTPAnswer(400, "variables is not valid JSON.", "BAD_REQUEST") from None
        payload = {
            "query": params.get("query"),
            "variables": variables,
            "operationName": params.get("operationName"),
        }
        return [payload], False
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise HTTPAnswer(415, "Send the request as application/json.", "UNSUPPORTED_MEDIA_TYPE")
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPAnswer(413, "The request body is too large.", "PAYLOAD_TOO_LARGE")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise HTTPAnswer(413, "The request body is too large.", "PAYLOAD_TOO_LARGE")
    try:
        data = json.loads(body)
    except ValueError:
        raise HTTPAnswer(400, "The request body is not valid JSON.", "BAD_REQUEST") from None
    if isinstance(data, list):
        if not data or len(data) > MAX_BATCH:
            raise HTTPAnswer(400, f"A batch holds 1 to {MAX_BATCH} operations.", "BAD_REQUEST")
        return data, True
    return [data], False


def _operations(payloads: Sequence[object], *, get: bool) -> list[Operation | GraphQLError | RequestProblem]:
    operations: list[Operation | GraphQLError | RequestProblem] = []
    for payload in payloads:
        try:
            operation = read_operation(payload)
        except (GraphQLError, RequestProblem) as problem:
            operations.append(problem)
            continue
        if get and operation.is_mutation:
            raise HTTPAnswer(
                405, "Mutations must be sent with POST.", "METHOD_NOT_ALLOWED", {"Allow": "POST"}
            )
        operations.append(operation)
    if len(operations) == 1 and isinstance(operations[0], RequestProblem):
        raise HTTPAnswer(400, str(operations[0]), "BAD_REQUEST")
    return operations


async def _authenticate(
    request: Request, resources: Resources, operations: Sequence[object], db: AsyncSession | None
) -> Principal | None:
    app_id, secret = request.headers.get("api-appid"), request.headers.get("api-key")
    principal: Principal | None = None
    if app_id is not None or secret is not None:
        principal = await gate.api_key_caller(resources, app_id, secret, db)
    elif token := request.cookies.get(SESSION_COOKIE):
        if db is None:
            async with resources.read_sessions() as own:
                principal = await auth.principal_for_session(own, token)
        else:
            principal = await auth.principal_for_session(db, token)
    runnable = [op for op in operations if isinstance(op, Operation)]
    if principal is None and not all(op.anonymous_ok for op in runnable):
        raise HTTPAnswer(
            401,
            "Authentication required.",
            "UNAUTHENTICATED",
            {"WWW-Authenticate": 'Api-Key realm="paydesk"'},
        )
    return principal


def _priced(
    operations: Sequence[Operation | GraphQLError | RequestProblem], maximum: int
) -> tuple[list[Operation | GraphQLError | RequestProblem], list[int]]:
    """Each operation's price; one over the maximum is refused before anything runs (a lone one as
    HTTP 400, one in a batch in its place), and costs no rate limit."""
    priced: list[Operation | GraphQLError | RequestProblem] = []
    prices: list[int] = []
    for operation in operations:
        price = (
            cost.requested_cost(schema._schema, operation.document, operation.definition, operation.variables)
            if isinstance(operation, Operation)
            else 0
        )
        if price > maximum:
            refusal = _over_cost(price, maximum)
            if len(operations) == 1:
                raise HTTPAnswer(400, refusal.message, MAX_COST_EXCEEDED, extensions=refusal.extensions)
            priced.append(refusal)
        else:
            priced.append(operation)
        prices.append(price)
    return priced, prices


def _over_cost(price: int, maximum: int) -> GraphQLError:
    message = (
        f"This query costs {price}, over the maximum of {maximum} for one query: ask for fewer items "
        "(smaller first: values, fewer nested lists) or split it."
    )
    extensions = {
        "code": MAX_COST_EXCEEDED,
        "cost": {"requestedQueryCost": price, "maximumQueryCost": maximum},
    }
    return GraphQLError(message, extensions=extensions)


async def _rate_limit(
    request: Request, resources: Resources, principal: Principal | None, operations: Sequence[object]
) -> Decision:
    cost = sum(op.cost for op in operations if isinstance(op, Operation)) or 1
    host = request.client.host if request.client else None
    decision = await gate.spend(resources, principal, host, cost)
    if not decision.allowed:
        raise HTTPAnswer(429, gate.RATE_LIMITED, "RATE_LIMITED", gate.refusal_headers(decision))
    return decision


async def _execute(
    request: Request,
    resources: Resources,
    principal: Principal | None,
    operations: Sequence[Operation | GraphQLError | RequestProblem],
    prices: Sequence[int],
    decision: Decision,
    db: AsyncSession,
) -> tuple[list[Outcome], CookieChange | None]:
    """Run the operations in turn on ``db`` (a writing session when any is a mutation)."""
    results: list[Outcome] = []
    cookie: CookieChange | None = None
    writes = any(isinstance(op, Operation) and op.is_mutation for op in operations)
    guard = SignInGuard(resources.limiter)
    last = len(operations) - 1
    for index, (operation, price) in enumerate(zip(operations, prices, strict=True)):
        if isinstance(operation, RequestProblem):
            problem = {"message": str(operation), "extensions": {"code": "BAD_REQUEST"}}
            results.append(Outcome({"errors": [problem]}, rejected=True))
            continue
        if isinstance(operation, GraphQLError):
            results.append(Outcome({"errors": [_error(operation)]}, rejected=True))
            continue
        context = Context(
            request=request,
            db=db,
            sessions=resources.sessions,
            settings=resources.settings,
            server_secret=resources.secret,
            gateways=resources.gateways,
            mailer=resources.mailer,
            principal=principal,
            loaders=Loaders(db, principal),
            request_id=request_id(),
            clock=resources.clock,
            sign_in_guard=guard,
        )
        result = await schema.execute(
            operation.query,
            variable_values=operation.variables,
            context_value=context,
            operation_name=operation.operation_name,
        )
        # A mutation field commits its unit of work as it ends: once one has, nobody is told to retry.
        committed = writes and bool(UnitOfWork.of(db).phases)
        if not committed:
            _raise_if_unavailable(result)
        try:
            if writes or index < last:
                await db.rollback()
            # else the session's close ends the read (a rollback would first expire every object read,
            # only for the close to drop them: a large part of a big page's cost).
            await guard.flush()
        except Exception as error:
            if not (committed and unavailable(error)):
                raise
            # The answer stands (what committed did); what is lost is the sign-in guard's count.
            log.warning("graphql.after_commit_unavailable", error=type(error).__name__)
        _raise_if_throttled(result)
        # A mutation costs its fixed price; a query what its resolvers returned.
        actual = price if operation.is_mutation else cost.actual_cost(result.data)
        report = _cost_report(price, actual, resources.settings.max_query_cost, decision)
        results.append(_format(result, report))
        cookie = context.cookie or cookie
    return results, cookie


def _raise_if_unavailable(result: ExecutionResult) -> None:
    """A field failed because the database (or the rate-limit store) went out of reach, and nothing of the
    request changed anything: the whole request is answered 503 UNAVAILABLE (app.RequestContext, as when
    it fails before any field runs), safe to send again as it was. Once a mutation field has committed,
    the answer is the usual one, the failed fields' errors coded UNAVAILABLE (``_error``): a retry of the
    whole request would run the committed field again."""
    for error in result.errors or []:
        if error.original_error is not None and unavailable(error.original_error):
            raise error.original_error


def _raise_if_throttled(result: ExecutionResult) -> None:
    """Too many failed sign-ins: answered as every rate limit is, for the whole request."""
    for error in result.errors or []:
        if isinstance(error.original_error, SignInThrottled):
            wait = str(max(1, error.original_error.retry_after))
            raise HTTPAnswer(
                429, "Too many failed sign-ins; try again later.", "RATE_LIMITED", {"Retry-After": wait}
            )


def _cost_report(requested: int, actual: int, maximum: int, decision: Decision) -> dict[str, Any]:
    """extensions.cost: what the query was priced at and really returned, and where the rate limit stands."""
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "maximumQueryCost": maximum,
        "throttleStatus": {
            "maximumAvailable": decision.limit,
            "currentlyAvailable": decision.remaining,
            "resetAfterSeconds": decision.reset_after,
        },
    }


def _format(result: ExecutionResult, report: dict[str, Any]) -> Outcome:
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [_error(e) for e in result.errors]
    # Invalid documents, and variables that do not fit them, fail before any field runs.
    request_error = result.data is None and all(e.path is None for e in result.errors or [])
    if isinstance(result, PreExecutionError) or request_error:
        return Outcome(body, rejected=True)
    body["data"] = result.data
    body["extensions"] = {"cost": report}
    return Outcome(body)


def _error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if original is not None and unavailable(original):
        log.warning("graphql.field_unavailable", path=error.path, error=type(original).__name__)
        out_of_reach: dict[str, Any] = {"message": MESSAGE, "extensions": {"code": CODE}}
        if error.path:
            out_of_reach["path"] = error.path
        return out_of_reach
    if original is not None and not isinstance(original, GraphQLError | NotAuthenticated):
        log.error("graphql.internal_error", path=error.path, exc_info=original)
        formatted: dict[str, Any] = {
            "message": "Internal error",
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id()},
        }
        if error.path:
            formatted["path"] = error.path
        return formatted
    formatted = dict(error.formatted)
    formatted["message"] = scrub(formatted["message"])
    if isinstance(original, NotAuthenticated):
        formatted["message"] = "Authentication required."
        formatted["extensions"] = {"code": "UNAUTHENTICATED"}
    if "extensions" not in formatted or "code" not in (formatted.get("extensions") or {}):
        formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
    log.info("graphql.error", message=formatted["message"], code=formatted["extensions"]["code"])
    return formatted


def _apply_cookie(response: Response, resources: Resources, cookie: CookieChange | None) -> None:
    if cookie is None:
        return
    secure = resources.settings.secure_cookies
    if cookie.token is None:
        response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
        return
    max_age = int((cookie.expires_at - utcnow()).total_seconds()) if cookie.expires_at else None
    response.set_cookie(
        SESSION_COOKIE, cookie.token, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax"
    )
