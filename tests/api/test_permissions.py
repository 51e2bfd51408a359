"""The permission matrix: each customer query and mutation x every kind of caller x own or other account.

Each test builds the whole table of outcomes for one operation and compares
it with the expected table, so a failure shows every cell that is wrong.
Another account's id must behave exactly like an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers import ANONYMOUS, Api, Caller, World, without_throttle

CALLERS = ["owner", "admin", "rep", "viewer", "apikey", "anonymous"]
WRITERS = {"owner", "admin", "rep", "apikey"}  # REP and above; API keys act as ADMIN by default
MISSING_ID = "cus_0000000000000000000000"


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    variables: Any  # (customer id) -> variables
    is_mutation: bool


OPERATIONS = {
    "createCustomer": Operation(
        "createCustomer",
        "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code } } }",
        lambda _cid: {"i": {"firstName": "New"}},
        True,
    ),
    "updateCustomer": Operation(
        "updateCustomer",
        "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } userErrors { field code } } }",
        lambda cid: {"i": {"customerId": cid, "phone": "+1 555 0101"}},
        True,
    ),
    "addAddress": Operation(
        "addAddress",
        "mutation($i: AddAddressInput!) { addAddress(input: $i) { address { id } userErrors { field code } } }",
        lambda cid: {"i": {"customerId": cid, "line1": "1 Main St", "city": "Springfield", "country": "US"}},
        True,
    ),
    "addComment": Operation(
        "addComment",
        "mutation($i: AddCommentInput!) { addComment(input: $i) { comment { id } userErrors { field code } } }",
        lambda cid: {"i": {"customerId": cid, "body": "Noted."}},
        True,
    ),
    "customer": Operation(
        "customer",
        "query($id: ID!) { customer(id: $id) { id firstName } }",
        lambda cid: {"id": cid},
        False,
    ),
    "node": Operation(
        "node",
        "query($id: ID!) { node(id: $id) { id } }",
        lambda cid: {"id": cid},
        False,
    ),
}


def expected(operation: Operation, caller: str, target: str) -> str:
    if caller == "anonymous":
        return "401 UNAUTHENTICATED"
    if operation.is_mutation:
        if caller not in WRITERS:
            return "FORBIDDEN"
        if operation.name == "createCustomer" or target == "own":
            return "ok"
        return "NOT_FOUND input.customerId"
    return "found" if target == "own" else "null"


async def outcome(api: Api, operation: Operation, caller: Caller, customer_id: str) -> str:
    response = await api.post(
        {"query": operation.query, "variables": operation.variables(customer_id)}, caller
    )
    body = response.json()
    if response.status_code != 200:
        return f"{response.status_code} {body['errors'][0]['extensions']['code']}"
    assert "errors" not in body, body
    result = body["data"][operation.name]
    if not operation.is_mutation:
        return "null" if result is None else "found"
    if not result["userErrors"]:
        return "ok"
    error = result["userErrors"][0]
    return " ".join([error["code"], ".".join(error["field"] or [])]).strip()


@pytest.mark.parametrize("name", OPERATIONS)
async def test_permission_matrix(api: Api, world: World, name: str) -> None:
    operation = OPERATIONS[name]
    targets = {"own": world.a.customer_id, "other": world.b.customer_id}
    actual: dict[tuple[str, str], str] = {}
    wanted: dict[tuple[str, str], str] = {}
    for caller_name in CALLERS:
        caller = ANONYMOUS if caller_name == "anonymous" else world.a.caller(caller_name)
        for target, customer_id in targets.items():
            wanted[(caller_name, target)] = expected(operation, caller_name, target)
            actual[(caller_name, target)] = await outcome(api, operation, caller, customer_id)

    assert actual == wanted


@pytest.mark.parametrize("name", ["updateCustomer", "addAddress", "addComment", "customer", "node"])
async def test_other_accounts_id_answers_exactly_like_a_missing_one(
    api: Api, world: World, name: str
) -> None:
    operation = OPERATIONS[name]
    admin = world.a.caller("admin")

    other = await api.post(
        {"query": operation.query, "variables": operation.variables(world.b.customer_id)}, admin
    )
    missing = await api.post({"query": operation.query, "variables": operation.variables(MISSING_ID)}, admin)

    assert other.status_code == missing.status_code == 200
    assert without_throttle(other.json()) == without_throttle(missing.json())


async def test_customers_list_shows_only_the_callers_account(api: Api, world: World) -> None:
    query = "{ customers { totalCount edges { node { id } } } }"
    for caller_name in ["owner", "admin", "rep", "viewer", "apikey"]:
        data = await api.gql(query, world.a.caller(caller_name))
        assert data["customers"] == {"totalCount": 1, "edges": [{"node": {"id": world.a.customer_id}}]}, (
            caller_name
        )
    response = await api.post({"query": query})
    assert response.status_code == 401


async def test_forbidden_mutation_writes_nothing(api: Api, world: World) -> None:
    viewer = world.a.caller("viewer")

    response = await api.post(
        {
            "query": OPERATIONS["addComment"].query,
            "variables": OPERATIONS["addComment"].variables(world.a.customer_id),
        },
        viewer,
    )

    assert response.json()["data"]["addComment"] == {
        "comment": None,
        "userErrors": [{"field": None, "code": "FORBIDDEN"}],
    }
    data = await api.gql(
        "query($id: ID!) { customer(id: $id) { comments { totalCount } } }", viewer, id=world.a.customer_id
    )
    assert data["customer"]["comments"]["totalCount"] == 0
