"""Relay connections over the domain's keyset pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from paydesk.graphql.errors import bad_user_input
from paydesk.pagination import Page, PageRequest, PageRequestError, Position, position_of

T = TypeVar("T")
N = TypeVar("N")

FIRST_DESCRIPTION = "How many to return, at most 100."
AFTER_DESCRIPTION = "The endCursor of the previous page."


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="This page was asked for with a cursor.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first item of this page.")
    end_cursor: str | None = strawberry.field(description="The cursor to pass as after for the next page.")


def page_request(first: int, after: str | None, tag: str = "") -> PageRequest:
    """A page of a list; ``tag`` names the list's sort order when it is not the default one."""
    try:
        return PageRequest.parse(first, after, tag)
    except PageRequestError as error:
        raise bad_user_input(str(error)) from None


def edges_and_info(
    page: Page[Any],
    to_node: Callable[[Any], N],
    edge: Callable[..., T],
    position: Callable[[Any], Position] = position_of,
    tag: str = "",
) -> tuple[list[T], PageInfo]:
    """Edges and PageInfo of a keyset page; ``position`` is what a cursor holds (default: createdAt, id).

    ``tag`` marks the cursors of a sort order other than the list's default (``page_request`` checks it).
    """
    cursors = [position(item).encode(tag) for item in page.items]
    edges = [edge(cursor=c, node=to_node(item)) for c, item in zip(cursors, page.items, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    return edges, info
