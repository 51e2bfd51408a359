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


# (attribute, object type, nullable) of a plain object field whose type has no is_type_of check (no
# interface), else None: e.g. a sale's ``total`` (a Money).
_Object = tuple[str, GraphQLObjectType, bool] | None
_OBJECT: dict[tuple[str, str], _Object] = {}


def _plain_object(parent_type: GraphQLObjectType, name: str) -> _Object:
    field_def = parent_type.fields.get(name)
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return None
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    python_name = getattr(field, "python_name", None)
    nullable = not isinstance(field_def.type, GraphQLNonNull)
    inner = field_def.type if nullable else field_def.type.of_type
    if not isinstance(python_name, str) or not isinstance(inner, GraphQLObjectType) or inner.is_type_of:
        return None
    return python_name, inner, nullable


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
        if plain is None and self._direct and not node.arguments:
            answer = self._plain_object(parent_type, key, source, field_details_list)
            if answer is not _MISSING:
                return answer
        elif plain is not None and self._direct and not node.arguments:
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

    def _plain_object(
        self,
        parent_type: GraphQLObjectType,
        key: tuple[str, str],
        source: Any,
        field_details_list: FieldDetailsList,
    ) -> Any:
        """The answer of a plain object field that selects only plain leaf fields (a Money's amount and
        currency), built directly; ``_MISSING`` when anything is otherwise (then graphql-core answers)."""
        try:
            shape = _OBJECT[key]
        except KeyError:
            shape = _OBJECT[key] = _plain_object(parent_type, key[1])
        if shape is None:
            return _MISSING
        value = getattr(source, shape[0], _MISSING)
        if value is None:
            return None if shape[2] else _MISSING
        origin = shape[1].extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if value is _MISSING or origin is None or type(value) is not getattr(origin, "origin", None):
            return _MISSING
        grouped, deferred, _ = self.collect_subfields(shape[1], field_details_list)
        if deferred:
            return _MISSING
        answer: dict[str, Any] = {}
        type_name = shape[1].name
        for response_name, details in grouped.items():
            node = details[0].node
            sub_key = (type_name, node.name.value)
            try:
                plain = _PLAIN[sub_key]
            except KeyError:
                plain = _PLAIN[sub_key] = _plain(shape[1], node.name.value)
            if plain is None or node.arguments:
                return _MISSING
            leaf = getattr(value, plain[0], _MISSING)
            if leaf is None and plain[2]:
                answer[response_name] = None
                continue
            if leaf is None or leaf is _MISSING or (type(leaf) not in _SIMPLE and self.is_awaitable(leaf)):
                return _MISSING
            try:
                coerced = plain[1].coerce_output_value(leaf)
            except Exception:
                return _MISSING
            if coerced is None or coerced is Undefined:
                return _MISSING
            answer[response_name] = coerced
        return answer
