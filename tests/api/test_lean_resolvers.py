"""graphql.resolvers.lean: resolvers called directly answer exactly as through Strawberry's wrapper."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.permission import BasePermission

from paydesk.graphql.resolvers import lean
from paydesk.graphql.schema import schema as api_schema


class Deny(BasePermission):
    message = "not you"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def where(self, info: strawberry.Info) -> str:
        return f"{self.name} {info.context['tag']} {info.field_name} {info.path.as_list()}"

    @strawberry.field
    async def later(self, info: strawberry.Info) -> str:
        return f"{self.name} later {info.context['tag']}"

    @strawberry.field
    def fails(self) -> str | None:
        raise ValueError(f"{self.name} fails")

    @strawberry.field
    async def fails_later(self) -> str | None:
        raise ValueError(f"{self.name} fails later")

    @strawberry.field
    def fails_hard(self) -> str:
        raise ValueError(f"{self.name} fails hard")

    @strawberry.field
    def times(self, n: int) -> str:
        return self.name * n

    @strawberry.field(permission_classes=[Deny])
    def guarded(self) -> str | None:
        return "secret"

    @strawberry.field
    def parent_name(self, root: Item) -> str:
        return root.name

    @strawberry.field
    @staticmethod
    def constant() -> int:
        return 7

    @strawberry.field
    def twin(self) -> Item | None:
        return None if self.name == "b" else Item(name=self.name * 2)


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a"), Item(name="b")]

    @strawberry.field
    def maybe(self, info: strawberry.Info) -> Item | None:
        return Item(name=info.context["tag"])


QUERY = """{
  items { name shout where later fails failsLater times(n: 2) guarded parentName constant
          twin { name shout where } }
  maybe { shout where }
}"""
HARD = "{ maybe { shout failsHard } items { name } }"


async def _answers(query: str, *, apply: bool) -> tuple[Any, list[Any]]:
    built = strawberry.Schema(query=Query)
    if apply:
        # Item's shout, where, later, fails, failsLater, failsHard, twin and constant (no self, no info),
        # and Query's items and maybe; not times (an argument), guarded (a permission) or parentName (root).
        assert lean(built) == 10
    result = await built.execute(query, context_value={"tag": "t"})
    errors = sorted((e.formatted for e in result.errors or []), key=lambda e: str(e["path"]))
    return result.data, errors


async def test_answers_and_errors_are_strawberrys() -> None:
    for query in (QUERY, HARD):
        assert await _answers(query, apply=True) == await _answers(query, apply=False)
    data, errors = await _answers(QUERY, apply=True)
    assert data is not None
    assert data["items"][0]["where"] == "a t where ['items', 0, 'where']"
    assert data["items"][0]["twin"] == {
        "name": "aa",
        "shout": "AA",
        "where": "aa t where ['items', 0, 'twin', 'where']",
    }
    assert [e["message"] for e in errors] == [
        "a fails",
        "a fails later",
        "not you",
        "b fails",
        "b fails later",
        "not you",
    ]


def test_the_api_calls_its_relations_directly() -> None:
    def direct(type_name: str, field_name: str) -> bool:
        kind = api_schema._schema.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType)
        resolve = kind.fields[field_name].resolve
        return resolve is not None and resolve.__qualname__.startswith("_direct")

    assert direct("Transaction", "lines")
    assert direct("Transaction", "refunds")
    assert direct("Customer", "lastPayment")
    assert direct("Customer", "defaultPaymentMethod")
    assert not direct("Customer", "transactions")  # it takes arguments
