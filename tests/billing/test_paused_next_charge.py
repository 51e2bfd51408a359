"""A paused order's nextChargeDate is the day the runner will charge it: the resume day's date, or none."""

from __future__ import annotations

from datetime import date

from starlette.applications import Starlette

from tests.billing.test_lifecycle import PAUSE, RESUME, plan, simulate, subscription
from tests.helpers import Api, World


async def test_paused_until_a_day_shows_the_day_it_charges_next_and_the_runner_charges_then(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    club = await sim.open(subscription("Club", "20.00"), date(2027, 1, 6))
    sim.clock.now = sim.clock.now.replace(day=10)

    # Scheduled for Feb 6, resumed on Feb 15: the runner charges on Feb 15.
    paused = await sim.ok(PAUSE, sim.rep, subscriptionId=club, resumeOn="2027-02-15")

    assert (paused["status"], paused["resumeOn"], paused["nextChargeDate"]) == (
        "PAUSED",
        "2027-02-15",
        "2027-02-15",
    )
    assert await sim.run_days(date(2027, 1, 11), date(2027, 2, 14)) == {}
    assert await sim.run_days(date(2027, 2, 15), date(2027, 2, 15)) == {date(2027, 2, 15): 1}
    assert (await sim.order(club))["nextChargeDate"] == "2027-03-15"


async def test_a_resume_day_before_the_scheduled_charge_keeps_the_scheduled_day(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    lessons = await sim.open(plan("Lessons", "40.00", 4), date(2027, 1, 20))
    sim.clock.now = sim.clock.now.replace(day=25)

    paused = await sim.ok(PAUSE, sim.rep, subscriptionId=lessons, resumeOn="2027-02-01")

    assert paused["nextChargeDate"] == "2027-02-20"
    assert await sim.run_days(date(2027, 1, 26), date(2027, 1, 31)) == {}
    assert await sim.run(date(2027, 2, 1), other=1) == 0  # resumed, nothing charged
    assert (await sim.order(lessons))["nextChargeDate"] == "2027-02-20"
    assert await sim.run_days(date(2027, 2, 2), date(2027, 2, 19)) == {}
    assert await sim.run_days(date(2027, 2, 20), date(2027, 2, 20)) == {date(2027, 2, 20): 1}


async def test_paused_until_resumed_has_no_next_charge_until_it_is_resumed(
    app: Starlette, api: Api, world: World
) -> None:
    sim = await simulate(app, api, world)
    club = await sim.open(subscription("Club", "20.00"), date(2027, 1, 6))
    sim.clock.now = sim.clock.now.replace(day=10)

    paused = await sim.ok(PAUSE, sim.rep, subscriptionId=club)
    assert (paused["status"], paused["nextChargeDate"]) == ("PAUSED", None)
    assert await sim.run_days(date(2027, 1, 11), date(2027, 2, 20)) == {}

    resumed = await sim.ok(RESUME, sim.rep, subscriptionId=club)
    assert (resumed["status"], resumed["nextChargeDate"]) == ("ACTIVE", "2027-02-20")
