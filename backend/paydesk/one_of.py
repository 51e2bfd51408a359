"""``one_of(column, values)``: ``column IN values`` with the whole list bound as one parameter.

SQLAlchemy's ``column.in_(values)`` binds one parameter per value. Each
execution re-renders the statement for the list's length (on PostgreSQL with
a cast per value), the driver prepares a statement per length, and the
server parses and plans a hundred parameters. For the lists of ids a batch
or a page reads by (100 installments, 50 sales), that was about 400 us of
the process's CPU per statement on PostgreSQL, against 130 us with the list
as one array (``bench/notes-billing.md``, "One bound list").

``one_of`` renders, with one parameter whatever the list's length:

- PostgreSQL: ``column = ANY($1::VARCHAR[])`` (what PostgreSQL makes of
  ``IN`` itself);
- SQLite: ``column IN (SELECT value FROM json_each(?))``, the list bound as
  JSON text (SQLite's planner still searches the column's index per value).

An empty list matches nothing, as an empty ``IN`` does. Only string columns
(ids, keys, codes) are supported: they are what hot paths read by.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, String, TypeDecorator, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeEngine


class StringList(TypeDecorator[list[str]]):
    """A list of strings bound as one parameter: a text array on PostgreSQL, JSON text elsewhere."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Iterable[str] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        values = list(value)
        return values if dialect.name == "postgresql" else json.dumps(values)


class OneOf(ColumnElement[bool]):
    """The condition ``column IN values``, ``values`` one bound list (see the module)."""

    __visit_name__ = "paydesk_one_of"
    inherit_cache = True
    type = Boolean()
    # A comparison, not a boolean column: used as a condition it is rendered as it is (SQLite would
    # otherwise get ``... = 1`` appended, which no index serves).
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[str], values: BindParameter[list[str]]) -> None:
        self.column = column
        self.values = values


def one_of(column: Any, values: Iterable[str] | BindParameter[list[str]]) -> OneOf:
    """``column IN values`` with one parameter; ``values`` a list, or ``list_param(name)`` for a
    statement built once and given its list at each execution."""
    expression = getattr(column, "expression", column)  # an ORM attribute's column
    if not _holds_strings(expression):
        raise TypeError(f"one_of takes string columns, not {expression!r}")
    if not isinstance(values, BindParameter):
        values = bindparam(None, list(values), type_=StringList())
    return OneOf(expression, values)


def _holds_strings(expression: Any) -> bool:
    type_ = getattr(expression, "type", None)
    return isinstance(type_, String) or isinstance(getattr(type_, "impl", None), String)


def list_param(name: str) -> BindParameter[list[str]]:
    """A named list parameter for ``one_of`` in a statement built once."""
    return bindparam(name, type_=StringList())


@compiles(OneOf)
def _in_json_each(element: OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    values = compiler.process(element.values, **kw)
    # Compiled SQL of a column and a placeholder: no value is ever written into the text.
    return f"{column} IN (SELECT value FROM json_each({values}))"  # noqa: S608


@compiles(OneOf, "postgresql")
def _equals_any(element: OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.values, **kw)})"
