"""The account's dunning policy, as the API shows it."""

from __future__ import annotations

from enum import Enum

import strawberry

from paydesk.billing import dunning
from paydesk.models import Account as AccountModel


@strawberry.enum(description="What happens to an order once its dunning retries are spent.")
class DunningFinalAction(Enum):
    KEEP_PAST_DUE = strawberry.enum_value(
        "KEEP_PAST_DUE", description="It stays PAST_DUE until a new default card or staff recover it."
    )
    CANCEL = strawberry.enum_value("CANCEL", description="It is cancelled.")
    WRITE_OFF = strawberry.enum_value(
        "WRITE_OFF", description="The installment is written off and the order goes on to the next one."
    )


@strawberry.type(description="How declined installments are retried, and what happens when retries run out.")
class DunningPolicy:
    retry_days: list[int] = strawberry.field(
        description="Days after an installment's first decline it is retried, e.g. [1, 3, 5, 7]."
    )
    final_action: DunningFinalAction = strawberry.field(
        description="What happens once the retries are spent."
    )
    try_other_cards: bool = strawberry.field(
        description="Before giving up, the customer's other active cards are tried."
    )
    email_card_link: bool = strawberry.field(
        description="After each decline the customer is emailed a link to put a new card on file."
    )
    hard_decline_codes: list[str] = strawberry.field(
        description="Decline codes that skip the retries (the card cannot work again)."
    )

    @classmethod
    def from_model(cls, m: AccountModel) -> DunningPolicy:
        return cls(
            retry_days=list(dunning.parse_retry_days(m.dunning_retry_days)),
            final_action=DunningFinalAction[m.dunning_final_action],
            try_other_cards=m.dunning_try_other_cards,
            email_card_link=m.dunning_email_card_link,
            hard_decline_codes=sorted(dunning.HARD_DECLINES),
        )
