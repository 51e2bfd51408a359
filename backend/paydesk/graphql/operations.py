"""Reading a GraphQL request before it runs: its operation, its kind and its cost.

The endpoint needs this ahead of execution to decide three things: may an
anonymous caller run it (signIn and introspection only), is it a mutation
sent over GET, and how many operations it counts for the rate limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)
from graphql.utilities import get_operation_ast

from paydesk.graphql.schema import MAX_TOKENS

ANONYMOUS_QUERY_FIELDS = frozenset({"__schema", "__type", "__typename"})
ANONYMOUS_MUTATION_FIELDS = frozenset({"signIn", "__typename"})


class RequestProblem(Exception):
    """The request is malformed; the message is safe to show."""


@dataclass(frozen=True)
class Operation:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    definition: OperationDefinitionNode
    root_fields: tuple[str, ...]
    document: DocumentNode

    @property
    def is_mutation(self) -> bool:
        return self.definition.operation is OperationType.MUTATION

    @property
    def cost(self) -> int:
        """One for a query; one for each root field of a mutation, aliases included."""
        return max(1, len(self.root_fields)) if self.is_mutation else 1

    @property
    def anonymous_ok(self) -> bool:
        allowed = ANONYMOUS_MUTATION_FIELDS if self.is_mutation else ANONYMOUS_QUERY_FIELDS
        if self.definition.operation is OperationType.SUBSCRIPTION:
            return False
        return bool(self.root_fields) and set(self.root_fields) <= allowed


def read_operation(payload: object) -> Operation:
    """An operation from one request object ({query, variables, operationName})."""
    if not isinstance(payload, dict):
        raise RequestProblem("Each operation must be a JSON object with a query.")
    query, variables, name = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise RequestProblem("The request has no query.")
    if variables is not None and not isinstance(variables, dict):
        raise RequestProblem("variables must be a JSON object.")
    if name is not None and not isinstance(name, str):
        raise RequestProblem("operationName must be a string.")
    document = parsed(query)
    definition = get_operation_ast(document, name)
    if definition is None:
        which = f"named {name!r}" if name else "to run (name one with operationName)"
        raise GraphQLError(f"The document has no operation {which}.")
    return Operation(
        query, variables, name, definition, root_field_names(document, definition.selection_set), document
    )


# Distinct query strings kept parsed: clients send a handful of fixed operations (the portal a few
# dozen), so 256 holds them all and bounds the memory of anyone sending many.
PARSED_QUERIES = 256


@lru_cache(maxsize=PARSED_QUERIES)
def parsed(query: str) -> DocumentNode:
    """The query's document, parsed once per distinct string (graphql-core never changes a document);
    Strawberry's ParserCache does the same for its own parse, so each string is parsed twice in all,
    not twice per request. A query that fails to parse raises each time, never cached."""
    return parse(query, max_tokens=MAX_TOKENS)


def root_field_names(document: DocumentNode, selection: SelectionSetNode) -> tuple[str, ...]:
    """The names of an operation's root fields, through its fragments (aliases counted apiece)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    names: list[str] = []
    seen: set[str] = set()

    def walk(selections: SelectionSetNode) -> None:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                names.append(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                seen.add(node.name.value)
                fragment = fragments.get(node.name.value)
                if fragment is not None:
                    walk(fragment.selection_set)

    walk(selection)
    return tuple(names)
