"""Schedule math: charge dates anchored on the original day, catching up, time zones, proration shares."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paydesk.billing.schedule import (
    BillingUnit,
    charge_date,
    next_charge_date,
    period_bounds,
    resume_date,
    today_in,
    unused_fraction,
)

D = date
DAY, WEEK, MONTH, QUARTER, YEAR = (
    BillingUnit.DAY,
    BillingUnit.WEEK,
    BillingUnit.MONTH,
    BillingUnit.QUARTER,
    BillingUnit.YEAR,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# --- the unit enum -------------------------------------------------------------------------------


def test_billing_unit_matches_the_spine() -> None:
    assert [u.value for u in BillingUnit] == ["DAY", "WEEK", "MONTH", "QUARTER", "YEAR"]
    assert BillingUnit("QUARTER") is QUARTER
    assert str(YEAR) == "YEAR"


# --- every unit, n = 0 is the anchor -------------------------------------------------------------


@pytest.mark.parametrize("unit", list(BillingUnit))
@pytest.mark.parametrize("anchor", [D(2027, 1, 31), D(2028, 2, 29), D(2026, 6, 15), D(2000, 1, 1)])
def test_period_zero_is_the_anchor(unit: BillingUnit, anchor: date) -> None:
    assert charge_date(anchor, unit, 0) == anchor


@pytest.mark.parametrize(
    ("unit", "n", "expected"),
    [
        (DAY, 1, D(2026, 5, 16)),
        (DAY, 17, D(2026, 6, 1)),
        (WEEK, 1, D(2026, 5, 22)),
        (WEEK, 3, D(2026, 6, 5)),
        (MONTH, 1, D(2026, 6, 15)),
        (MONTH, 8, D(2027, 1, 15)),
        (QUARTER, 1, D(2026, 8, 15)),
        (QUARTER, 3, D(2027, 2, 15)),
        (YEAR, 1, D(2027, 5, 15)),
        (YEAR, 4, D(2030, 5, 15)),
    ],
)
def test_every_unit_from_a_mid_month_anchor(unit: BillingUnit, n: int, expected: date) -> None:
    assert charge_date(D(2026, 5, 15), unit, n) == expected


def test_the_unit_may_be_given_by_name() -> None:
    assert charge_date(D(2027, 1, 31), "MONTH", 1) == D(2027, 2, 28)  # type: ignore[arg-type]


# --- month ends ----------------------------------------------------------------------------------


def test_jan_31_monthly_over_14_months_through_a_common_and_a_leap_february() -> None:
    expected = [
        D(2027, 1, 31),
        D(2027, 2, 28),  # 2027 is a common year
        D(2027, 3, 31),  # back to the 31st: the short month does not drag later dates earlier
        D(2027, 4, 30),
        D(2027, 5, 31),
        D(2027, 6, 30),
        D(2027, 7, 31),
        D(2027, 8, 31),
        D(2027, 9, 30),
        D(2027, 10, 31),
        D(2027, 11, 30),
        D(2027, 12, 31),
        D(2028, 1, 31),
        D(2028, 2, 29),  # 2028 is a leap year
        D(2028, 3, 31),
    ]
    assert [charge_date(D(2027, 1, 31), MONTH, n) for n in range(15)] == expected


def test_anchoring_differs_from_adding_a_month_to_the_previous_date() -> None:
    # What chaining would give: Feb 28 then the 28th for ever after.
    chained = [D(2027, 1, 31)]
    for _ in range(3):
        chained.append(charge_date(chained[-1], MONTH, 1))
    assert chained == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 28), D(2027, 4, 28)]
    assert [charge_date(D(2027, 1, 31), MONTH, n) for n in range(4)] == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
    ]


@pytest.mark.parametrize(
    ("day", "feb_2027", "feb_2028"),
    [
        (30, D(2027, 2, 28), D(2028, 2, 29)),
        (29, D(2027, 2, 28), D(2028, 2, 29)),
        (28, D(2027, 2, 28), D(2028, 2, 28)),
    ],
)
def test_jan_30_29_28_anchors(day: int, feb_2027: date, feb_2028: date) -> None:
    anchor = D(2027, 1, day)
    assert charge_date(anchor, MONTH, 1) == feb_2027
    assert charge_date(anchor, MONTH, 2) == D(2027, 3, day)
    assert charge_date(anchor, MONTH, 3) == D(2027, 4, day)  # April has 30 days: no clamp for 28..30
    assert charge_date(anchor, MONTH, 13) == feb_2028
    assert charge_date(anchor, MONTH, 14) == D(2028, 3, day)


def test_a_31st_anchor_clamps_in_every_30_day_month() -> None:
    dates = [charge_date(D(2026, 3, 31), MONTH, n) for n in range(12)]
    assert [d.day for d in dates] == [31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28]


def test_feb_29_yearly_over_8_years() -> None:
    expected = [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
        D(2029, 2, 28),
        D(2030, 2, 28),
        D(2031, 2, 28),
        D(2032, 2, 29),
    ]
    assert [charge_date(D(2024, 2, 29), YEAR, n) for n in range(9)] == expected


def test_feb_29_yearly_across_2100_which_is_not_a_leap_year() -> None:
    anchor = D(2096, 2, 29)
    assert [charge_date(anchor, YEAR, n) for n in (1, 4, 8)] == [
        D(2097, 2, 28),
        D(2100, 2, 28),
        D(2104, 2, 29),
    ]
    assert charge_date(D(1996, 2, 29), YEAR, 4) == D(2000, 2, 29)  # 2000 is a leap year (divisible by 400)


def test_feb_29_monthly_stays_on_the_29th() -> None:
    assert [charge_date(D(2028, 2, 29), MONTH, n) for n in (1, 2, 12, 13, 48)] == [
        D(2028, 3, 29),
        D(2028, 4, 29),
        D(2029, 2, 28),
        D(2029, 3, 29),
        D(2032, 2, 29),
    ]


def test_quarters_from_nov_30() -> None:
    anchor = D(2026, 11, 30)
    assert [charge_date(anchor, QUARTER, n) for n in range(9)] == [
        D(2026, 11, 30),
        D(2027, 2, 28),
        D(2027, 5, 30),
        D(2027, 8, 30),
        D(2027, 11, 30),
        D(2028, 2, 29),
        D(2028, 5, 30),
        D(2028, 8, 30),
        D(2028, 11, 30),
    ]


def test_quarters_from_aug_31() -> None:
    assert [charge_date(D(2027, 8, 31), QUARTER, n) for n in range(1, 5)] == [
        D(2027, 11, 30),
        D(2028, 2, 29),
        D(2028, 5, 31),
        D(2028, 8, 31),
    ]


# --- days and weeks over year boundaries --------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "unit", "n", "expected"),
    [
        (D(2026, 12, 31), DAY, 1, D(2027, 1, 1)),
        (D(2027, 12, 31), DAY, 60, D(2028, 2, 29)),
        (D(2028, 1, 1), DAY, 366, D(2029, 1, 1)),  # 2028 has 366 days
        (D(2027, 1, 1), DAY, 365, D(2028, 1, 1)),
        (D(2028, 2, 28), DAY, 1, D(2028, 2, 29)),
        (D(2027, 2, 28), DAY, 1, D(2027, 3, 1)),
        (D(2026, 12, 29), WEEK, 1, D(2027, 1, 5)),
        (D(2027, 12, 30), WEEK, 1, D(2028, 1, 6)),
        (D(2027, 12, 30), WEEK, 9, D(2028, 3, 2)),  # through Feb 29
        (D(2026, 1, 1), WEEK, 52, D(2026, 12, 31)),
        (D(2026, 1, 1), WEEK, 53, D(2027, 1, 7)),
    ],
)
def test_days_and_weeks_over_year_boundaries(anchor: date, unit: BillingUnit, n: int, expected: date) -> None:
    assert charge_date(anchor, unit, n) == expected


def test_weekly_keeps_the_weekday() -> None:
    anchor = D(2026, 12, 28)  # a Monday
    assert {charge_date(anchor, WEEK, n).weekday() for n in range(120)} == {0}


# --- catching up ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "unit", "after", "expected"),
    [
        # a long gap: 13 months of downtime
        (D(2026, 1, 31), MONTH, D(2027, 3, 15), (14, D(2027, 3, 31))),
        (D(2026, 1, 31), MONTH, D(2027, 2, 28), (14, D(2027, 3, 31))),  # on a charge date: strictly after
        (D(2026, 1, 31), MONTH, D(2027, 2, 27), (13, D(2027, 2, 28))),
        (D(2026, 1, 31), MONTH, D(2026, 1, 31), (1, D(2026, 2, 28))),
        (D(2026, 1, 31), MONTH, D(2025, 6, 1), (1, D(2026, 2, 28))),  # before the anchor: period 1
        (D(2020, 2, 29), YEAR, D(2027, 6, 1), (8, D(2028, 2, 29))),
        (D(2020, 2, 29), YEAR, D(2028, 2, 28), (8, D(2028, 2, 29))),
        (D(2020, 2, 29), YEAR, D(2028, 2, 29), (9, D(2029, 2, 28))),
        (D(2026, 11, 30), QUARTER, D(2028, 2, 28), (5, D(2028, 2, 29))),
        (D(2026, 11, 30), QUARTER, D(2028, 2, 29), (6, D(2028, 5, 30))),
        (D(2026, 1, 1), WEEK, D(2026, 12, 31), (53, D(2027, 1, 7))),
        (D(2026, 1, 1), WEEK, D(2026, 12, 30), (52, D(2026, 12, 31))),
        (D(2026, 1, 1), DAY, D(2029, 1, 1), (1097, D(2029, 1, 2))),
        (D(2026, 1, 1), DAY, D(2025, 1, 1), (1, D(2026, 1, 2))),
    ],
)
def test_next_charge_date_catches_up(
    anchor: date, unit: BillingUnit, after: date, expected: tuple[int, date]
) -> None:
    assert next_charge_date(anchor, unit, after) == expected


def test_next_charge_date_after_decades_is_direct() -> None:
    n, when = next_charge_date(D(2000, 1, 31), MONTH, D(2099, 12, 31))
    assert (n, when) == (1200, D(2100, 1, 31))
    assert next_charge_date(D(2000, 1, 1), DAY, D(9999, 12, 30)) == (
        (D(9999, 12, 31) - D(2000, 1, 1)).days,
        D(9999, 12, 31),
    )


# --- time zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        # America/Los_Angeles is UTC-8 on Mar 1 2026 (DST starts Mar 8)
        ("America/Los_Angeles", utc(2026, 3, 1, 5, 0), D(2026, 2, 28)),
        ("America/Los_Angeles", utc(2026, 3, 1, 7, 59, 59), D(2026, 2, 28)),
        ("America/Los_Angeles", utc(2026, 3, 1, 8, 0), D(2026, 3, 1)),
        ("UTC", utc(2026, 3, 1, 5, 0), D(2026, 3, 1)),
        # Pacific/Kiritimati is UTC+14: a new day at 10:00Z
        ("Pacific/Kiritimati", utc(2026, 2, 28, 9, 59, 59), D(2026, 2, 28)),
        ("Pacific/Kiritimati", utc(2026, 2, 28, 10, 0), D(2026, 3, 1)),
        ("Pacific/Kiritimati", utc(2026, 12, 31, 10, 0), D(2027, 1, 1)),
        # Asia/Kolkata is UTC+5:30: a new day at 18:30Z
        ("Asia/Kolkata", utc(2026, 2, 28, 18, 29, 59), D(2026, 2, 28)),
        ("Asia/Kolkata", utc(2026, 2, 28, 18, 30), D(2026, 3, 1)),
        # America/New_York, spring forward on Sun Mar 8 2026 (midnight is 05:00Z, the next is 04:00Z)
        ("America/New_York", utc(2026, 3, 8, 4, 59, 59), D(2026, 3, 7)),
        ("America/New_York", utc(2026, 3, 8, 5, 0), D(2026, 3, 8)),
        ("America/New_York", utc(2026, 3, 8, 7, 30), D(2026, 3, 8)),  # 03:30 EDT, just after the gap
        ("America/New_York", utc(2026, 3, 9, 3, 59, 59), D(2026, 3, 8)),
        ("America/New_York", utc(2026, 3, 9, 4, 0), D(2026, 3, 9)),
        # fall back on Sun Nov 1 2026 (midnight is 04:00Z, the next is 05:00Z)
        ("America/New_York", utc(2026, 11, 1, 3, 59, 59), D(2026, 10, 31)),
        ("America/New_York", utc(2026, 11, 1, 4, 0), D(2026, 11, 1)),
        ("America/New_York", utc(2026, 11, 1, 6, 30), D(2026, 11, 1)),  # the repeated 01:30, EST this time
        ("America/New_York", utc(2026, 11, 2, 4, 30), D(2026, 11, 1)),  # 23:30 EST, would be Nov 2 in EDT
        ("America/New_York", utc(2026, 11, 2, 5, 0), D(2026, 11, 2)),
    ],
)
def test_today_in_the_account_time_zone(tz: str, now: datetime, expected: date) -> None:
    assert today_in(tz, now) == expected


def test_today_in_accepts_any_aware_instant() -> None:
    same_instant = datetime(2026, 3, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5)))  # 05:00Z
    assert today_in("America/Los_Angeles", same_instant) == D(2026, 2, 28)


def test_today_in_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        today_in("UTC", datetime(2026, 3, 1, 5, 0))


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd", "america/new york"])
def test_today_in_refuses_an_unknown_zone(tz: str) -> None:
    with pytest.raises(ValueError, match="not an IANA time zone"):
        today_in(tz, utc(2026, 3, 1))


# --- resume --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_next", "resumed_on", "expected"),
    [
        (D(2026, 6, 15), D(2026, 6, 1), D(2026, 6, 15)),  # resumed before the old date: keep it
        (D(2026, 6, 15), D(2026, 6, 15), D(2026, 6, 15)),
        (D(2026, 6, 15), D(2026, 9, 3), D(2026, 9, 3)),  # resumed later: no charge for the paused time
    ],
)
def test_resume_date_is_the_later_of_the_two(old_next: date, resumed_on: date, expected: date) -> None:
    assert resume_date(old_next, resumed_on) == expected


# --- periods and unused shares -------------------------------------------------------------------


def test_period_bounds_are_consecutive_charge_dates() -> None:
    assert period_bounds(D(2027, 1, 31), MONTH, 0) == (D(2027, 1, 31), D(2027, 2, 28))
    assert period_bounds(D(2027, 1, 31), MONTH, 1) == (D(2027, 2, 28), D(2027, 3, 31))
    assert period_bounds(D(2026, 12, 29), WEEK, 0) == (D(2026, 12, 29), D(2027, 1, 5))
    assert period_bounds(D(2024, 2, 29), YEAR, 3) == (D(2027, 2, 28), D(2028, 2, 29))


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2027, 2, 15), Fraction(1)),  # before the period
        (D(2027, 3, 1), Fraction(1)),  # its first day: all of it is unused
        (D(2027, 3, 2), Fraction(30, 31)),
        (D(2027, 3, 16), Fraction(16, 31)),  # the middle
        (D(2027, 3, 31), Fraction(1, 31)),  # its last day
        (D(2027, 4, 1), Fraction(0)),  # the next period's first day
        (D(2027, 5, 1), Fraction(0)),  # after the period
    ],
)
def test_unused_fraction_over_a_31_day_month(on: date, expected: Fraction) -> None:
    got = unused_fraction(D(2027, 3, 1), MONTH, 0, on)
    assert type(got) is Fraction
    assert got == expected


def test_unused_fraction_is_exact_for_30_28_and_29_day_periods() -> None:
    assert unused_fraction(D(2027, 4, 1), MONTH, 0, D(2027, 4, 16)) == Fraction(1, 2)
    assert unused_fraction(D(2027, 2, 1), MONTH, 0, D(2027, 2, 15)) == Fraction(14, 28)
    assert unused_fraction(D(2028, 2, 1), MONTH, 0, D(2028, 2, 15)) == Fraction(15, 29)
    # a clamped period: Feb 28 .. Mar 31 2027 is 31 days long
    assert unused_fraction(D(2027, 1, 31), MONTH, 1, D(2027, 3, 15)) == Fraction(16, 31)
    assert unused_fraction(D(2026, 1, 1), YEAR, 2, D(2028, 7, 1)) == Fraction(184, 366)
    assert unused_fraction(D(2026, 1, 5), WEEK, 0, D(2026, 1, 8)) == Fraction(4, 7)
    assert unused_fraction(D(2026, 1, 5), DAY, 3, D(2026, 1, 8)) == Fraction(1)
    assert unused_fraction(D(2026, 1, 5), DAY, 3, D(2026, 1, 9)) == Fraction(0)


# --- bad input -----------------------------------------------------------------------------------


def test_a_negative_period_is_refused() -> None:
    for call in (
        lambda: charge_date(D(2026, 1, 1), MONTH, -1),
        lambda: period_bounds(D(2026, 1, 1), MONTH, -1),
        lambda: unused_fraction(D(2026, 1, 1), MONTH, -1, D(2026, 1, 1)),
    ):
        with pytest.raises(ValueError, match="n must be 0 or more"):
            call()


@pytest.mark.parametrize("unit", ["FORTNIGHT", "month", "", None])
def test_an_unknown_unit_is_refused(unit: object) -> None:
    with pytest.raises(ValueError, match="not a billing unit"):
        charge_date(D(2026, 1, 1), unit, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a billing unit"):
        next_charge_date(D(2026, 1, 1), unit, D(2026, 1, 1))  # type: ignore[arg-type]


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError, match="anchor must be a date"):
        charge_date(datetime(2026, 1, 1, tzinfo=UTC), MONTH, 1)
    with pytest.raises(TypeError, match="n must be an int"):
        charge_date(D(2026, 1, 1), MONTH, True)
    with pytest.raises(TypeError, match="n must be an int"):
        charge_date(D(2026, 1, 1), MONTH, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="after must be a date"):
        next_charge_date(D(2026, 1, 1), MONTH, utc(2026, 1, 1))


@pytest.mark.parametrize(
    ("anchor", "unit"), [(D(9999, 12, 1), MONTH), (D(9999, 12, 31), DAY), (D(9999, 1, 1), YEAR)]
)
def test_dates_beyond_the_calendar_are_refused(anchor: date, unit: BillingUnit) -> None:
    with pytest.raises(ValueError, match="beyond the calendar"):
        charge_date(anchor, unit, 1)


# --- properties ----------------------------------------------------------------------------------

anchors = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))
units = st.sampled_from(list(BillingUnit))
periods = st.integers(min_value=0, max_value=600)

# Days between consecutive charge dates: clamping never makes a period shorter or longer than
# the calendar allows (Jan 31 -> Feb 28 is 28 days, Feb 28 -> Mar 31 is 31).
GAP = {DAY: (1, 1), WEEK: (7, 7), MONTH: (28, 31), QUARTER: (89, 92), YEAR: (365, 366)}


@settings(max_examples=300)
@given(anchor=anchors, unit=units, n=periods)
def test_charge_date_is_strictly_increasing(anchor: date, unit: BillingUnit, n: int) -> None:
    this, following = charge_date(anchor, unit, n), charge_date(anchor, unit, n + 1)
    assert this < following
    low, high = GAP[unit]
    assert low <= (following - this).days <= high


@settings(max_examples=300)
@given(anchor=anchors, n=periods)
def test_monthly_day_is_the_anchor_day_clamped(anchor: date, n: int) -> None:
    got = charge_date(anchor, MONTH, n)
    months = anchor.year * 12 + anchor.month - 1 + n
    assert (got.year, got.month) == (months // 12, months % 12 + 1)
    assert got.day == min(anchor.day, last_day(got.year, got.month))


@settings(max_examples=300)
@given(anchor=anchors, n=periods)
def test_quarters_and_years_are_3_and_12_anchored_months(anchor: date, n: int) -> None:
    # The brief's "charge_date(a, MONTH, n + 12) == charge_date(a, YEAR, n + 1)" only holds for
    # n = 0 (n + 12 months is not n + 1 years). What holds for every anchor, Feb 29 included:
    assert charge_date(anchor, MONTH, 12 * n) == charge_date(anchor, YEAR, n)
    assert charge_date(anchor, MONTH, 3 * n) == charge_date(anchor, QUARTER, n)


@settings(max_examples=300)
@given(anchor=anchors, n=periods)
def test_twelve_months_later_is_the_same_month_a_year_on_with_the_anchor_day_clamped(
    anchor: date, n: int
) -> None:
    this, later = charge_date(anchor, MONTH, n), charge_date(anchor, MONTH, n + 12)
    assert (later.year, later.month) == (this.year + 1, this.month)
    assert later.day == min(anchor.day, last_day(later.year, later.month))


def test_twelve_months_later_is_not_one_year_after_the_previous_date() -> None:
    # Re-anchoring on a clamped date loses the original day: Feb 29 anchors and 29..31 anchors
    # landing in February are exactly where "a year after the previous date" goes wrong.
    feb_29 = D(2024, 2, 29)
    assert charge_date(charge_date(feb_29, MONTH, 36), YEAR, 1) == D(2028, 2, 28)
    assert charge_date(feb_29, MONTH, 48) == D(2028, 2, 29)
    jan_31 = D(2027, 1, 31)
    assert charge_date(charge_date(jan_31, MONTH, 1), YEAR, 1) == D(2028, 2, 28)
    assert charge_date(jan_31, MONTH, 13) == D(2028, 2, 29)
    # and the literal property from the brief fails for any anchor once n >= 1
    assert charge_date(D(2027, 1, 15), MONTH, 13) == D(2028, 2, 15)
    assert charge_date(D(2027, 1, 15), YEAR, 2) == D(2029, 1, 15)


@settings(max_examples=300)
@given(anchor=anchors, unit=units, after=st.dates(min_value=D(1999, 1, 1), max_value=D(2200, 12, 31)))
def test_next_charge_date_is_the_first_period_strictly_after(
    anchor: date, unit: BillingUnit, after: date
) -> None:
    n, when = next_charge_date(anchor, unit, after)
    assert n >= 1
    assert when == charge_date(anchor, unit, n)
    assert when > after
    assert n == 1 or charge_date(anchor, unit, n - 1) <= after


@settings(max_examples=300)
@given(
    anchor=anchors,
    unit=units,
    n=st.integers(min_value=0, max_value=60),
    offset=st.integers(min_value=-400, max_value=6000),
)
def test_unused_fraction_is_a_share_of_whole_days(
    anchor: date, unit: BillingUnit, n: int, offset: int
) -> None:
    on = anchor + timedelta(days=offset)
    share = unused_fraction(anchor, unit, n, on)
    assert 0 <= share <= 1
    start, end = period_bounds(anchor, unit, n)
    assert (share * (end - start).days).denominator == 1  # a whole number of days
    assert share >= unused_fraction(anchor, unit, n, on + timedelta(days=1))  # never grows with time
    assert (share == 1) == (on <= start)
    assert (share == 0) == (on >= end)
