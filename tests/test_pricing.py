"""Pricing: half-up percentages, largest-remainder allocation, line amounts and order totals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paydesk.money import MAX_MINOR_UNITS, Money
from paydesk.pricing import LineTotals, PricedLine, Totals, allocate, percent_of, price

# --- percent_of ------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (1999, Decimal(10), 200),  # 199.9 rounds up
        (4, Decimal("12.5"), 1),  # 0.5 rounds half-up
        (4, Decimal("12.4999"), 0),  # 0.499996 rounds down
        (1995, Decimal(10), 200),  # JPY: ¥199.5 -> ¥200
        (12345, Decimal(15), 1852),  # KWD: 1851.75 fils -> 1852
        (1000, Decimal(0), 0),
        (1000, Decimal(100), 1000),
        (1000, Decimal("100.000"), 1000),
        (1000, Decimal("1E+1"), 100),  # 10 written with an exponent
        (0, Decimal(50), 0),
        (MAX_MINOR_UNITS, Decimal(50), 4503599627370496),  # 4503599627370495.5 rounds up
        (3, Decimal("33.333333333333333333333333333333333333"), 1),
        (10**15, Decimal("1E-999999"), 0),
    ],
)
def test_percent_of_rounds_half_up_in_the_minor_unit(amount: int, percent: Decimal, expected: int) -> None:
    assert percent_of(amount, percent) == expected


def test_percent_of_is_exact_beyond_the_default_decimal_precision() -> None:
    # 2**53 - 1 times a 40-digit percentage needs more than Decimal's default 28 digits.
    percent = Decimal("33.33333333333333333333333333333333333350")
    exact = Fraction(MAX_MINOR_UNITS) * Fraction(percent) / 100
    assert percent_of(MAX_MINOR_UNITS, percent) == int(exact + Fraction(1, 2))


@pytest.mark.parametrize(
    "percent",
    [Decimal("-0.01"), Decimal("100.01"), Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")],
)
def test_percent_of_refuses_percentages_outside_0_to_100(percent: Decimal) -> None:
    with pytest.raises(ValueError, match="percent"):
        percent_of(1000, percent)


def test_percent_of_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        percent_of(-1, Decimal(10))


@settings(max_examples=300)
@given(
    amount=st.integers(min_value=0, max_value=MAX_MINOR_UNITS),
    percent=st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False),
)
def test_percent_of_matches_exact_rational_half_up(amount: int, percent: Decimal) -> None:
    exact = Fraction(amount) * Fraction(percent) / 100
    assert percent_of(amount, percent) == int(exact + Fraction(1, 2))


# --- allocate ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (1, [50, 50], [1, 0]),  # a tie goes to the earlier line
        (2, [1, 1, 1], [1, 1, 0]),
        (10, [1, 2, 7], [1, 2, 7]),
        (400, [1999, 1000], [267, 133]),
        (5, [0, 10, 0], [0, 5, 0]),
        (0, [0, 0], [0, 0]),
        (0, [], []),
        (0, [5, 7], [0, 0]),
        (1000, [1000], [1000]),
        # JPY-sized (no minor unit) and KWD-sized (three decimals) amounts.
        (1000, [3333, 3333, 3334], [333, 333, 334]),
        (7, [12345, 12345, 12345], [3, 2, 2]),
    ],
)
def test_allocate_by_largest_remainder(total: int, weights: list[int], expected: list[int]) -> None:
    assert allocate(total, weights) == expected


@pytest.mark.parametrize(
    ("total", "weights"),
    [(-1, [1, 1]), (1, [0, 0]), (1, []), (1, [-1, 5])],
)
def test_allocate_refuses_what_cannot_be_shared(total: int, weights: list[int]) -> None:
    with pytest.raises(ValueError, match=r"negative|all zero"):
        allocate(total, weights)


weights_strategy = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12)


@st.composite
def total_and_weights(draw: st.DrawFn) -> tuple[int, list[int]]:
    weights = draw(weights_strategy)
    total = draw(st.integers(min_value=0, max_value=sum(weights)))
    return total, weights


@settings(max_examples=300)
@given(total_and_weights())
def test_allocate_sums_exactly_and_never_exceeds_a_weight(case: tuple[int, list[int]]) -> None:
    total, weights = case
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert sum(shares) == total
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


@settings(max_examples=300)
@given(total_and_weights())
def test_allocate_is_monotone_in_weight_and_within_one_unit_of_the_exact_share(
    case: tuple[int, list[int]],
) -> None:
    total, weights = case
    shares = allocate(total, weights)
    whole = sum(weights)
    for i, (share_i, weight_i) in enumerate(zip(shares, weights, strict=True)):
        if whole:
            exact = Fraction(total * weight_i, whole)
            assert exact - 1 < share_i < exact + 1
        for share_j, weight_j in zip(shares[i + 1 :], weights[i + 1 :], strict=True):
            if weight_i > weight_j:
                assert share_i >= share_j
            if weight_j > weight_i:
                assert share_j >= share_i


@settings(max_examples=300)
@given(weights_strategy.filter(lambda w: sum(w) > 0), st.integers(min_value=0, max_value=10**12))
def test_allocate_sums_exactly_even_above_the_weights(weights: list[int], total: int) -> None:
    assert sum(allocate(total, weights)) == total


# --- lines -------------------------------------------------------------------


def test_single_line_costs_quantity_times_unit_price_once() -> None:
    line = PricedLine(quantity=3, unit_price=1999, kind="SINGLE")
    assert (line.due_now, line.recurring) == (5997, 0)


def test_subscription_charges_quantity_times_unit_price_now_and_each_period() -> None:
    line = PricedLine(quantity=2, unit_price=1500, kind="SUBSCRIPTION")
    assert (line.due_now, line.recurring) == (3000, 3000)


def test_payment_plan_installment_is_quantity_times_unit_price() -> None:
    line = PricedLine(quantity=2, unit_price=10000, kind="PAYMENT_PLAN")
    assert (line.due_now, line.recurring) == (20000, 20000)


@pytest.mark.parametrize("quantity", [1, 2, 5])
def test_payment_plan_first_payment_is_the_whole_first_installment_whatever_the_quantity(
    quantity: int,
) -> None:
    line = PricedLine(quantity=quantity, unit_price=10000, kind="PAYMENT_PLAN", first_payment=5000)
    assert line.due_now == 5000
    assert line.recurring == quantity * 10000
    assert price([line]).subtotal == 5000


def test_a_zero_first_payment_is_still_the_first_payment() -> None:
    line = PricedLine(quantity=1, unit_price=10000, kind="PAYMENT_PLAN", first_payment=0)
    assert line.due_now == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"quantity": -1, "unit_price": 100},
        {"quantity": 1, "unit_price": -100},
        {"quantity": 1, "unit_price": 100, "kind": "PAYMENT_PLAN", "first_payment": -1},
        {"quantity": 1, "unit_price": 100, "kind": "SINGLE", "first_payment": 50},
        {"quantity": 1, "unit_price": 100, "kind": "SUBSCRIPTION", "first_payment": 50},
        {"quantity": 1, "unit_price": 100, "kind": "ONE_OFF"},
    ],
)
def test_line_refuses_invalid_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        PricedLine(**kwargs)  # type: ignore[arg-type]


def test_line_refuses_non_integer_amounts() -> None:
    with pytest.raises(TypeError):
        PricedLine(quantity=1, unit_price=19.99)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PricedLine(quantity=True, unit_price=100)


# --- price -------------------------------------------------------------------


def test_price_without_discount() -> None:
    totals = price([PricedLine(1, 1999), PricedLine(2, 500)])
    assert totals == Totals(
        subtotal=2999,
        discount=0,
        total=2999,
        lines=(LineTotals(1999, 0, 1999), LineTotals(1000, 0, 1000)),
    )


def test_price_combines_one_off_discount_and_percent_coupon() -> None:
    # 10% of 2999 is 299.9 -> 300, plus 100 off: 400, spread 267 / 133.
    totals = price([PricedLine(1, 1999), PricedLine(2, 500)], discount=100, percent_off=Decimal(10))
    assert (totals.subtotal, totals.discount, totals.total) == (2999, 400, 2599)
    assert totals.lines == (LineTotals(1999, 267, 1732), LineTotals(1000, 133, 867))
    assert totals.line_subtotals == [1999, 1000]
    assert totals.line_discounts == [267, 133]
    assert totals.line_totals == [1732, 867]


def test_price_combines_one_off_discount_and_amount_coupon() -> None:
    totals = price([PricedLine(1, 3000), PricedLine(1, 1000)], discount=150, amount_off=250)
    assert (totals.discount, totals.total) == (400, 3600)
    assert totals.line_discounts == [300, 100]


def test_percent_coupon_applies_to_the_subtotal_not_after_the_one_off_discount() -> None:
    totals = price([PricedLine(1, 1000)], discount=500, percent_off=Decimal(50))
    assert totals.discount == 1000
    assert totals.total == 0


def test_discount_is_capped_at_the_subtotal() -> None:
    totals = price([PricedLine(1, 700), PricedLine(1, 300)], discount=800, amount_off=500)
    assert (totals.subtotal, totals.discount, totals.total) == (1000, 1000, 0)
    assert totals.lines == (LineTotals(700, 700, 0), LineTotals(300, 300, 0))


def test_discount_applies_to_what_is_due_now() -> None:
    plan = PricedLine(quantity=4, unit_price=25000, kind="PAYMENT_PLAN", first_payment=10000)
    subscription = PricedLine(quantity=1, unit_price=10000, kind="SUBSCRIPTION")
    totals = price([plan, subscription], percent_off=Decimal("12.5"))
    assert (totals.subtotal, totals.discount, totals.total) == (20000, 2500, 17500)
    assert totals.line_discounts == [1250, 1250]


def test_jpy_and_kwd_amounts() -> None:
    # JPY has no minor unit: ¥1,995 at 10% off is ¥199.5 -> ¥200 off.
    yen = price([PricedLine(1, 995), PricedLine(1, 1000)], percent_off=Decimal(10))
    assert (yen.discount, yen.total) == (200, 1795)
    assert yen.line_discounts == [100, 100]
    assert Money(yen.total, "JPY").amount == Decimal(1795)
    # KWD has three decimals: 12.345 KWD at 15% off is 1.85175 -> 1.852 off.
    dinar = price([PricedLine(1, 12345)], percent_off=Decimal(15))
    assert (dinar.discount, dinar.total) == (1852, 10493)
    assert Money(dinar.total, "KWD").amount == Decimal("10.493")


def test_price_of_no_lines_is_zero() -> None:
    totals = price([], discount=100, percent_off=Decimal(10))
    assert totals == Totals(subtotal=0, discount=0, total=0, lines=())


def test_price_of_free_lines_with_a_discount_is_zero() -> None:
    totals = price([PricedLine(1, 0), PricedLine(3, 0)], amount_off=500)
    assert totals.discount == 0
    assert totals.line_totals == [0, 0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"discount": -1},
        {"amount_off": -1},
        {"percent_off": Decimal(-1)},
        {"percent_off": Decimal(101)},
        {"percent_off": Decimal(10), "amount_off": 100},
    ],
)
def test_price_refuses_invalid_discounts(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        price([PricedLine(1, 1000)], **kwargs)  # type: ignore[arg-type]


lines_strategy = st.lists(
    st.builds(
        PricedLine,
        quantity=st.integers(min_value=0, max_value=100),
        unit_price=st.integers(min_value=0, max_value=10**9),
        kind=st.sampled_from(["SINGLE", "SUBSCRIPTION", "PAYMENT_PLAN"]),
    )
    | st.builds(
        PricedLine,
        quantity=st.integers(min_value=0, max_value=100),
        unit_price=st.integers(min_value=0, max_value=10**9),
        kind=st.just("PAYMENT_PLAN"),
        first_payment=st.integers(min_value=0, max_value=10**9),
    ),
    max_size=8,
)
percent_strategy = st.none() | st.decimals(
    min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False
)


@settings(max_examples=300)
@given(
    lines=lines_strategy,
    discount=st.integers(min_value=0, max_value=10**11),
    percent_off=percent_strategy,
    amount_off=st.none() | st.integers(min_value=0, max_value=10**11),
)
def test_price_totals_always_add_up(
    lines: list[PricedLine], discount: int, percent_off: Decimal | None, amount_off: int | None
) -> None:
    if percent_off is not None:
        amount_off = None
    totals = price(lines, discount=discount, percent_off=percent_off, amount_off=amount_off)
    assert totals.subtotal == sum(line.due_now for line in lines)
    assert totals.line_subtotals == [line.due_now for line in lines]
    assert sum(totals.line_totals) == totals.total
    assert sum(totals.line_discounts) == totals.discount
    assert totals.total == totals.subtotal - totals.discount >= 0
    assert all(line.line_total == line.line_subtotal - line.line_discount for line in totals.lines)
    assert all(0 <= line.line_discount <= line.line_subtotal for line in totals.lines)
    assert all(line.line_total >= 0 for line in totals.lines)
    coupon = percent_of(totals.subtotal, percent_off) if percent_off is not None else (amount_off or 0)
    assert totals.discount == min(discount + coupon, totals.subtotal)
