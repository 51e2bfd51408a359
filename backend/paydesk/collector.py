"""How a long-running paydesk process sets Python's garbage collector once it has started.

Two settings, both measured (``bench/notes-billing.md``, "Garbage collection"):

- Start-up objects (modules, mappers, compiled statements, the schema) live
  as long as the process. ``gc.freeze()`` moves them out of the collector's
  sight, so a full collection scans only what was made since: on the billing
  runner a full collection went from about 99 ms to 3 ms (STYLE.md measured
  the same for requests).
- Python collects its youngest generation every 700 net new container
  objects. A request or a billing batch makes tens of thousands of short-lived
  ones (rows, ORM states, events), so at 700 the collector ran every few
  hundred microseconds of work and its collections took about a fifth of the
  runner's CPU. At ``YOUNG_THRESHOLD`` it runs an eighth as often; a young
  collection still finds cycles within milliseconds, and memory stays
  bounded (the older generations keep their default ratios).
"""

from __future__ import annotations

import gc

# Net new container objects between two collections of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 10_000


def settle_after_start_up(young_threshold: int = YOUNG_THRESHOLD) -> None:
    """Collect once, freeze what start-up made, and collect the young generation less often.

    Call once a serving or working process has built everything it keeps, before its first request
    or pass."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(young_threshold, older, oldest)
