"""Custom scalars: Long (64-bit integers) and Decimal (money amounts as strings).

Decimal accepts a string or a JSON number and never goes through a float
it could lose digits in: a JSON number arrives as a Python float and is
read back from its shortest repr. NaN and infinities parse, so that the
service can answer them as ``INVALID`` on the field they were sent in.
"""

from __future__ import annotations

import decimal
from typing import NewType

import strawberry
from graphql import GraphQLError
from graphql.language import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

Long = NewType("Long", int)

_LONG_MAX = 2**63 - 1


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _LONG_MAX:
        raise GraphQLError("Long must be a 64-bit integer")
    return value


def _parse_long_literal(node: ValueNode, _variables: object = None) -> int:
    if isinstance(node, IntValueNode):
        return _parse_long(int(node.value))
    raise GraphQLError("Long must be a 64-bit integer")


def _parse_decimal(value: object) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GraphQLError('Decimal must be a string or a number, e.g. "49.00"')
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        return decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise GraphQLError(f"Decimal cannot represent {text[:40]!r}") from None


def _parse_decimal_literal(node: ValueNode, _variables: object = None) -> decimal.Decimal:
    if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
        return _parse_decimal(node.value)
    raise GraphQLError('Decimal must be a string or a number, e.g. "49.00"')


def _serialize_decimal(value: decimal.Decimal) -> str:
    return format(value, "f")


SCALARS: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit integer, sent as a JSON number (amounts stay below 2^53).",
        serialize=int,
        parse_value=_parse_long,
        parse_literal=_parse_long_literal,
    ),
    decimal.Decimal: strawberry.scalar(
        name="Decimal",
        description=(
            'A decimal number as a string in major units, e.g. "49.00", "1000" or "12.345". '
            "Inputs also accept JSON numbers."
        ),
        serialize=_serialize_decimal,
        parse_value=_parse_decimal,
        parse_literal=_parse_decimal_literal,
    ),
}
