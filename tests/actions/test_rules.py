"""The rules table and the commission arithmetic, without a database.

These are the functions both the mutations and ``availableActions`` ask, so
their edge cases are pinned here once: the settlement window, what a refund
or a void in flight blocks, the REP refund limit, and pro-rata commission
rounding.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from paydesk.auth.roles import Role
from paydesk.referrals.service import owed
from paydesk.transactions.rules import Action, Facts, refund_limit_problem, refused, status_for_amounts

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)

PAID_CHARGE = Facts(
    status="PAID",
    origin="CHARGED",
    total=10_000,
    refunded=0,
    has_refunds=False,
    has_invoice=True,
    marked_paid=False,
    void_in_flight=False,
    created_at=NOW - timedelta(hours=1),
    charged_through_gateway=True,
    void_window=DAY,
)


def allowed(facts: Facts) -> set[Action]:
    return {action for action in Action if refused(action, facts, NOW) is None}


def test_a_fresh_paid_charge_may_be_refunded_voided_resent_and_rerun() -> None:
    assert allowed(PAID_CHARGE) == {
        Action.REFUND,
        Action.VOID,
        Action.RESEND_INVOICE,
        Action.RERUN_COMMISSION,
    }


def test_a_charge_settles_at_the_end_of_its_window_to_the_second() -> None:
    just_before = replace(PAID_CHARGE, created_at=NOW - DAY + timedelta(seconds=1))
    at_the_end = replace(PAID_CHARGE, created_at=NOW - DAY)
    assert refused(Action.VOID, just_before, NOW) is None
    reason = refused(Action.VOID, at_the_end, NOW)
    assert reason is not None
    assert "settled" in reason
    assert "refund" in reason


def test_a_gateway_that_captures_at_once_never_voids_but_a_logged_sale_always_may() -> None:
    stripe_like = replace(PAID_CHARGE, void_window=None)
    assert "refund instead" in (refused(Action.VOID, stripe_like, NOW) or "")
    logged_long_ago = replace(
        PAID_CHARGE, origin="LOGGED", charged_through_gateway=False, created_at=NOW - 400 * DAY
    )
    assert refused(Action.VOID, logged_long_ago, NOW) is None


def test_any_refund_even_a_failed_one_blocks_a_void() -> None:
    after_failed_refund = replace(PAID_CHARGE, has_refunds=True)
    assert "refund" in (refused(Action.VOID, after_failed_refund, NOW) or "")
    assert refused(Action.REFUND, after_failed_refund, NOW) is None


def test_a_void_in_flight_holds_refunds_and_a_second_void() -> None:
    voiding = replace(PAID_CHARGE, void_in_flight=True)
    assert "void" in (refused(Action.REFUND, voiding, NOW) or "")
    assert "void" in (refused(Action.VOID, voiding, NOW) or "")


def test_pending_allows_nothing_but_a_resend() -> None:
    pending = replace(PAID_CHARGE, status="PENDING", has_invoice=False)
    for action in Action:
        reason = refused(action, pending, NOW)
        if action is Action.RESEND_INVOICE:
            assert reason is not None
            assert "invoice" in reason
        else:
            assert reason is not None
            assert "reconciled" in reason


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PARTIALLY_REFUNDED", {Action.REFUND, Action.RESEND_INVOICE, Action.RERUN_COMMISSION}),
        ("REFUNDED", {Action.RESEND_INVOICE, Action.RERUN_COMMISSION}),
        ("VOIDED", {Action.RESEND_INVOICE}),
        ("DECLINED", {Action.WRITE_OFF, Action.MARK_PAID}),
        ("FAILED", {Action.WRITE_OFF, Action.MARK_PAID}),
        ("WRITTEN_OFF", {Action.MARK_PAID}),
    ],
)
def test_the_table_by_status(status: str, expected: set[Action]) -> None:
    refunded = {"PARTIALLY_REFUNDED": 3_000, "REFUNDED": 10_000}.get(status, 0)
    has_invoice = status in ("PARTIALLY_REFUNDED", "REFUNDED", "VOIDED")
    facts = replace(
        PAID_CHARGE, status=status, refunded=refunded, has_refunds=refunded > 0, has_invoice=has_invoice
    )
    assert allowed(facts) == expected


def test_status_follows_the_amounts() -> None:
    assert status_for_amounts(10_000, 0) == "PAID"
    assert status_for_amounts(10_000, 1) == "PARTIALLY_REFUNDED"
    assert status_for_amounts(10_000, 9_999) == "PARTIALLY_REFUNDED"
    assert status_for_amounts(10_000, 10_000) == "REFUNDED"


@pytest.mark.parametrize(
    ("role", "limit", "amount", "currency", "refused_for"),
    [
        (Role.OWNER, None, 10**9, "EUR", None),
        (Role.ADMIN, None, 10**9, "EUR", None),
        (Role.REP, None, 1, "USD", "ADMIN"),
        (Role.REP, 5_000, 5_000, "USD", None),
        (Role.REP, 5_000, 5_001, "USD", "larger"),
        (Role.REP, 5_000, 100, "EUR", "USD only"),
        (Role.VIEWER, 5_000, 1, "USD", "ADMIN"),
    ],
)
def test_the_rep_refund_limit(
    role: Role, limit: int | None, amount: int, currency: str, refused_for: str | None
) -> None:
    problem = refund_limit_problem(role, limit, "USD", amount, currency)
    if refused_for is None:
        assert problem is None
    else:
        assert problem is not None
        assert refused_for in problem


@pytest.mark.parametrize(
    ("gross", "total", "refunded", "expected"),
    [
        (1_000, 10_000, 0, 1_000),
        (1_000, 10_000, 3_000, 700),
        (1_000, 10_000, 10_000, 0),
        (1_000, 10_000, 12_000, 0),  # never negative, whatever is passed
        (417, 3_333, 1_000, 292),  # 417 x 2333/3333 = 291.87 -> 292
        (1, 3, 1, 1),  # 0.667 -> 1
        (1, 4, 2, 1),  # exactly half rounds up
        (0, 0, 0, 0),
        (500, 0, 0, 500),  # a fixed commission on a free sale stands until it is refunded
    ],
)
def test_commission_follows_refunds_pro_rata_rounding_half_up(
    gross: int, total: int, refunded: int, expected: int
) -> None:
    assert owed(gross, total, refunded) == expected
