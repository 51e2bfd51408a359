"""graphql-core's executor with a short path for plain fields and objects.

Most fields of a large answer (ids, names, amounts, dates, enums) are attributes of a Strawberry object
with no resolver, no arguments and no field extension, whose type is a scalar or an enum. graphql-core
builds a ResolveInfo for each, calls Strawberry's default resolver, asks whether the value is
awaitable and completes it through the generic value completion. Such a field is read here by
``getattr`` and coerced by its type directly. Likewise an object (a connection, an edge, a node, a sale's
lines): when the value is an instance of the field's Strawberry type itself, which is what Strawberry's
``is_type_of`` checks, its sub-selection is executed directly, without the resolver call (for a plain
object field) and the layers of value completion. Anything else (a null in a non-null field, a value the
type refuses, a value of another class, a cast object, a field with a resolver, arguments or a field
extension, a deferred fragment, or a schema middleware installed) takes graphql-core's own path, so
answers, errors and their paths stay exactly as before.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.cast import get_strawberry_type_cast

from paydesk.graphql.direct_lists import UNANSWERED, Listed, await_or_field_error, complete_own_list, listed

# (attribute, leaf type, nullable) of a plain leaf field, else None; per (parent type, field name).
_Plain = tuple[str, GraphQLLeafType, bool] | None
_PLAIN: dict[tuple[str, str], _Plain] = {}
# Values of these types are never awaitable.
_SIMPLE = frozenset({str, int, bool, float})
_MISSING = object()


def _default_field(parent_type: GraphQLObjectType, name: str) -> tuple[str, Any, bool] | None:
    """(attribute, type under any non-null, nullable) of a field Strawberry answers by its default
    resolver with no arguments, else None."""
    field_def = parent_type.fields.get(name)
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return None
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    python_name = getattr(field, "python_name", None)
    if not isinstance(python_name, str):
        return None
    nullable = not isinstance(field_def.type, GraphQLNonNull)
    return python_name, field_def.type if nullable else field_def.type.of_type, nullable


def _plain(parent_type: GraphQLObjectType, name: str) -> _Plain:
    found = _default_field(parent_type, name)
    if found is None or not is_leaf_type(found[1]):
        return None
    return found


def _origin(kind: GraphQLObjectType) -> type | None:
    """The Python class of a Strawberry object type whose ``is_type_of`` (if any) is Strawberry's own, an
    isinstance check that an instance of that very class passes; None for any other type."""
    definition = kind.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    if not isinstance(origin, type) or getattr(definition, "is_type_of", None) is not None:
        return None
    return origin


def _is_own(kind: GraphQLObjectType, origin: type, value: Any) -> bool:
    """``value`` is exactly of the object type's class, and not cast to another (``strawberry.cast``)."""
    return type(value) is origin and (kind.is_type_of is None or get_strawberry_type_cast(value) is None)


# (attribute, object type, its class, nullable, field type) of a plain object field, else None: e.g. a
# sale's ``total`` (a Money), an edge's ``node``, a connection's ``edges`` is not (a list).
_Object = tuple[str, GraphQLObjectType, type, bool, GraphQLOutputType] | None
_OBJECT: dict[tuple[str, str], _Object] = {}


def _plain_object(parent_type: GraphQLObjectType, name: str) -> _Object:
    found = _default_field(parent_type, name)
    if found is None or not isinstance(found[1], GraphQLObjectType):
        return None
    python_name, inner, nullable = found
    origin = _origin(inner)
    if origin is None:
        return None
    return python_name, inner, origin, nullable, parent_type.fields[name].type


# (object type, its class) that a value of a (non-null) object type completes as, else None; per type.
_Completable = tuple[GraphQLObjectType, type] | None
_COMPLETABLE: dict[GraphQLOutputType, _Completable] = {}


# List fields whose items complete directly (``direct_lists``); per return type.
_LISTED: dict[GraphQLOutputType, Listed] = {}


def _completable(return_type: GraphQLOutputType) -> _Completable:
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if not isinstance(inner, GraphQLObjectType):
        return None
    origin = _origin(inner)
    return None if origin is None else (inner, origin)


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
            answer = self._plain_object(parent_type, key, source, field_details_list, path, position_context)
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

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A resolver's object (a connection, a list's item) of the field's own class: its sub-selection
        executed as ``complete_object_value`` would, past ``is_type_of`` and the layers before it; a list
        of such objects item by item (``direct_lists``)."""
        if self._direct and position_context is None:
            try:
                shape = _COMPLETABLE[return_type]
            except KeyError:
                shape = _COMPLETABLE[return_type] = _completable(return_type)
            if shape is not None and _is_own(shape[0], shape[1], result):
                grouped, deferred, _ = self.collect_subfields(shape[0], field_details_list)
                if not deferred:
                    return self.execute_fields(shape[0], result, path, grouped, None)
            elif shape is None and type(result) is list:
                try:
                    items = _LISTED[return_type]
                except KeyError:
                    items = _LISTED[return_type] = listed(return_type, _completable)
                if items is not None:
                    answer = complete_own_list(self, items, field_details_list, path, result, _is_own)
                    if answer is not UNANSWERED:
                        return answer
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def _plain_object(
        self,
        parent_type: GraphQLObjectType,
        key: tuple[str, str],
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """The answer of a plain object field whose value is of the field's own class: built directly
        when it selects only plain leaf fields (a Money's amount and currency), else its sub-selection
        executed as graphql-core would after resolving and completing it; ``_MISSING`` when anything is
        otherwise (then graphql-core answers)."""
        try:
            shape = _OBJECT[key]
        except KeyError:
            shape = _OBJECT[key] = _plain_object(parent_type, key[1])
        if shape is None:
            return _MISSING
        kind = shape[1]
        value = getattr(source, shape[0], _MISSING)
        if value is None:
            return None if shape[3] else _MISSING
        if not _is_own(kind, shape[2], value):
            return _MISSING
        grouped, deferred, _ = self.collect_subfields(kind, field_details_list)
        if deferred:
            return _MISSING
        answer = self._leaves(kind, value, grouped)
        if answer is not _MISSING or position_context is not None:
            return answer
        # graphql-core's execute_field from here: complete_value's layers end in execute_fields.
        try:
            completed = self.execute_fields(kind, value, path, grouped, None)
        except Exception as raw_error:
            self.handle_field_error(raw_error, shape[4], field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return await_or_field_error(self, completed, shape[4], field_details_list, path)
        return completed

    def _leaves(self, kind: GraphQLObjectType, value: Any, grouped: Any) -> Any:
        """The answer of an object whose selection is only plain leaf fields that all coerce, else
        ``_MISSING``."""
        answer: dict[str, Any] = {}
        type_name = kind.name
        for response_name, details in grouped.items():
            node = details[0].node
            sub_key = (type_name, node.name.value)
            try:
                plain = _PLAIN[sub_key]
            except KeyError:
                plain = _PLAIN[sub_key] = _plain(kind, node.name.value)
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
