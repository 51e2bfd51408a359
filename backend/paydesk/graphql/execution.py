"""graphql-core's executor with a short path for plain leaf fields.

Most fields of a large answer (ids, names, amounts, dates, enums) are attributes of a Strawberry object
with no resolver, no arguments and no field extension, whose type is a scalar or an enum. graphql-core
builds a ResolveInfo for each, calls Strawberry's default resolver, asks whether the value is
awaitable and completes it through the generic value completion. Such a field is read here by
``getattr`` and coerced by its type directly. Anything else (a null in a non-null field, a value the
type refuses, an object or list type, a field with a resolver, arguments or a field extension, or a
schema middleware installed) takes graphql-core's own path, so answers, errors and their paths stay
exactly as before.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLLeafType, GraphQLNonNull, GraphQLObjectType, Undefined, is_leaf_type
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

# (attribute, leaf type, nullable) of a plain leaf field, else None; per (parent type, field name).
_Plain = tuple[str, GraphQLLeafType, bool] | None
_PLAIN: dict[tuple[str, str], _Plain] = {}
# Values of these types are never awaitable.
_SIMPLE = frozenset({str, int, bool, float})
_MISSING = object()


def _plain(parent_type: GraphQLObjectType, name: str) -> _Plain:
    field_def = parent_type.fields.get(name)
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return None
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    python_name = getattr(field, "python_name", None)
    nullable = not isinstance(field_def.type, GraphQLNonNull)
    leaf = field_def.type if nullable else field_def.type.of_type
    if not isinstance(python_name, str) or not is_leaf_type(leaf):
        return None
    return python_name, leaf, nullable


class DirectLeafExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, plain leaf fields read directly (see the module's doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._direct = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        key = (parent_type.name, node.name.value)
        try:
            plain = _PLAIN[key]
        except KeyError:
            plain = _PLAIN[key] = _plain(parent_type, node.name.value)
        if plain is not None and self._direct and not node.arguments:
            value = getattr(source, plain[0], _MISSING)
            if value is None:
                if plain[2]:
                    return None
            elif value is not _MISSING and (type(value) in _SIMPLE or not self.is_awaitable(value)):
                try:
                    coerced = plain[1].coerce_output_value(value)
                except Exception:
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
