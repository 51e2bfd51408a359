"""Lists of a field's own objects completed directly (``DirectLeafExecution.complete_value``).

A customer page completes over a hundred lists (a page's edges, each sale's lines and refunds): for each,
graphql-core unwraps the non-null type, asks whether the value is an async iterable or an iterable and
whether the field is streamed, then for every item builds its path, asks whether it is awaitable, goes
through ``complete_list_item_value`` and ``complete_value`` and collects the item's sub-selection again.
When the list is a plain ``list`` of non-null items that are all of the item type's own Strawberry class
(see ``execution``), on a field with no directive (no ``@stream``), each item's sub-selection is executed
here directly, the sub-selection collected once; the items' errors, awaitables and their order are
graphql-core's (``complete_iterable_value`` and ``complete_list_item_value``, followed step by step).
Anything else is left to graphql-core before an item is touched.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, gather_with_cancel

if TYPE_CHECKING:
    from paydesk.graphql.execution import DirectLeafExecution

# (item object type, its class, item type) of a list field with non-null items of an object type whose
# own class completes directly, else None; per return type.
Listed = tuple[GraphQLObjectType, type, GraphQLOutputType] | None
# A value no answer can be: the list was left to graphql-core.
UNANSWERED = object()


def listed(return_type: GraphQLOutputType, completable: Any) -> Listed:
    """The list shape of ``return_type`` (``completable`` judges its item type), else None."""
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if not isinstance(inner, GraphQLList) or not isinstance(inner.of_type, GraphQLNonNull):
        return None
    shape = completable(inner.of_type)
    return None if shape is None else (shape[0], shape[1], inner.of_type)


def complete_own_list(
    execution: DirectLeafExecution,
    shape: tuple[GraphQLObjectType, type, GraphQLOutputType],
    field_details_list: FieldDetailsList,
    path: Path,
    items: list[Any],
    is_own: Any,
) -> Any:
    """The completed list, an awaitable of it, or ``UNANSWERED`` (nothing done) when an item is not of
    the class, the field has a directive or the selection defers."""
    kind, origin, item_type = shape
    if any(details.node.directives for details in field_details_list):
        return UNANSWERED
    if not all(is_own(kind, origin, item) for item in items):
        return UNANSWERED
    grouped, deferred, _ = execution.collect_subfields(kind, field_details_list)
    if deferred:
        return UNANSWERED
    completed: list[Any] = []
    awaitable_indices: list[int] = []
    try:
        for index, item in enumerate(items):
            item_path = path.add_key(index, None)
            try:
                value = execution.execute_fields(kind, item, item_path, grouped, None)
            except Exception as raw_error:
                execution.handle_field_error(raw_error, item_type, field_details_list, item_path)
                value = None
            if execution.is_awaitable(value):
                value = await_or_field_error(execution, value, item_type, field_details_list, item_path)
                awaitable_indices.append(index)
            completed.append(value)
    except Exception:
        # As graphql-core: what is pending is settled in the background, not orphaned.
        pending = [completed[index] for index in awaitable_indices]
        if pending:
            execution.settle_in_background(pending)
        raise
    if not awaitable_indices:
        return completed
    return _gathered(completed, awaitable_indices)


async def await_or_field_error(
    execution: DirectLeafExecution,
    value: Awaitable[Any],
    return_type: GraphQLOutputType,
    field_details_list: FieldDetailsList,
    path: Path,
) -> Any:
    """graphql-core awaiting a completed value (``execute_field``, ``complete_list_item_value``): an
    error is the field's, or the list item's, at ``path``."""
    try:
        return await value
    except Exception as raw_error:
        execution.handle_field_error(raw_error, return_type, field_details_list, path)
        return None


async def _gathered(completed: list[Any], awaitable_indices: list[int]) -> list[Any]:
    """graphql-core's ``complete_iterable_value`` awaiting its items: one directly, several together."""
    if len(awaitable_indices) == 1:
        index = awaitable_indices[0]
        completed[index] = await completed[index]
        return completed
    awaited = await gather_with_cancel(*(completed[index] for index in awaitable_indices))
    for index, value in zip(awaitable_indices, awaited, strict=True):
        completed[index] = value
    return completed
