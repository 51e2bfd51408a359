"""Work admitted a few at a time, in order of arrival, with a bound on how long a caller waits its turn.

GraphQL reads are CPU work on one event loop: a few at a time finish sooner
each, and none is left behind (bench/notes-reads.md, "Reads admitted a few at
a time"). A queue with no bound on the wait would, under a burst that the
rate limits allow (many accounts at once), hold every caller until its own
client gave up, the server still working through requests nobody waits for.
A caller that has waited ``patience`` seconds is turned away instead
(``Busy``), which the API answers with HTTP 503 and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Busy(Exception):
    """No turn came within the admission's patience."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"no turn within {waited:g} s")
        self.waited = waited


class Admission:
    """``turns`` callers at once; the rest wait in order of arrival, ``patience`` seconds at most."""

    def __init__(self, turns: int, patience: float) -> None:
        if turns < 1 or patience <= 0:
            raise ValueError("an admission has at least one turn and some patience")
        self.turns = turns
        self.patience = patience
        self._free = asyncio.Semaphore(turns)
        # What the admission is doing now, and how many callers it turned away so far.
        self.running = 0
        self.waiting = 0
        self.turned_away = 0

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a turn while the block runs; ``Busy`` if none came within the patience."""
        self.waiting += 1
        try:
            async with asyncio.timeout(self.patience):
                await self._free.acquire()
        except TimeoutError:
            self.turned_away += 1
            raise Busy(self.patience) from None
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            self._free.release()
