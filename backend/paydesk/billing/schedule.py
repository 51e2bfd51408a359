"""Schedule math for subscriptions and payment plans: pure functions on dates, no database.

A schedule is an *anchor* date (the first charge, period 0) and a `BillingUnit`.
Period n starts on `charge_date(anchor, unit, n)`.

Why months are anchored on the original day
-------------------------------------------
Months differ in length, so "one month after" a late day of the month has to be
clamped to the last day of a shorter month. If each charge date were computed by
adding one month to the *previous* charge date, a single short month would drag
every later date earlier for good:

    Jan 31 -> Feb 28 -> Mar 28 -> Apr 28 -> ...   (wrong: the customer lost 3 days a month)

Instead every date is computed from the anchor: period n is the anchor's year and
month plus n months, on the anchor's day, clamped to that month's last day:

    Jan 31 -> Feb 28 (Feb 29 in a leap year) -> Mar 31 -> Apr 30 -> May 31 -> ...

QUARTER is 3 months and YEAR is 12 months under the same rule, so a plan started
on Feb 29 charges yearly on Feb 28 in common years and on Feb 29 again in leap
years, and a quarterly plan started on Nov 30 charges Feb 28/29, May 30, Aug 30,
Nov 30. DAY adds n days and WEEK 7n days; they need no clamping.

The same rule makes `charge_date` strictly increasing in n and lets the next date
be found directly from the anchor after any gap (`next_charge_date`), without
replaying the schedule from its start.

Dates here are calendar dates in the account's time zone; `today_in` turns the
UTC instant the job runner sees into that date.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BillingUnit",
    "charge_date",
    "next_charge_date",
    "period_bounds",
    "resume_date",
    "start_of_day",
    "today_in",
    "unused_fraction",
]


class BillingUnit(StrEnum):
    """How often a subscription or payment plan recurs (the spine's `BillingUnit`)."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


# Units counted in calendar months, and how many months one period is.
_MONTHS = {BillingUnit.MONTH: 1, BillingUnit.QUARTER: 3, BillingUnit.YEAR: 12}
# Units counted in days, and how many days one period is.
_DAYS = {BillingUnit.DAY: 1, BillingUnit.WEEK: 7}


def _check_unit(unit: BillingUnit | str) -> BillingUnit:
    """The unit as a `BillingUnit`; its name as a string is accepted too ("MONTH")."""
    try:
        return BillingUnit(unit)
    except ValueError:
        names = ", ".join(u.value for u in BillingUnit)
        raise ValueError(f"{unit!r} is not a billing unit; use one of {names}") from None


def _check_date(value: date, name: str) -> None:
    # datetime is a subclass of date; mixing the two breaks comparisons later, so refuse it here.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")


def _check_n(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")


def _add_months(anchor: date, months: int) -> date:
    """The anchor's day, `months` months later, clamped to the last day of that month."""
    index = anchor.year * 12 + (anchor.month - 1) + months
    year, month0 = divmod(index, 12)
    if year > date.max.year:
        raise ValueError(f"{months} months after {anchor} is beyond the calendar")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(anchor.day, last_day))


def _charge_date(anchor: date, unit: BillingUnit, n: int) -> date:
    months = _MONTHS.get(unit)
    if months is not None:
        return _add_months(anchor, months * n)
    try:
        return anchor + timedelta(days=_DAYS[unit] * n)
    except OverflowError:
        raise ValueError(f"period {n} of {unit} after {anchor} is beyond the calendar") from None


def charge_date(anchor: date, unit: BillingUnit, n: int) -> date:
    """The date period n starts, counted from the anchor (n=0 is the anchor itself).

    Month-based units are computed from the anchor every time, on the anchor's day
    clamped to the month's length: Jan 31 monthly gives Feb 28 (29), Mar 31, Apr 30.
    Raises ValueError for n < 0 or an unknown unit.
    """
    _check_date(anchor, "anchor")
    unit = _check_unit(unit)
    _check_n(n)
    return _charge_date(anchor, unit, n)


def next_charge_date(anchor: date, unit: BillingUnit, after: date) -> tuple[int, date]:
    """The first period n >= 1 whose date is strictly after `after`, and that date.

    For catching up: after a gap (downtime, a pause, a moved date) this is the next
    charge still to come, found directly rather than by stepping through every
    missed period. Period 0 (the anchor) is never returned; it is the first charge,
    made when the schedule starts. If `after` is before the anchor the answer is
    period 1.
    """
    _check_date(anchor, "anchor")
    _check_date(after, "after")
    unit = _check_unit(unit)
    per_day = _DAYS.get(unit)
    if per_day is not None:
        n = max(1, (after - anchor).days // per_day + 1)
    else:
        # A first guess from the month count, at most one period too late; then step.
        months = (after.year - anchor.year) * 12 + (after.month - anchor.month)
        n = max(1, months // _MONTHS[unit])
        while n > 1 and _charge_date(anchor, unit, n - 1) > after:
            n -= 1
    while (when := _charge_date(anchor, unit, n)) <= after:
        n += 1
    return n, when


def today_in(tz: str, now: datetime) -> date:
    """The calendar date it is in the IANA time zone `tz` at the aware instant `now`.

    2026-03-01T05:00Z is still 2026-02-28 in America/Los_Angeles. Raises ValueError
    for a naive `now` or an unknown zone.
    """
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, not {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (UTC), not a naive one")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{tz!r} is not an IANA time zone") from None
    return now.astimezone(zone).date()


def start_of_day(day: date, tz: str) -> datetime:
    """The first instant of ``day`` in the IANA time zone ``tz``, as an aware UTC datetime.

    What a due date means to the runner: an installment due on 2026-03-01 in
    America/Los_Angeles falls due at 2026-03-01T08:00Z. On a day that starts
    with a DST gap the first instant that exists is taken.
    """
    _check_date(day, "day")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{tz!r} is not an IANA time zone") from None
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    return local.astimezone(UTC)


def resume_date(old_next: date, resumed_on: date) -> date:
    """The next charge date after a resume: the later of the old next charge date and the resume day.

    (DESIGN.md, Subscriptions: no charge while paused; nothing is charged twice and
    nothing in the past is charged for the paused time.)
    """
    _check_date(old_next, "old_next")
    _check_date(resumed_on, "resumed_on")
    return max(old_next, resumed_on)


def period_bounds(anchor: date, unit: BillingUnit, n: int) -> tuple[date, date]:
    """Period n as (start, end): the start is inclusive and the end exclusive (the next period's start)."""
    _check_date(anchor, "anchor")
    unit = _check_unit(unit)
    _check_n(n)
    return _charge_date(anchor, unit, n), _charge_date(anchor, unit, n + 1)


def unused_fraction(anchor: date, unit: BillingUnit, n: int, on: date) -> Fraction:
    """The exact share of period n still unused on the day `on`, for proration.

    Days remaining (counting `on` itself) over the days in the period: 1 on or
    before the period's first day, 1/len on its last day, 0 from the next period's
    start on.
    """
    _check_date(on, "on")
    start, end = period_bounds(anchor, unit, n)
    if on <= start:
        return Fraction(1)
    if on >= end:
        return Fraction(0)
    return Fraction((end - on).days, (end - start).days)
