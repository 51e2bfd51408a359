"""What a query asks for below the field being resolved."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from paydesk.graphql.context import Info


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """The fields of a selection set, fragments (named or inline) opened."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)


def selects(info: Info, *path: str) -> bool:
    """Whether the query selects ``path`` (GraphQL names, e.g. "edges", "node", "lines") under the
    current field, through any fragment; directives are not looked at, so a skipped field counts."""
    level: list[SelectedField] = list(_fields(info.selected_fields))
    for name in path:
        level = [s for f in level for s in _fields(f.selections) if s.name == name]
        if not level:
            return False
    return True
