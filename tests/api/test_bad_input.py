"""Bad requests get clear, typed answers: never a 500, never a stack trace, never a card number."""

from __future__ import annotations

import logging

import httpx
import pytest

from paydesk.customers import service as customers
from tests.helpers import Api, World, without_cost

CREATE = (
    "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"
)


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


async def test_malformed_json_is_400(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql",
        content=b'{"query": ',
        headers={"content-type": "application/json", **world.a.caller("rep").headers},
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": "The request body is not valid JSON.", "extensions": {"code": "BAD_REQUEST"}}]
    }


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]
)
async def test_other_content_types_are_415(http: httpx.AsyncClient, world: World, content_type: str) -> None:
    headers = {**world.a.caller("rep").headers, "content-type": content_type}

    response = await http.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)

    assert response.status_code == 415
    assert codes(response) == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_graphql_response_json_is_accepted(http: httpx.AsyncClient, world: World) -> None:
    headers = {
        **world.a.caller("rep").headers,
        "content-type": "application/graphql-response+json; charset=utf-8",
    }

    response = await http.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)

    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


async def test_get_runs_queries_but_not_mutations(http: httpx.AsyncClient, world: World) -> None:
    headers = world.a.caller("rep").headers

    query = await http.get("/graphql", params={"query": "{ viewer { role } }"}, headers=headers)
    mutation = await http.get(
        "/graphql",
        params={"query": 'mutation { createCustomer(input: {firstName: "G"}) { userErrors { code } } }'},
        headers=headers,
    )

    assert without_cost(query.json()) == {"data": {"viewer": {"role": "REP"}}}
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert codes(mutation) == ["METHOD_NOT_ALLOWED"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "The request has no query."),
        ({"query": 42}, "The request has no query."),
        ({"query": "{ __typename }", "variables": "x"}, "variables must be a JSON object."),
        ({"query": "{ __typename }", "operationName": 1}, "operationName must be a string."),
        ("just a string", "Each operation must be a JSON object with a query."),
        ([], "A batch holds 1 to 20 operations."),
    ],
)
async def test_malformed_requests_are_400(api: Api, world: World, body: object, message: str) -> None:
    response = await api.post(body, world.a.caller("rep"))

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == message


@pytest.mark.parametrize(
    "query",
    [
        "{ customers { nope } }",
        '{ customers(first: "ten") { totalCount } }',
        'mutation { createCustomer(input: {firstName: "A", unknownField: 1}) { userErrors { code } } }',
        "{ customers { ",
        "query A { __typename } query B { __typename }",
    ],
)
async def test_invalid_documents_are_400_with_a_code(api: Api, world: World, query: str) -> None:
    response = await api.post({"query": query}, world.a.caller("rep"))

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Traceback" not in response.text


async def test_wrong_variable_types_are_errors_not_500(api: Api, world: World) -> None:
    response = await api.post(
        {"query": CREATE, "variables": {"i": {"firstName": 123, "bogus": True}}}, world.a.caller("rep")
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_alias_floods_and_huge_documents_are_refused(api: Api, world: World) -> None:
    aliases = "{ " + " ".join(f"a{n}: __typename" for n in range(101)) + " }"
    huge = "{ " + " ".join("__typename" for _ in range(5001)) + " }"
    rep = world.a.caller("rep")

    too_many = await api.post({"query": aliases}, rep)
    too_big = await api.post({"query": huge}, rep)

    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["message"] == "101 aliases found. Allowed: 100"
    assert too_big.status_code == 400
    assert (
        too_big.json()["errors"][0]["message"]
        == "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."
    )


async def test_oversized_body_is_413(http: httpx.AsyncClient, world: World) -> None:
    body = b'{"query": "{ __typename }", "pad": "' + b"x" * 1_100_000 + b'"}'

    response = await http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", **world.a.caller("rep").headers},
    )

    assert response.status_code == 413


async def test_card_numbers_in_a_query_are_not_echoed_or_logged(
    api: Api, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    query = "mutation { createCustomer(input: {firstName: 4242424242424242}) { userErrors { code } } }"

    response = await api.post({"query": query}, world.a.caller("rep"))

    assert response.status_code == 400
    assert "4242424242424242" not in response.text
    assert "[redacted]" in response.text
    assert "4242424242424242" not in caplog.text


async def test_unexpected_exceptions_are_masked_with_a_request_id(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/paydesk")

    monkeypatch.setattr(customers, "create_customer", boom)
    caplog.set_level(logging.ERROR)

    response = await api.post(
        {"query": CREATE, "variables": {"i": {"firstName": "X"}}}, world.a.caller("rep")
    )

    body = response.json()
    request_id = response.headers["x-request-id"]
    assert response.status_code == 200
    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": "Internal error",
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            "path": ["createCustomer"],
        }
    ]
    assert "secret internals" not in response.text
    assert "secret internals" in caplog.text


async def test_health_endpoints(http: httpx.AsyncClient) -> None:
    health = await http.get("/healthz")
    ready = await http.get("/readyz")

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": "ok"})
    assert len(health.headers["x-request-id"]) == 32


async def test_a_sane_incoming_request_id_is_kept(http: httpx.AsyncClient) -> None:
    kept = await http.get("/healthz", headers={"x-request-id": "trace-1234abcd"})
    replaced = await http.get("/healthz", headers={"x-request-id": "bad id\nwith newline"})

    assert kept.headers["x-request-id"] == "trace-1234abcd"
    assert replaced.headers["x-request-id"] != "bad id\nwith newline"
