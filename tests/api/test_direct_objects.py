"""Objects answered by ``DirectLeafExecution`` (nodes of an interface, edges, connections, a resolver's
list of objects) give the same data and the same errors as graphql-core's own path, with fields that
fail synchronously and asynchronously, nulls in non-null places, values of another class, subclasses
and cast objects (which Strawberry's ``is_type_of`` judges, so they keep graphql-core's path)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import strawberry
from strawberry.types.cast import get_strawberry_type_cast

from paydesk.graphql import execution
from paydesk.graphql.direct_lists import UNANSWERED, complete_own_list
from paydesk.graphql.execution import DirectLeafExecution


@strawberry.interface
class Named:
    id: strawberry.ID


@strawberry.type
class Amount:
    value: int
    unit: str | None = None


@strawberry.type
class Leaf(Named):
    name: str
    amount: Amount
    spare: Amount | None = None
    fails_in: str = ""

    @strawberry.field
    def now(self) -> str:
        if self.fails_in == "now":
            raise ValueError(f"now failed on {self.id}")
        return f"now {self.id}"

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        if self.fails_in == "later":
            raise ValueError(f"later failed on {self.id}")
        return f"later {self.id}"

    @strawberry.field
    async def must(self) -> str:
        await asyncio.sleep(0)
        if self.fails_in == "must":
            raise ValueError(f"must failed on {self.id}")
        return f"must {self.id}"

    @strawberry.field
    def parts(self) -> list[Amount]:
        return [Amount(value=1), Amount(value=2, unit="cm")]


@strawberry.type
class Other(Named):
    name: str


class LeafChild(Leaf):
    """A subclass: Strawberry's is_type_of accepts it; the direct path leaves it to graphql-core."""


@strawberry.type
class LeafEdge:
    cursor: str
    node: Leaf
    maybe: Leaf | None = None


@strawberry.type
class LeafConnection:
    edges: list[LeafEdge]
    loose: list[LeafEdge | None]
    total: int


def leaf(n: int, fails_in: str = "", **kwargs: Any) -> Leaf:
    fields: dict[str, Any] = {"name": f"leaf {n}", "amount": Amount(value=n), "fails_in": fails_in, **kwargs}
    return Leaf(id=strawberry.ID(f"l{n}"), **fields)


def connection() -> LeafConnection:
    bad: Any = None
    edges = [
        LeafEdge(cursor="a", node=leaf(1), maybe=leaf(11, spare=Amount(value=5))),
        LeafEdge(cursor="b", node=leaf(2, "later")),
        LeafEdge(cursor="c", node=LeafChild(id=strawberry.ID("l3"), name="child", amount=Amount(value=3))),
    ]
    loose: list[LeafEdge | None] = [
        LeafEdge(cursor="d", node=leaf(4, "must")),
        None,
        LeafEdge(cursor="e", node=leaf(5, "now")),
        LeafEdge(cursor="f", node=bad),
        LeafEdge(cursor="g", node=leaf(6), maybe=Other(id=strawberry.ID("o"), name="other")),  # type: ignore[arg-type]
        LeafEdge(cursor="h", node=leaf(7, amount=bad)),
    ]
    return LeafConnection(edges=edges, loose=loose, total=len(edges) + len(loose))


@strawberry.type
class Query:
    @strawberry.field
    async def connection(self) -> LeafConnection:
        await asyncio.sleep(0)
        return connection()

    @strawberry.field
    def strict(self) -> LeafConnection | None:
        # A non-null node failing in a non-null edge list: the whole connection becomes null.
        return LeafConnection(edges=[LeafEdge(cursor="x", node=leaf(8, "must"))], loose=[], total=1)

    @strawberry.field
    def leaves(self) -> list[Named | None]:
        cast: Any = strawberry.cast(Other, leaf(9))
        return [leaf(10), cast, Other(id=strawberry.ID("o2"), name="o2"), None]

    @strawberry.field
    def own(self) -> LeafConnection:
        # Every edge and node of its own class: the lists complete directly, with async items, failures
        # in nullable places (later) and a failing nested list item.
        edges = [LeafEdge(cursor="i", node=leaf(20)), LeafEdge(cursor="j", node=leaf(21, "later"))]
        edges.append(LeafEdge(cursor="k", node=leaf(22), maybe=leaf(23, "must")))
        return LeafConnection(edges=edges, loose=[], total=3)

    @strawberry.field
    def own_strict(self) -> LeafConnection | None:
        # A synchronous failure in a non-null place after pending async siblings: the list fails, the
        # siblings are settled in the background, the connection is null.
        edges = [LeafEdge(cursor="l", node=leaf(24)), LeafEdge(cursor="m", node=leaf(25, "now"))]
        return LeafConnection(edges=edges, loose=[], total=2)

    @strawberry.field
    def mixed(self) -> list[Leaf]:
        # A subclass among non-null items: the whole list is left to graphql-core.
        return [leaf(30), LeafChild(id=strawberry.ID("l31"), name="child", amount=Amount(value=31))]

    @strawberry.field
    def wrong(self) -> list[Leaf | None]:
        other: Any = Other(id=strawberry.ID("o3"), name="o3")
        return [leaf(12), other, leaf(13, "now")]


NODE = "id name amount { value unit } spare { value } now later must parts { value unit } __typename"
QUERY = (
    "{ connection { total edges { cursor node { " + NODE + " } maybe { id name amount { value } } } "
    "loose { cursor node { " + NODE + " } maybe { id } } } "
    "strict { total edges { node { id must } } } "
    "leaves { id __typename ... on Leaf { name amount { value } later } ... on Other { name } } "
    "wrong { id name now } "
    "own { total edges { cursor node { id later must parts { value } } maybe { id must } } } "
    "ownStrict { edges { node { id later now } } } mixed { id name later } }"
)


def test_objects_answer_and_fail_as_graphql_core_does() -> None:
    assert get_strawberry_type_cast(strawberry.cast(Other, leaf(0))) is Other
    plain = strawberry.Schema(query=Query, types=[Other])
    direct = strawberry.Schema(query=Query, types=[Other], execution_context_class=DirectLeafExecution)

    expected = asyncio.run(plain.execute(QUERY))
    answered: list[object] = []

    def spy(*args: Any) -> Any:
        answer = complete_own_list(*args)
        answered.append(answer is not UNANSWERED)
        return answer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(execution, "complete_own_list", spy)
        got = asyncio.run(direct.execute(QUERY))

    assert expected.data is not None
    assert expected.errors is not None
    assert len(expected.errors) >= 8
    assert expected.data["strict"] is None
    assert expected.data["ownStrict"] is None
    assert expected.data["own"]["edges"][1]["node"]["later"] is None
    assert True in answered
    assert False in answered  # mixed
    assert got.data == expected.data
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors]


def test_a_synchronous_answer_stays_synchronous() -> None:
    query = "{ strict { total } wrong { id name } }"
    plain = strawberry.Schema(query=Query, types=[Other])
    direct = strawberry.Schema(query=Query, types=[Other], execution_context_class=DirectLeafExecution)

    expected, got = plain.execute_sync(query), direct.execute_sync(query)

    assert (
        got.data
        == expected.data
        == {
            "strict": {"total": 1},
            # Strawberry's is_type_of takes any object of the interface: o3 passes as a Leaf.
            "wrong": [
                {"id": "l12", "name": "leaf 12"},
                {"id": "o3", "name": "o3"},
                {"id": "l13", "name": "leaf 13"},
            ],
        }
    )
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors or []]
