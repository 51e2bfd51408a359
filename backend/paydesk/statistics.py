"""Planner statistics kept in step with tables a job grows quickly, on PostgreSQL (``GrownTables``).

Autovacuum analyzes a table a minute or more after it has grown. A job that
grows a table from nearly empty (a first billing run, the sandbox's book
under it) would meanwhile be planned as if its lists of ids matched half the
table: sequential scans, each batch reading every row written so far.
"""

from __future__ import annotations

from collections.abc import Sequence

from paydesk.db import SessionFactory, analyze
from paydesk.logs import get_logger
from paydesk.unit_of_work import unit_of_work

log = get_logger("paydesk.statistics")

# The first refresh comes after this many rows of work, the next ones at each doubling.
FIRST_REFRESH = 500


class GrownTables:
    """Refreshes the statistics of ``tables`` once ``first`` units of work (installments, charges) were
    written, and again each time the count doubles: a handful of ANALYZEs over 100,000. One at a
    time; a failure is logged, never fatal to the job. Nothing on SQLite (``db.analyze``)."""

    def __init__(self, sessions: SessionFactory, tables: Sequence[str], first: int = FIRST_REFRESH) -> None:
        self.sessions, self.tables = sessions, tuple(tables)
        self.next, self.written, self._busy = first, 0, False

    async def wrote(self, count: int) -> None:
        """``count`` more units were written (committed); refresh if a step was reached."""
        self.written += count
        if self.written < self.next or self._busy:
            return
        self._busy, self.next = True, self.written * 2
        try:
            async with unit_of_work(self.sessions, "statistics") as db:
                if await analyze(db, self.tables):
                    log.info("statistics.refreshed", tables=list(self.tables), written=self.written)
        except Exception:
            log.warning("statistics.refresh_failed", tables=list(self.tables), exc_info=True)
        finally:
            self._busy = False
