"""Calculated query cost: every query is priced before it runs, refused over the maximum, and reported.

A scalar costs 0, an object 1, a connection ``first`` times one node plus 1, a
list of objects its bound (100 where none is documented), a mutation 10 per
root field. The 99-alias query of issue 16 asks for about 200 million objects
and is refused with MAX_COST_EXCEEDED before anything past authentication
reads the database; everything the portal sends, and the customer read a
partner makes, stays well under the maximum.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse
from graphql.utilities import get_operation_ast
from starlette.applications import Starlette

from paydesk.config import Settings
from paydesk.graphql.cost import actual_cost, requested_cost
from paydesk.graphql.schema import schema
from tests.api.test_sales import card, charged
from tests.helpers import Api, World, sql_statements

MAXIMUM = Settings.model_fields["max_query_cost"].default
ONE = (
    "customers(first: 100) { edges { node { id transactions(first: 100) { edges { node { id lines { quantity } "
    "refunds { id } } } } paymentMethods { id } addresses { id } } } }"
)
MONSTER = "query {" + " ".join(f"a{i}: {ONE}" for i in range(99)) + "}"
SMALL = "{ customers(first: 2) { edges { node { id transactions(first: 2) { edges { node { id } } } } } } }"
# What a partner reads to show one customer: everything on them, with their last 50 sales.
CUSTOMER_DETAILS = """
query($id: ID!) {
  customer(id: $id) {
    id firstName lastName email phone createdAt
    addresses { id line1 line2 city region postalCode country }
    comments(first: 20) { edges { node { id body createdAt } } }
    paymentMethods { id brand last4 expMonth expYear isDefault status }
    transactions(first: 50) {
      edges { node {
        id status origin transactionDate total { amount currency }
        lines { description quantity unitPrice { amount } total { amount } }
        refunds { id status amount { amount } createdAt }
      } }
      pageInfo { hasNextPage endCursor }
    }
    subscriptions { id status kind nextChargeDate unitPrice { amount currency } }
    paymentRequests(first: 20) { edges { node { id status url amount { amount currency } } } }
    invoices(first: 20) { edges { node { id number issuedAt url } } }
  }
}"""
PORTAL = Path(__file__).resolve().parents[2] / "frontend" / "src" / "portal"


def price(query: str, variables: dict[str, Any] | None = None) -> int:
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    return requested_cost(schema._schema, document, operation, variables)


def test_the_price_of_each_kind_of_field() -> None:
    assert price("{ viewer { role } }") == 1  # an object, and a scalar in it
    assert price("{ customers(first: 10) { totalCount } }") == 1  # no node selected
    assert price("{ customers(first: 10) { edges { node { id } } } }") == 1 + 10 * 1
    assert price("{ customers { edges { node { id } } } }") == 1 + 20 * 1  # first's default
    assert price("query($n: Int) { customers(first: $n) { edges { node { id } } } }", {"n": 7}) == 8
    assert price("{ customers(first: 3) { edges { node { addresses { id } } } } }") == 1 + 3 * (1 + 100)
    assert price("{ customers(first: 1) { pageInfo { hasNextPage } } }") == 2
    assert price("{ __schema { types { name fields { name } } } }") == 0
    assert price("mutation { a: signOut { signedOut } b: signOut { signedOut } }") == 20
    assert price(SMALL) == 1 + 2 * (1 + 1 + 2 * 1)


def test_the_partners_customer_read_and_every_portal_query_fit_with_room_to_spare() -> None:
    details = price(CUSTOMER_DETAILS, {"id": "cus_x"})
    assert details * 2 <= MAXIMUM, details
    documents = portal_documents()
    assert len(documents) > 40
    fragments = "\n".join(text for text in documents if text.lstrip().startswith("fragment"))
    for text in documents:
        if text.lstrip().startswith("fragment"):
            continue
        document = parse(f"{text}\n{fragments}")
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        # Every Int variable at the largest page (100), the most a portal screen could ask.
        ints = {
            v.variable.name.value: 100
            for v in operation.variable_definitions or ()
            if "Int" in str(v.type.to_dict() if hasattr(v.type, "to_dict") else v.type)
        }
        cost = requested_cost(schema._schema, document, operation, ints)
        assert cost * 2 <= MAXIMUM, (operation.name.value if operation.name else text[:60], cost)


def test_every_example_in_the_readme_is_under_the_maximum() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    examples = re.findall(r"```graphql\n(.*?)```", readme, re.S)
    assert examples
    for example in examples:
        assert price(example) * 2 <= MAXIMUM, example
    assert price(examples[0]) == 9  # the README's worked example says so


def portal_documents() -> list[str]:
    """Every GraphQL document written in the portal's sources (graphql(`...`) calls)."""
    found = []
    for path in PORTAL.rglob("*.ts*"):
        if "gql" in path.parts or path.name.endswith(".test.tsx"):
            continue
        found += re.findall(r"graphql\(`(.*?)`\)", path.read_text(), re.S)
    return found


async def test_the_99_alias_query_is_refused_before_anything_runs(
    app: Starlette, api: Api, world: World
) -> None:
    caller = world.a.caller("apikey")

    with sql_statements(app) as seen:
        response = await api.post({"query": MONSTER}, caller)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["cost"]["requestedQueryCost"] == price(MONSTER)
    assert error["extensions"]["cost"]["maximumQueryCost"] == MAXIMUM
    assert price(MONSTER) > 100 * MAXIMUM
    assert "data" not in response.json()
    # Authenticating the key reads api_key (and may touch its last use); nothing else ran.
    ran = [s for s in seen if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert ran
    assert all("api_key" in statement for statement in ran), ran


async def test_a_query_reports_what_it_was_priced_at_what_it_returned_and_the_rate_limit(
    api: Api, world: World
) -> None:
    apikey = world.a.caller("apikey")
    for _ in range(2):
        await charged(
            api,
            world.a.caller("rep"),
            world.a.customer_id,
            lines=[{"description": "Map", "unitPrice": "5.00"}],
            card=card("4242424242424242"),
        )

    response = await api.post({"query": SMALL}, apikey)

    body = response.json()
    report = body["extensions"]["cost"]
    # One customer (the world's) with two sales: the connection 1, the customer 1, its connection 1, 2 sales.
    assert report["requestedQueryCost"] == price(SMALL) == 9
    assert report["actualQueryCost"] == 1 + 1 + 1 + 2
    assert report["maximumQueryCost"] == MAXIMUM
    throttle = report["throttleStatus"]
    assert throttle["maximumAvailable"] == 180
    assert throttle["currentlyAvailable"] == int(response.headers["X-Rate-Limit-Remaining"])
    assert throttle["resetAfterSeconds"] == int(response.headers["X-Rate-Limit-Reset"])


async def test_a_mutation_costs_ten_a_root_field(api: Api, world: World) -> None:
    response = await api.post(
        {
            "query": 'mutation { a: createCustomer(input: {firstName: "A"}) { customer { id } } '
            'b: createCustomer(input: {firstName: "B"}) { customer { id } } }'
        },
        world.a.caller("rep"),
    )

    report = response.json()["extensions"]["cost"]
    assert (report["requestedQueryCost"], report["actualQueryCost"]) == (20, 20)


async def test_in_a_batch_only_the_query_over_the_maximum_is_refused(api: Api, world: World) -> None:
    response = await api.post(
        [{"query": "{ viewer { role } }"}, {"query": MONSTER}], world.a.caller("apikey")
    )

    first, second = response.json()
    assert first["data"] == {"viewer": {"role": "ADMIN"}}
    assert second["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert "data" not in second


def _counted(value: Any, *, top: bool = False, edge: bool = False) -> int:
    """actual_cost as first written, recursively: 1 per object, the top object and edges not counted."""
    if isinstance(value, list):
        return sum(_counted(item, edge=edge) for item in value if isinstance(item, (dict, list)))
    if not isinstance(value, dict):
        return 0
    own = 0 if top or edge else 1
    return own + sum(
        _counted(child, edge=key == "edges")
        for key, child in value.items()
        if isinstance(child, (dict, list)) and not key.startswith("__")
    )


def test_the_actual_cost_counts_every_object_but_the_top_one_and_edges() -> None:
    answers: list[Any] = [
        None,
        {},
        [],
        {"__typename": "Query"},
        {"customer": None},
        {"customer": {"id": "c", "__meta": {"x": {}}, "tags": [[{"a": 1}], {"b": {"c": {}}}]}},
        [{"a": {}}, [{"b": 1}], 3],
        {
            "customers": {
                "totalCount": 2,
                "pageInfo": {"hasNextPage": False},
                "edges": [
                    {"cursor": "x", "node": {"id": "1", "lastPayment": {"total": {"amount": "1"}}}},
                    {"cursor": "y", "node": {"id": "2", "lastPayment": None}},
                    [{"node": {}}],
                ],
            },
            "edges": [{"edges": [{}]}],
        },
    ]
    for answer in answers:
        assert actual_cost(answer) == _counted(answer, top=True), answer
    # customers, pageInfo, three nodes, a lastPayment and its total; no edge, nested or not
    assert actual_cost(answers[-1]) == 7
