"""Resolvers called without Strawberry's per-call wrapper, where that wrapper has nothing to do.

For a field with a resolver, Strawberry installs a function that on every call builds the ``Info``,
converts the field's arguments, works out which reserved parameters the resolver takes, folds the field's
extensions around it and looks for exception handlers: about 1.8 us of the 2.3 us a sync resolver's call
takes here. A page of 100 customers calls 200 resolvers (each one's defaultPaymentMethod and
lastPayment), a customer page over 100 (each sale's lines and refunds).

``lean(schema)`` replaces that function, for a field whose resolver takes no GraphQL argument and no
``root`` or ``parent`` parameter, has no field extension (permission classes are one) and no exception
handler that applies, by one that builds the same ``Info`` and calls the resolver with it (and the source
as ``self``) as Strawberry's would. Every other field keeps Strawberry's function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


def lean(schema: strawberry.Schema) -> int:
    """Give the schema's eligible fields the direct call (see the module); how many took it."""
    converter = schema.schema_converter
    count = 0
    for kind in schema._schema.type_map.values():
        if not isinstance(kind, GraphQLObjectType):
            continue
        for field_def in kind.fields.values():
            resolve = _direct(converter, field_def)
            if resolve is not None:
                field_def.resolve = resolve
                count += 1
    return count


def _direct(converter: GraphQLCoreConverter, field_def: GraphQLField) -> Callable[..., Any] | None:
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or field.base_resolver is None:
        return None
    resolver = field.base_resolver
    if (
        field_def.args
        or field.extensions
        or field.permission_classes
        or resolver.arguments
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or converter._get_field_exception_handlers(field)
    ):
        return None
    if not callable(resolver.wrapped_func):
        return None  # Strawberry's own wrapper raises its error for it
    call: Callable[..., Any] = resolver.wrapped_func
    info_class = converter.config.info_class
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    takes_self = resolver.self_parameter is not None

    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        args = (source,) if takes_self else ()
        if info_name is None:
            return call(*args)
        return call(*args, **{info_name: info_class(_raw_info=info, _field=field)})

    return resolve
