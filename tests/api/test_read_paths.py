"""The read paths' shortcuts answer exactly as the long way did.

Totals that ride on a first page (a window count) equal the separate count(*) a later page takes;
answers encoded by orjson are Starlette's bytes; plain leaf fields read by ``DirectLeafExecution``
give the same data and the same errors as graphql-core's own path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.responses import JSONResponse

from paydesk import ids
from paydesk.graphql.endpoint import GraphQLResponse
from paydesk.graphql.execution import DirectLeafExecution
from paydesk.models import Comment, Customer
from tests.api.test_read_statements import _seed
from tests.helpers import Api, World, resources

PAGES = """
query($id: ID!, $first: Int!, $after: String) { customer(id: $id) {
  transactions(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
  comments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
} }"""


async def _walk(api: Api, world: World, customer_id: str, field: str) -> tuple[list[int], list[str]]:
    """Every page of ``field``, 3 at a time: each page's totalCount, and the ids in order."""
    totals: list[int] = []
    seen: list[str] = []
    after = None
    while True:
        data = await api.gql(PAGES, world.a.caller("apikey"), id=customer_id, first=3, after=after)
        page = data["customer"][field]
        totals.append(page["totalCount"])
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return totals, seen
        after = page["pageInfo"]["endCursor"]


async def test_first_pages_count_what_later_pages_count(app: Starlette, api: Api, world: World) -> None:
    account_id = world.a.account_id
    customer_id = await _seed(app, account_id, customers=1, sales=7)
    async with resources(app).sessions() as db:
        for n in range(5):
            db.add(
                Comment(
                    id=ids.new_id(ids.COMMENT), account_id=account_id, customer_id=customer_id, body=f"n{n}"
                )
            )
        empty = Customer(id=ids.new_id(ids.CUSTOMER), account_id=account_id, first_name="Nobody")
        db.add(empty)
        await db.commit()

    sales, sale_ids = await _walk(api, world, customer_id, "transactions")
    comments, comment_ids = await _walk(api, world, customer_id, "comments")
    none, _ = await _walk(api, world, empty.id, "transactions")
    no_comments, _ = await _walk(api, world, empty.id, "comments")

    assert sales == [7, 7, 7]
    assert len(set(sale_ids)) == 7
    assert comments == [5, 5]
    assert len(set(comment_ids)) == 5
    assert none == [0]
    assert no_comments == [0]


def test_orjson_answers_are_starlettes_bytes() -> None:
    for body in (
        {
            "data": {
                "s": 'é ü 日本 \u2028 \x00 \x1f \x7f " \\ \n\t/',
                "n": [1, -2, 0, True, False, None],
                "e": {},
            }
        },
        {"errors": [{"message": "x", "extensions": {"code": "BAD_USER_INPUT", "path": ["a", 0]}}]},
        [{"data": {"a": 1}}, {"data": None}],
        {"data": {"big": 2**70}},  # past 64 bits: orjson refuses it, the standard library encodes it
    ):
        assert GraphQLResponse(body).body == JSONResponse(body).body


@strawberry.enum
class Colour(Enum):
    RED = "RED"


@strawberry.type
class Size:
    width: int
    unit: str | None = None


@strawberry.type
class Thing:
    size: Size
    other: Size | None
    name: str
    nick: str | None
    count: int
    colour: Colour
    when: datetime
    maybe: int | None = None


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        bad: Any = None
        ok, broken = Size(width=1, unit="cm"), Size(width=bad)
        return [
            Thing(size=ok, other=None, name="a", nick=None, count=1, colour=Colour.RED, when=when, maybe=2),
            Thing(size=ok, other=ok, name=bad, nick="x", count=2, colour=Colour.RED, when=when),
            Thing(size=ok, other=broken, name="c", nick="y", count="three", colour=Colour.RED, when=when),  # type: ignore[arg-type]
            Thing(size=broken, other=ok, name="d", nick="z", count=4, colour=bad, when=when),
            Thing(size=ok, other=bad, name="e", nick=None, count=5, colour=Colour.RED, when=when),
        ]

    @strawberry.field
    def thing(self) -> Thing:
        when = datetime(2026, 1, 1, tzinfo=UTC)
        size = Size(width=2, unit=None)
        return Thing(
            size=size, other=size, name="t", nick=None, count=3, colour=Colour.RED, when=when, maybe=2**40
        )


def test_plain_fields_answer_and_fail_as_graphql_core_does() -> None:
    # Sibling fields run in order, and a failing non-null field ends its object: size and other first.
    query = (
        "{ things { size { width unit } other { width w: width __typename } name nick count colour when "
        "maybe alias: name __typename } thing { count maybe size { unit width } } }"
    )
    plain = strawberry.Schema(query=Query)
    direct = strawberry.Schema(query=Query, execution_context_class=DirectLeafExecution)

    expected = plain.execute_sync(query)
    got = direct.execute_sync(query)

    assert expected.errors is not None
    assert len(expected.errors) == 5
    assert expected.data is not None
    assert expected.data["thing"] == {"count": 3, "maybe": None, "size": {"unit": None, "width": 2}}
    assert got.data == expected.data
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors]
