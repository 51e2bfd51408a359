"""Inputs for the open-order mutations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from paydesk.graphql.subscriptions.policy import DunningFinalAction


@strawberry.input(description="Stop charging an order for a while.")
class PauseSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description="The order, prefix sub_.")
    resume_on: date | None = strawberry.field(
        default=None, description="Omitted: paused until resumed. Otherwise a day after today."
    )


@strawberry.input(description="Charge a paused order again.")
class ResumeSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description="The order, prefix sub_.")


@strawberry.input(description="End an order.")
class CancelSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description="The order, prefix sub_.")
    at_period_end: bool = strawberry.field(
        default=False, description="Stop at the end of the period already paid for, instead of now."
    )


@strawberry.input(description="Change an order; omitted fields stay.")
class UpdateSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description="The order, prefix sub_.")
    quantity: int | None = strawberry.field(default=None, description="Units per period (ADMIN).")
    unit_price: Decimal | None = strawberry.field(
        default=None, description="One unit's price in the order's currency, major units (ADMIN)."
    )
    next_charge_date: date | None = strawberry.field(
        default=None,
        description="Charge next on this day (today or later); later installments follow from it.",
    )
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Charge this card of the customer from now on; an order in dunning tries it at once.",
    )
    prorate: bool = strawberry.field(
        default=False,
        description=(
            "Credit the unused part of the current period at the old price and charge the new price for it: "
            "an upgrade is charged now as its own transaction, a downgrade becomes credit."
        ),
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Repeating the call with this key changes (and charges) once."
    )


@strawberry.input(
    description="A change of quantity or unit price, previewed as updateSubscription(prorate: true) makes it."
)
class SubscriptionChangePreviewInput:
    subscription_id: strawberry.ID = strawberry.field(description="The order, prefix sub_.")
    quantity: int | None = strawberry.field(default=None, description="Units per period; omitted: as it is.")
    unit_price: Decimal | None = strawberry.field(
        default=None, description="One unit's price in the order's currency, major units; omitted: as it is."
    )


@strawberry.input(description="Charge what a payment plan has left, now, and complete it.")
class PayRemainingBalanceInput:
    subscription_id: strawberry.ID = strawberry.field(description="The plan, prefix sub_.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Repeating the call with this key charges once."
    )


@strawberry.input(description="Charge now the installment a declined order is waiting on.")
class RetryInstallmentInput:
    subscription_id: strawberry.ID = strawberry.field(description="The order, prefix sub_.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Repeating the call with this key retries once and returns the first sale."
    )


@strawberry.input(description="The account's dunning policy; omitted fields stay.")
class UpdateDunningPolicyInput:
    retry_days: list[int] | None = strawberry.field(
        default=None,
        description="Days after an installment's first decline to retry it, increasing, 1 to 60, at most 10.",
    )
    final_action: DunningFinalAction | None = strawberry.field(
        default=None, description="What happens once the retries are spent."
    )
    try_other_cards: bool | None = strawberry.field(
        default=None, description="Before giving up, try the customer's other active cards."
    )
    email_card_link: bool | None = strawberry.field(
        default=None, description="After each decline, email the customer a link to put a new card on file."
    )
