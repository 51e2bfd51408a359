"""Dunning: what to do after an installment is declined, per the account's policy (pure, no database).

Default policy: retry 1, 3, 5 and 7 days after the installment's first
decline; after the last retry the order goes PAST_DUE and the final action
applies: keep it past due, cancel it, or write the installment off and go on
to the next one. A hard decline (the card is expired, lost or stolen:
retrying cannot help) skips the retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from paydesk.errors import ErrorCode, FieldPath, Problems

# Decline codes no retry can turn around (DESIGN.md, sandbox test cards: "hard").
HARD_DECLINES = frozenset(
    {"expired_card", "stolen_card", "lost_card", "pickup_card", "restricted_card", "invalid_account"}
)
DEFAULT_RETRY_DAYS = (1, 3, 5, 7)
MAX_RETRIES = 10
MAX_RETRY_DAY = 60


class FinalAction(StrEnum):
    KEEP_PAST_DUE = "KEEP_PAST_DUE"
    CANCEL = "CANCEL"
    WRITE_OFF = "WRITE_OFF"


@dataclass(frozen=True)
class Policy:
    retry_days: tuple[int, ...] = DEFAULT_RETRY_DAYS
    final_action: FinalAction = FinalAction.KEEP_PAST_DUE
    try_other_cards: bool = False
    email_card_link: bool = False


@dataclass(frozen=True)
class Retry:
    on: date


@dataclass(frozen=True)
class GiveUp:
    action: FinalAction


def parse_retry_days(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def format_retry_days(days: tuple[int, ...]) -> str:
    return ",".join(str(d) for d in days)


def check_retry_days(problems: Problems, days: list[int], field: FieldPath) -> tuple[int, ...] | None:
    """Increasing whole days from 1 to 60, at most 10 of them (none: no retries)."""
    if len(days) > MAX_RETRIES:
        problems.add(ErrorCode.INVALID, f"At most {MAX_RETRIES} retries.", field)
    elif any(d < 1 or d > MAX_RETRY_DAY for d in days):
        problems.add(ErrorCode.INVALID, f"Retry days are from 1 to {MAX_RETRY_DAY}.", field)
    elif any(b <= a for a, b in pairwise(days)):
        problems.add(ErrorCode.INVALID, "Retry days must increase, e.g. 1, 3, 5, 7.", field)
    else:
        return tuple(days)
    return None


def after_decline(policy: Policy, attempts: int, since: date, decline_code: str | None) -> Retry | GiveUp:
    """After the ``attempts``-th decline of an installment first declined on ``since``: retry, or give up."""
    if decline_code not in HARD_DECLINES and attempts <= len(policy.retry_days):
        return Retry(since + timedelta(days=policy.retry_days[attempts - 1]))
    return GiveUp(policy.final_action)
