"""What a query asks for, priced before it runs, and what it really returned, counted after.

The price follows Shopify's and GitHub's GraphQL APIs, from the parsed
document, the schema and the variables:

- a scalar or enum field costs 0;
- an object field costs 1 plus what is selected inside it;
- a connection (a field returning ``...Connection``) costs 1 plus ``first``
  (its argument, its variable, or its default) times the cost of one node,
  plus what else is selected on it (``pageInfo`` is an object: 1);
- a list of objects counts each element at its documented bound
  (``LIST_BOUNDS``), or ``DEFAULT_LIST_BOUND`` where it has none;
- a mutation costs ``MUTATION_COST`` per root field, whatever it selects;
- introspection (``__schema``, ``__type``, ``__typename``) is free.

A query priced over the account's maximum (``PAYDESK_MAX_QUERY_COST``) is
refused before any resolver runs. The actual cost counts the same way over
the response: every object returned is 1, an edge's node counts as the node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from paydesk.graphql.operations import root_field_names

MUTATION_COST = 10
DEFAULT_LIST_BOUND = 100
# Lists whose length the API bounds (documented on the field or its input).
LIST_BOUNDS: Mapping[str, int] = {
    "Transaction.lines": 100,  # an order has at most 100 lines
    "Offer.lines": 100,
    "SalePreview.lines": 100,
    "PaymentRequest.lines": 100,
    "Transaction.availableActions": 6,  # one per TransactionActionKind
}


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> int:
    """The price of ``operation`` (see the module docstring); fields the schema lacks cost nothing here
    (validation refuses them before anything runs)."""
    if operation.operation is OperationType.MUTATION:
        names = root_field_names(document, operation.selection_set)
        return MUTATION_COST * sum(1 for name in names if not name.startswith("__"))
    root = schema.query_type if operation.operation is OperationType.QUERY else schema.subscription_type
    if root is None:
        return 0
    pricer = _Pricer(schema, document, operation, variables or {})
    return pricer.selection(root, operation.selection_set, frozenset())


def actual_cost(data: Any) -> int:
    """What a query's response really returned: 1 per object, an edge's node counted as the node."""
    # A walk with a stack, not recursion: it runs over every answer, and a large answer is mostly
    # scalars, so only lists and objects are visited (each pushed with whether an object there counts:
    # the top object and an edge do not, the edge's node does).
    if isinstance(data, dict):
        stack: list[tuple[Any, bool]] = [(data, False)]
    elif isinstance(data, list):
        stack = [(data, True)]
    else:
        return 0
    total = 0
    pop, push = stack.pop, stack.append
    while stack:
        value, counts = pop()
        if isinstance(value, dict):
            total += counts
            for key, child in value.items():
                if isinstance(child, (dict, list)) and not key.startswith("__"):
                    push((child, key != "edges"))
        else:
            for item in value:
                if isinstance(item, (dict, list)):
                    push((item, counts))
    return total


class _Pricer:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and isinstance(definition.default_value, IntValueNode):
                self.variables[name] = int(definition.default_value.value)

    def selection(self, parent: GraphQLType, selection: SelectionSetNode | None, seen: frozenset[str]) -> int:
        """The cost of what is selected on a value of ``parent`` (an object, interface or union)."""
        if selection is None:
            return 0
        total = 0
        for node in selection.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = (
                    self.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                )
                total += self.selection(condition or parent, node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                condition = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selection(condition or parent, fragment.selection_set, seen | {name})
        return total

    def field(self, parent: GraphQLType, node: FieldNode, seen: frozenset[str]) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        definition = _field_of(parent, name)
        if definition is None:
            return 0
        kind, is_list = _unwrap(definition.type)
        if not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0
        if kind.name.endswith("Connection"):
            return 1 + self.connection(kind, node, definition, seen)
        one = 1 + self.selection(kind, node.selection_set, seen)
        if is_list:
            bound = LIST_BOUNDS.get(f"{_type_name(parent)}.{name}", DEFAULT_LIST_BOUND)
            return bound * one
        return one

    def connection(
        self,
        kind: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        node: FieldNode,
        definition: GraphQLField,
        seen: frozenset[str],
    ) -> int:
        """``first`` times one node, plus what else is selected on the connection (pageInfo: 1)."""
        first = self.first(node, definition)
        total = 0
        for child in self._fields(kind, node.selection_set, seen):
            child_name = child.name.value
            edges = _field_of(kind, "edges") if child_name == "edges" else None
            if edges is not None:
                edge_type, _ = _unwrap(edges.type)
                per_edge = sum(
                    self.field(edge_type, edge_field, seen)
                    for edge_field in self._fields(edge_type, child.selection_set, seen)
                    if edge_field.name.value == "node"
                )
                total += first * per_edge
            else:
                total += self.field(kind, child, seen)
        return total

    def first(self, node: FieldNode, definition: GraphQLField) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(0, given)
        default = definition.args.get("first")
        if default is not None and isinstance(default.default_value, int):
            return default.default_value
        return DEFAULT_LIST_BOUND

    def _fields(
        self, parent: GraphQLType | None, selection: SelectionSetNode | None, seen: frozenset[str]
    ) -> list[FieldNode]:
        """The fields selected on ``parent``, through fragments."""
        if selection is None or parent is None:
            return []
        found: list[FieldNode] = []
        for node in selection.selections:
            if isinstance(node, FieldNode):
                found.append(node)
            elif isinstance(node, InlineFragmentNode):
                found += self._fields(parent, node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    found += self._fields(parent, fragment.selection_set, seen | {node.name.value})
        return found


def _unwrap(kind: GraphQLType) -> tuple[GraphQLType, bool]:
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return get_named_type(kind), is_list


def _field_of(parent: GraphQLType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _type_name(kind: GraphQLType) -> str:
    return getattr(kind, "name", "")
