"""Reading the account's events, newest first, and pruning the old ones."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.db import SessionFactory
from paydesk.models import Event, WebhookDelivery
from paydesk.pagination import Page, PageRequest, newer_first_after
from paydesk.unit_of_work import unit_of_work

# Events are kept at least this long (the pruning job deletes older ones).
RETENTION = timedelta(days=30)
# The longest type name a filter may ask for (types are short dotted names).
MAX_TYPE_LENGTH = 60


def data_of(event: Event) -> dict[str, Any]:
    value = json.loads(event.data_json)
    assert isinstance(value, dict)
    return value


async def list_events(
    session: AsyncSession, account_id: str, request: PageRequest, type: str | None = None
) -> Page[Event]:
    """The account's events, newest first; ``type`` keeps one type (e.g. ``transaction.paid``)."""
    where = [col(Event.account_id) == account_id]
    if type:
        where.append(col(Event.type) == type[:MAX_TYPE_LENGTH])
    query = select(Event).where(*where)
    if request.after is not None:
        query = query.where(newer_first_after(col(Event.created_at), col(Event.id), request.after))
    query = query.order_by(col(Event.created_at).desc(), col(Event.id).desc()).limit(request.first + 1)
    rows = list(await session.exec(query))
    total = (await session.exec(select(func.count()).select_from(Event).where(*where))).one()
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, int(total))


async def get_event(session: AsyncSession, account_id: str, event_id: str) -> Event | None:
    query = select(Event).where(col(Event.id) == event_id, col(Event.account_id) == account_id)
    return (await session.exec(query)).first()


async def events_by_ids(session: AsyncSession, account_id: str, event_ids: list[str]) -> list[Event]:
    query = select(Event).where(col(Event.id).in_(event_ids), col(Event.account_id) == account_id)
    return list(await session.exec(query))


async def prune(sessions: SessionFactory, now: datetime) -> int:
    """Delete events older than the retention and their webhook attempts, in their own unit of work;
    how many events."""
    async with unit_of_work(sessions, "events pruned") as db:
        result = await db.exec(delete(Event).where(col(Event.created_at) < now - RETENTION))
        # Webhook attempts go with their event: an attempt always shows the event it carried.
        await db.exec(delete(WebhookDelivery).where(col(WebhookDelivery.event_id).not_in(select(Event.id))))
    return int(result.rowcount or 0)
