"""A billing pass keeps PostgreSQL's planner statistics of the tables it grows in step with them.

Without them, a first big run is planned as if its tables were still empty: a list of 100 sale ids
is taken to match half of the table, and every batch reads every row written so far (at 10,000
installments each such select took 10 ms instead of 0.2). The pass analyzes the tables after its
first ``analyze_after`` installments and at each doubling; SQLite has no such step (its statistics
are taken at start-up, and its planner prefers an index without them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette

from paydesk.billing.runner import GROWN_TABLES, Runner
from tests.billing.test_workers import assert_each_installment_charged_once, seed, services_of
from tests.helpers import resources


async def estimated_rows(app: Starlette) -> dict[str, float]:
    """What the planner believes each grown table holds (-1 or 0 before any ANALYZE saw rows)."""
    async with resources(app).sessions() as db:
        query = text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)").bindparams(
            names=list(GROWN_TABLES)
        )
        statement: Any = query
        return {name: float(estimate) for name, estimate in await db.exec(statement)}


async def test_a_pass_refreshes_the_statistics_of_what_it_grows_at_each_doubling(
    app: Starlette, backend: str
) -> None:
    seeded = await seed(app, 12)
    runner = Runner(services_of(app), batch=5, lanes=1, analyze_after=5)

    result = await runner.run_once()

    assert result.charged == 12
    await assert_each_installment_charged_once(app, seeded)
    if backend == "postgresql":
        estimates = await estimated_rows(app)
        # Analyzed after 5 installments and again after 10: the planner knows the sales are there.
        assert estimates["sale"] >= 10, estimates
        assert estimates["sale_line"] >= 10, estimates
        assert estimates["invoice"] >= 10, estimates


async def test_a_pass_smaller_than_the_first_step_leaves_statistics_to_autovacuum(
    app: Starlette, backend: str
) -> None:
    await seed(app, 4)

    result = await Runner(services_of(app), batch=5, lanes=1, analyze_after=5).run_once()

    assert result.charged == 4
    if backend == "postgresql":
        estimates = await estimated_rows(app)
        assert estimates["sale"] <= 0, estimates
