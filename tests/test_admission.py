"""paydesk.admission: a few callers at a time, the rest in order of arrival, none waiting past the limit."""

from __future__ import annotations

import asyncio

import pytest

from paydesk.admission import Admission, Busy


async def test_no_more_callers_run_than_there_are_turns_and_they_start_in_order_of_arrival() -> None:
    admission = Admission(2, patience=5)
    started: list[int] = []
    most = 0
    release = asyncio.Event()

    async def caller(n: int) -> None:
        nonlocal most
        async with admission.turn():
            started.append(n)
            most = max(most, admission.running)
            await release.wait()

    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(caller(n)))
        await asyncio.sleep(0)  # each arrives after the one before
    await asyncio.sleep(0.01)
    assert (started, admission.running, admission.waiting) == ([0, 1], 2, 4)
    release.set()
    await asyncio.gather(*tasks)
    assert started == list(range(6))
    assert most == 2
    assert (admission.running, admission.waiting, admission.turned_away) == (0, 0, 0)


async def test_a_caller_that_waits_past_the_patience_is_turned_away_and_no_turn_is_lost() -> None:
    admission = Admission(1, patience=0.05)
    async with admission.turn():
        with pytest.raises(Busy) as busy:
            async with admission.turn():
                raise AssertionError("admitted while the only turn was held")
    assert busy.value.waited == 0.05
    assert (admission.turned_away, admission.waiting, admission.running) == (1, 0, 0)
    async with asyncio.timeout(1), admission.turn():
        assert admission.running == 1  # the turn is free again


async def test_a_turn_handed_to_a_caller_that_stops_waiting_goes_to_the_next() -> None:
    # The turn is given to the first waiter, which is cancelled (its client gone, or its patience over)
    # before it runs: the turn passes on instead of being lost.
    admission = Admission(1, patience=5)
    async with admission.turn():
        first = asyncio.create_task(_enter(admission))
        second = asyncio.create_task(_enter(admission))
        await asyncio.sleep(0.01)
        assert admission.waiting == 2
    first.cancel()  # the turn was handed to it as the block above ended; it has not run since
    with pytest.raises(asyncio.CancelledError):
        await first
    async with asyncio.timeout(1):
        await second
    assert (admission.running, admission.waiting, admission.turned_away) == (0, 0, 0)


async def test_a_waiting_caller_that_is_cancelled_leaves_the_queue() -> None:
    admission = Admission(1, patience=5)
    async with admission.turn():
        waiter = asyncio.create_task(_enter(admission))
        await asyncio.sleep(0.01)
        assert admission.waiting == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert admission.waiting == 0
    assert admission.turned_away == 0  # a caller that gave up was not turned away
    async with asyncio.timeout(1), admission.turn():
        pass


async def _enter(admission: Admission) -> None:
    async with admission.turn():
        pass


@pytest.mark.parametrize(("turns", "patience"), [(0, 1.0), (1, 0.0), (2, -1.0)])
def test_an_admission_has_a_turn_and_some_patience(turns: int, patience: float) -> None:
    with pytest.raises(ValueError, match="at least one turn"):
        Admission(turns, patience)
