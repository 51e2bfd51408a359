"""The one place a change commits (DESIGN.md, "One unit of work").

The boundary (the GraphQL mutation boundary, a hosted page, a job, a CLI
command) owns the transaction: it binds a ``UnitOfWork`` to its session, or
opens one with ``unit_of_work``, and the unit commits when the boundary's
work is done. A money flow that must make a record durable before it asks a
gateway (the PENDING sale) ends a named phase with ``end_phase``, which
commits through the session's unit; services and repositories never call
``commit()`` themselves, and never send email or HTTP: what should follow a
change is an outbox row written in its transaction (``paydesk.outbox``),
sent by job work once it is committed.

After a commit that wrote outbox rows, the unit rings the outbox bell the
session factory carries (``OUTBOX_BELL``), so the process's delivery job
wakes at once instead of on its next tick.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.db import SessionFactory
from paydesk.logs import get_logger
from paydesk.unavailable import OutcomeUnknown, unavailable

# Session.info keys: the bound unit, "this transaction wrote outbox rows", and what to call then.
_UNIT = "paydesk_unit_of_work"
OUTBOX_WRITTEN = "paydesk_outbox_written"
OUTBOX_BELL = "paydesk_outbox_bell"

log = get_logger("paydesk.unit_of_work")


class NoUnitOfWork(RuntimeError):
    """A service tried to end a phase on a session no boundary owns."""


class UnitOfWork:
    """A boundary's transaction: it commits in named phases, and only here."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The phases committed so far, in order (what a crash would have kept).
        self.phases: list[str] = []
        session.info[_UNIT] = self

    @staticmethod
    def of(session: AsyncSession) -> UnitOfWork:
        unit = session.info.get(_UNIT)
        if not isinstance(unit, UnitOfWork):
            raise NoUnitOfWork("this session has no unit of work: its boundary must bind one")
        return unit

    async def commit(self, phase: str) -> None:
        """Make everything written so far durable as ``phase``, then ring the outbox bell if it wrote any."""
        await self.session.commit()
        self.phases.append(phase)
        if self.session.info.pop(OUTBOX_WRITTEN, False):
            bell: Callable[[], None] | None = self.session.info.get(OUTBOX_BELL)
            if bell is not None:
                bell()

    async def abort(self, error: BaseException, since: int) -> None:
        """Roll back after ``error`` escaped the boundary's work. Raises ``OutcomeUnknown`` (from it) when
        a required service went out of reach after the boundary committed a phase (more than ``since`` of
        them), so that nobody is told to send the request again; else returns, for the caller to re-raise
        ``error``."""
        unknown = len(self.phases) > since and isinstance(error, Exception) and unavailable(error)
        await self.rollback()
        if unknown:
            raise OutcomeUnknown(self.phases[since:]) from error

    async def rollback(self) -> None:
        """Forget what the current phase wrote, outbox rows included: nothing of it is ever sent."""
        self.session.info.pop(OUTBOX_WRITTEN, None)
        await self.session.rollback()


def bind(session: AsyncSession) -> UnitOfWork:
    """Make ``session``'s transaction a unit of work owned by the caller (a boundary)."""
    return UnitOfWork(session)


async def end_phase(session: AsyncSession, phase: str) -> None:
    """End a named phase of the boundary's unit of work (commit what it wrote) before an outside call.

    For the few flows that must be durable before a gateway hears of them:
    the PENDING sale, refund or void, a claim on an order. Raises
    ``NoUnitOfWork`` when no boundary owns the session.
    """
    await UnitOfWork.of(session).commit(phase)


async def discard_phase(session: AsyncSession) -> None:
    """Roll back what the current phase wrote (its outbox rows too), through the boundary's unit."""
    await UnitOfWork.of(session).rollback()


def note_outbox_written(session: AsyncSession) -> None:
    """Called by the outbox writers: the next commit should wake the delivery job."""
    session.info[OUTBOX_WRITTEN] = True


@asynccontextmanager
async def unit_of_work(sessions: SessionFactory, phase: str = "done") -> AsyncIterator[AsyncSession]:
    """A session whose work commits as ``phase`` when the block ends, and rolls back if it raises.

    For jobs and commands that own their transactions: the billing runner,
    reconciliation, outbox delivery, the CLI.
    """
    async with sessions() as session:
        unit = bind(session)
        try:
            yield session
        except BaseException as error:
            await unit.abort(error, 0)
            raise
        await unit.commit(phase)
