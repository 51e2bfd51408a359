"""The one recording function every service calls (DESIGN.md, "Events, webhooks and the other front doors").

``record_event`` appends an ``Event`` row in the caller's transaction, so an
event exists exactly when its change committed: a rolled-back change leaves
none, and delivery (webhooks) is job work that reads committed rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids, rows
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.models import Event, Transaction
from paydesk.unit_of_work import note_outbox_written

EVENTS = rows.table_of(Event)


class ActorType(StrEnum):
    """Who caused an event."""

    USER = "USER"
    API_KEY = "API_KEY"
    # The payer on a hosted page (a payment request or a card link).
    PAYER = "PAYER"
    # paydesk itself: the billing runner, reconciliation, expiry.
    SYSTEM = "SYSTEM"


@dataclass(frozen=True)
class Actor:
    type: ActorType
    id: str | None = None

    @classmethod
    def of(cls, principal: Principal | None) -> Actor:
        """The actor behind a principal; no principal is paydesk itself."""
        if principal is None:
            return SYSTEM
        if principal.payer:
            return PAYER
        if principal.user_id is not None:
            return cls(ActorType.USER, principal.user_id)
        if principal.api_key_id is not None:
            return cls(ActorType.API_KEY, principal.api_key_id)
        return SYSTEM


SYSTEM = Actor(ActorType.SYSTEM)
PAYER = Actor(ActorType.PAYER)


def record_event(
    session: AsyncSession,
    account_id: str,
    type: str,
    data: Mapping[str, Any],
    *,
    actor: Actor | Principal | None,
) -> str:
    """Append the event ``type`` to the change's transaction (a plain row, written at the session's next
    flush point, ``paydesk.rows``); ``data`` is the object in the API's names; the event's id."""
    who = actor if isinstance(actor, Actor) else Actor.of(actor)
    event_id = ids.new_id(ids.EVENT)
    rows.append(
        session,
        EVENTS,
        {
            "id": event_id,
            "account_id": account_id,
            "type": type,
            "actor_type": who.type.value,
            "actor_id": who.id,
            "data_json": json.dumps(data, separators=(",", ":"), sort_keys=True),
            "created_at": utcnow(),
            "fanned_out_at": None,
        },
    )
    note_outbox_written(session)
    return event_id


def cause_of(sale: Transaction) -> Actor:
    """Who caused what happens to a sale: its creator (staff or API key), the payer of a hosted page
    (a sale nobody signed in made, outside any order), or paydesk itself for an order's installment."""
    if sale.created_by_user_id is not None:
        return Actor(ActorType.USER, sale.created_by_user_id)
    if sale.created_by_api_key_id is not None:
        return Actor(ActorType.API_KEY, sale.created_by_api_key_id)
    return SYSTEM if sale.subscription_id is not None else PAYER
