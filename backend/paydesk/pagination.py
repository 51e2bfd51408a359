"""Keyset pagination: opaque cursors over (created_at, id), newest first.

A cursor is the position of the last row seen, so pages stay stable while
rows are added, and the database seeks an index instead of counting an
offset. A list that can be sorted another way (by another timestamp) tags
its cursors with that order, so a cursor of one order is refused by the
other instead of silently skipping rows.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from paydesk.ids import prefix_of

T = TypeVar("T")
MAX_PAGE_SIZE = 100
# Between a sort order's tag and the position; never in base64url, so an untagged cursor never has one.
TAG_MARK = "~"


class PageRequestError(ValueError):
    """A page size or cursor the client must fix."""


@dataclass(frozen=True, slots=True)
class Position:
    created_at: datetime
    id: str

    def encode(self, tag: str = "") -> str:
        """The opaque cursor; ``tag`` names a sort order other than the list's default (see ``TAG_MARK``)."""
        raw = f"{self.created_at.isoformat()}|{self.id}".encode()
        encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return f"{tag}{TAG_MARK}{encoded}" if tag else encoded

    @classmethod
    def decode(cls, cursor: str, tag: str = "") -> Position:
        prefix = f"{tag}{TAG_MARK}" if tag else ""
        if (TAG_MARK in cursor) != bool(tag) or not cursor.startswith(prefix):
            raise PageRequestError("after: this cursor is from the list in another order")
        cursor = cursor[len(prefix) :]
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            stamp, _, row_id = raw.partition("|")
            position = cls(datetime.fromisoformat(stamp), row_id)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise PageRequestError("after: not a cursor from this API") from None
        if position.created_at.tzinfo is None or prefix_of(row_id) is None:
            raise PageRequestError("after: not a cursor from this API")
        return position


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int
    after: Position | None

    @classmethod
    def parse(cls, first: int, after: str | None, tag: str = "") -> PageRequest:
        if first < 0:
            raise PageRequestError("first: must not be negative")
        if first > MAX_PAGE_SIZE:
            raise PageRequestError(f"first: at most {MAX_PAGE_SIZE}")
        return cls(first, Position.decode(after, tag) if after else None)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    has_next: bool
    has_previous: bool
    total: int


def newer_first_after(created_at: Any, row_id: Any, after: Position) -> ColumnElement[bool]:
    """Rows that come after ``after`` in (created_at desc, id desc) order."""
    return or_(created_at < after.created_at, and_(created_at == after.created_at, row_id < after.id))


def position_of(row: Any) -> Position:
    return Position(row.created_at, row.id)
