"""The schema, composed from each domain's queries and mutations."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from paydesk.graphql.accounts.mutations import AccountMutations
from paydesk.graphql.accounts.queries import AccountQueries
from paydesk.graphql.customers.mutations import CustomerMutations
from paydesk.graphql.customers.queries import CustomerQueries
from paydesk.graphql.money import Money, MoneyInput
from paydesk.graphql.node_queries import NodeQueries
from paydesk.graphql.scalars import SCALARS

# Limits that keep one request's cost bounded; the portal's deepest query is far below each.
MAX_DEPTH = 12
MAX_ALIASES = 100
MAX_TOKENS = 5_000


@strawberry.type(description="Everything a caller can read, always within its own account.")
class Query(NodeQueries, AccountQueries, CustomerQueries):
    pass


@strawberry.type(description="Everything a caller can change; each returns a payload with userErrors.")
class Mutation(AccountMutations, CustomerMutations):
    pass


class PaydeskSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """The HTTP endpoint logs errors itself, scrubbed and with the request id."""


def build_schema() -> PaydeskSchema:
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    return PaydeskSchema(
        query=Query,
        mutation=Mutation,
        # Part of the API before any field returns them (prices and amounts arrive with products).
        types=[Money, MoneyInput],
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=extensions,
    )


schema = build_schema()
