"""The planner's statistics of what a billing pass grows, kept in step on PostgreSQL (``GrownTables``)."""

from __future__ import annotations

from paydesk.db import SessionFactory, analyze
from paydesk.logs import get_logger
from paydesk.models import Event, Invoice, Subscription, Transaction, TransactionEvent, TransactionLine
from paydesk.rows import table_of
from paydesk.unit_of_work import unit_of_work

log = get_logger("paydesk.billing")

# What a pass grows (and reads back by lists of ids while it does).
GROWN_TABLES: tuple[str, ...] = tuple(
    table_of(model).name
    for model in (Transaction, TransactionLine, TransactionEvent, Invoice, Event, Subscription)
)


class GrownTables:
    """Keeps the planner's statistics of the tables a pass grows in step with them, on PostgreSQL.

    After ``first`` installments, and again each time the count doubles (a handful of ANALYZEs in a
    pass over 100,000), so that a first big run is not planned as if its tables were still empty
    until autovacuum gets to them. One at a time; a failure is logged, never fatal to the pass.
    """

    def __init__(self, sessions: SessionFactory, first: int) -> None:
        self.sessions, self.next, self.started, self._busy = sessions, first, 0, False

    async def wrote(self, installments: int) -> None:
        self.started += installments
        if self.started < self.next or self._busy:
            return
        self._busy, self.next = True, self.started * 2
        try:
            async with unit_of_work(self.sessions, "statistics") as db:
                if await analyze(db, GROWN_TABLES):
                    log.info("billing.statistics_refreshed", installments=self.started)
        except Exception:
            log.warning("billing.statistics_refresh_failed", exc_info=True)
        finally:
            self._busy = False
