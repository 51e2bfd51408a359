"""Pausing, resuming, cancelling and changing open orders; paying a plan off; the dunning policy."""

from __future__ import annotations

import strawberry

from paydesk.accounts import service as accounts
from paydesk.auth.roles import Role
from paydesk.billing import changes, retry
from paydesk.graphql.accounts.payloads import AccountPayload
from paydesk.graphql.accounts.types import Account
from paydesk.graphql.context import Info
from paydesk.graphql.permissions import mutation
from paydesk.graphql.sales.mutations import services
from paydesk.graphql.subscriptions.inputs import (
    CancelSubscriptionInput,
    PauseSubscriptionInput,
    PayRemainingBalanceInput,
    ResumeSubscriptionInput,
    RetryInstallmentInput,
    UpdateDunningPolicyInput,
    UpdateSubscriptionInput,
)
from paydesk.graphql.subscriptions.payloads import RetryInstallmentPayload, SubscriptionPayload
from paydesk.graphql.subscriptions.types import Subscription
from paydesk.subscriptions import service as orders


@strawberry.type
class SubscriptionMutations:
    @mutation(
        role=Role.REP,
        description=(
            "Pause an ACTIVE or PAST_DUE order: nothing is charged while paused. It resumes on resumeOn, or "
            "by hand; the next charge is then the later of the old next charge date and the resume day, and "
            "a payment plan's remaining installments shift rather than being skipped."
        ),
    )
    async def pause_subscription(self, info: Info, input: PauseSubscriptionInput) -> SubscriptionPayload:
        sub = await orders.pause(
            info.context.db,
            info.context.caller,
            input.subscription_id,
            input.resume_on,
            now=info.context.clock(),
        )
        return SubscriptionPayload(subscription=Subscription.from_model(sub))

    @mutation(
        role=Role.REP, description="Resume a paused order now (see pauseSubscription for the next charge)."
    )
    async def resume_subscription(self, info: Info, input: ResumeSubscriptionInput) -> SubscriptionPayload:
        sub = await orders.resume(
            info.context.db, info.context.caller, input.subscription_id, now=info.context.clock()
        )
        return SubscriptionPayload(subscription=Subscription.from_model(sub))

    @mutation(
        role=Role.ADMIN,
        description=(
            "Cancel an order now, or with atPeriodEnd at the end of the period already paid for: it stays "
            "ACTIVE with cancelAt set, then becomes CANCELLED on that day with no further charge."
        ),
    )
    async def cancel_subscription(self, info: Info, input: CancelSubscriptionInput) -> SubscriptionPayload:
        sub = await orders.cancel(
            info.context.db,
            info.context.caller,
            input.subscription_id,
            at_period_end=input.at_period_end,
            now=info.context.clock(),
        )
        return SubscriptionPayload(subscription=Subscription.from_model(sub))

    @mutation(
        role=Role.REP,
        description=(
            "Change an order's quantity or unit price (ADMIN; with prorate, the rest of the current period "
            "is credited at the old price and charged at the new), its next charge date or its card (REP)."
        ),
    )
    async def update_subscription(self, info: Info, input: UpdateSubscriptionInput) -> SubscriptionPayload:
        request = changes.Update(
            subscription_id=input.subscription_id,
            quantity=input.quantity,
            unit_price=input.unit_price,
            next_charge_date=input.next_charge_date,
            payment_method_id=input.payment_method_id,
            prorate=input.prorate,
            idempotency_key=input.idempotency_key,
        )
        sub = await changes.update_subscription(
            info.context.db, services(info), info.context.caller, request, now=info.context.clock()
        )
        return SubscriptionPayload(subscription=Subscription.from_model(sub))

    @mutation(
        role=Role.REP,
        description="Charge every installment a payment plan has left, in one sale, and complete the plan.",
    )
    async def pay_remaining_balance(self, info: Info, input: PayRemainingBalanceInput) -> SubscriptionPayload:
        sub = await changes.pay_remaining_balance(
            info.context.db,
            services(info),
            info.context.caller,
            input.subscription_id,
            input.idempotency_key,
            now=info.context.clock(),
        )
        return SubscriptionPayload(subscription=Subscription.from_model(sub))

    @mutation(
        role=Role.REP,
        description=(
            "Charge now the installment an order is retrying after a decline, or that left it PAST_DUE, "
            "through the billing runner's own path: the runner and a retry can never both charge it (a retry "
            "while a worker holds the order is INVALID_STATE). A decline counts as one more dunning attempt."
        ),
    )
    async def retry_installment(self, info: Info, input: RetryInstallmentInput) -> RetryInstallmentPayload:
        from paydesk.graphql.sales.types import Transaction

        sale = await retry.retry_installment(
            info.context.db, services(info), info.context.caller, input.subscription_id, input.idempotency_key
        )
        sub = await orders.get(info.context.db, info.context.caller.account_id, input.subscription_id)
        if sub is not None:
            await info.context.db.refresh(sub)  # the runner moved it on in its own transactions
        return RetryInstallmentPayload(
            subscription=Subscription.from_model(sub) if sub else None,
            transaction=Transaction.from_model(sale),
        )

    @mutation(
        role=Role.ADMIN, description="Change how declined installments are retried and what happens after."
    )
    async def update_dunning_policy(self, info: Info, input: UpdateDunningPolicyInput) -> AccountPayload:
        account = await accounts.update_dunning_policy(
            info.context.db,
            info.context.caller.account_id,
            retry_days=input.retry_days,
            final_action=input.final_action.name if input.final_action else None,
            try_other_cards=input.try_other_cards,
            email_card_link=input.email_card_link,
        )
        return AccountPayload(account=Account.from_model(account))
