"""The billing runner: charges due installments once each, runs dunning, resumes and ends orders on their day.

Work is claimed with leases. A pass claims a batch of due orders (``due_at``
passed, no live lease) by writing its worker id and a lease expiry on them,
in one short transaction that selects ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (so concurrent workers take disjoint batches) and runs as an
immediate write transaction on SQLite. Each order is then billed under its
row lock, and only while the lease is still the worker's. A crashed
worker's claims are taken over when their lease runs out; a sale it had
started is found by its installment key and charged again with the same
gateway key, so no installment is ever charged twice.

``paydesk serve`` runs a runner in-process (``--no-jobs`` turns it off),
``paydesk worker`` runs one alone, ``paydesk worker --once`` runs one pass.
The clock is injectable, so tests can move time.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.billing import batches, charges, dunning, reminders
from paydesk.billing.schedule import BillingUnit, charge_date, start_of_day, today_in
from paydesk.card_links import service as card_links
from paydesk.clock import utcnow
from paydesk.customers import repository as customers
from paydesk.email_templates import service as email_templates
from paydesk.email_templates.kinds import Kind
from paydesk.errors import DomainError
from paydesk.events import data
from paydesk.events.record import cause_of, record_event
from paydesk.logs import get_logger
from paydesk.models import (
    Account,
    Event,
    Invoice,
    PaymentMethod,
    Subscription,
    Transaction,
    TransactionEvent,
    TransactionLine,
)
from paydesk.money import Money
from paydesk.one_of import one_of
from paydesk.outbox.emails import queue_email
from paydesk.payment_methods import service as payment_methods
from paydesk.rows import table_of
from paydesk.statistics import FIRST_REFRESH, GrownTables
from paydesk.subscriptions import service as orders
from paydesk.subscriptions.service import Status
from paydesk.transactions import repository as sales
from paydesk.transactions.rules import Status as SaleStatus
from paydesk.transactions.service import Answer, Services, add_event, settle_many
from paydesk.unit_of_work import bind, discard_phase, end_phase, unit_of_work
from paydesk.validation import normalize_email

log = get_logger("paydesk.billing")

# A sale whose gateway gave no answer is asked again this much later (same key).
UNKNOWN_RETRY = timedelta(minutes=10)
# The outbox purpose of the email after a declined installment (OutgoingEmail.purpose).
DUNNING_NOTICE = "dunning_notice"
BILLABLE = (Status.ACTIVE, Status.PAST_DUE, Status.PAUSED)


@dataclass
class PassResult:
    """What one pass did."""

    charged: int = 0
    declined: int = 0
    unknown: int = 0
    other: int = 0
    claimed: int = 0

    def add(self, outcome: str) -> None:
        if outcome == SaleStatus.PAID:
            self.charged += 1
        elif outcome in (SaleStatus.DECLINED, SaleStatus.FAILED):
            self.declined += 1
        elif outcome == SaleStatus.PENDING:
            self.unknown += 1
        else:
            self.other += 1


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Batch:
    """What one claim took: how many orders, the plain installments started, and the other orders."""

    claimed: int
    started: list[batches.Started]
    others: list[str]


# What a pass grows, and reads back by lists of ids while it does.
GROWN_TABLES: tuple[str, ...] = tuple(
    table_of(model).name
    for model in (Transaction, TransactionLine, TransactionEvent, Invoice, Event, Subscription)
)


@dataclass
class Runner:
    services: Services
    clock: Callable[[], datetime] = utcnow
    worker_id: str = field(default_factory=default_worker_id)
    batch: int = 100
    lease: timedelta = timedelta(minutes=5)
    # Gateway calls in flight at once (PAYDESK_WORKER_CONCURRENCY); each gateway bounds its own too.
    concurrency: int = 32
    # Batches worked on at once: one's database work overlaps the other's gateway calls.
    lanes: int = 2
    # Orders billed the one-order way at once (each holds a connection through its gateway call).
    one_by_one: int = 4
    # On PostgreSQL a pass refreshes the planner's statistics of the tables it grows once it has started
    # this many installments, and again at each doubling (paydesk.statistics).
    analyze_after: int = FIRST_REFRESH

    async def run_once(self) -> PassResult:
        """Claim and bill until nothing is due; what was done."""
        result = PassResult()
        in_flight = asyncio.Semaphore(self.concurrency)
        one_by_one = asyncio.Semaphore(self.one_by_one)

        async def alone(sub_id: str) -> None:
            async with one_by_one:
                result.add(await self.bill(sub_id))

        grown = GrownTables(self.services.sessions, GROWN_TABLES, self.analyze_after)

        async def lane() -> None:
            while (taken := await self.start_batch()) is not None:
                result.claimed += taken.claimed
                for outcome in await self.finish_batch(taken, in_flight):
                    result.add(outcome)
                await asyncio.gather(*(alone(sub_id) for sub_id in taken.others))
                await grown.wrote(len(taken.started))

        await asyncio.gather(*(lane() for _ in range(self.lanes)))
        return result

    async def claim(self) -> list[str]:
        """Lease a batch of due orders to this worker; their ids."""
        async with unit_of_work(self.services.sessions, "claimed") as db:
            return await self._claim(db, self.clock())

    async def _claim(self, db: AsyncSession, now: datetime) -> list[str]:
        query = (
            select(Subscription.id)
            .where(
                col(Subscription.status).in_(BILLABLE),
                col(Subscription.due_at) <= now,
                or_(col(Subscription.lease_until).is_(None), col(Subscription.lease_until) < now),
            )
            .order_by(col(Subscription.due_at))
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        )
        ids = list(await db.exec(query))
        if ids:
            await db.exec(
                update(Subscription)
                .where(one_of(col(Subscription.id), ids))
                .values(lease_owner=self.worker_id, lease_until=now + self.lease)
            )
        return ids

    async def start_batch(self) -> Batch | None:
        """Claim a batch and start its plain installments, in one transaction (committed before any
        gateway call); None when nothing is due."""
        now = self.clock()
        async with unit_of_work(self.services.sessions, "started") as db:
            ids = await self._claim(db, now)
            if not ids:
                return None
            subs = list(await db.exec(select(Subscription).where(one_of(col(Subscription.id), ids))))
            accounts = await _accounts_of(db, subs)
            started, others = await batches.start_plain(db, subs, accounts, now)
        return Batch(len(ids), started, others)

    async def finish_batch(self, taken: Batch, in_flight: asyncio.Semaphore) -> list[str]:
        """Charge the batch's started installments and settle them together; their outcomes. If the
        settling fails, each is billed the one-order way instead (asking its gateway again, same key)."""
        if not taken.started:
            return []
        answers = await batches.charge_all(self.services, taken.started, in_flight)
        answered = [item for item in taken.started if item.sub_id in answers]
        if not answered:
            return ["error"] * len(taken.started)
        async with self.services.sessions() as db:
            bind(db)
            try:
                outcomes = await self._settle_batch(db, answered, answers)
            except Exception:
                await discard_phase(db)
                log.exception("billing.batch_settle_failed", orders=len(answered))
                outcomes = None
        if outcomes is None:
            outcomes = [await self.bill(item.sub_id) for item in answered]
        return outcomes + ["error"] * (len(taken.started) - len(answered))

    async def _settle_batch(
        self, db: AsyncSession, answered: list[batches.Started], answers: dict[str, Answer]
    ) -> list[str]:
        now = self.clock()
        locked = await db.exec(
            select(Subscription)
            .where(one_of(col(Subscription.id), [item.sub_id for item in answered]))
            .order_by(col(Subscription.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        subs = {sub.id: sub for sub in locked}
        accounts = await _accounts_of(db, list(subs.values()))
        sales = await settle_many(db, self.services, [answers[item.sub_id] for item in answered])
        for item, sale in zip(answered, sales, strict=True):
            sub = subs.get(item.sub_id)
            if sub is None or sub.lease_owner != self.worker_id or sub.status not in BILLABLE:
                # Our lease ran out meanwhile: the outcome is kept, and whoever bills the order next
                # applies it (a paid installment is never charged again).
                continue
            await self._after(db, sub, accounts[sub.account_id], sale, now, credit_used=0)
            sub.lease_owner, sub.lease_until, sub.updated_at = None, None, utcnow()
            db.add(sub)
        await end_phase(db, "settled")
        return [sale.status for sale in sales]

    async def bill(self, sub_id: str) -> str:
        """Do what the order needs now; the sale's status, or what happened instead."""
        async with self.services.sessions() as db:
            # Each order is its own unit of work, committed in phases (PENDING sale, outcome, release).
            bind(db)
            try:
                return await self._bill(db, sub_id)
            except Exception:
                await discard_phase(db)
                log.exception("billing.order_failed", subscription_id=sub_id)
                return "error"

    async def _bill(self, db: AsyncSession, sub_id: str) -> str:
        now = self.clock()
        sub = await self._mine(db, sub_id)
        if sub is None:
            await end_phase(db, "lost")
            return "lost"
        account = await db.get(Account, sub.account_id)
        assert account is not None
        today = today_in(account.timezone, now)
        # First what an earlier pass left: a sale sent without an answer, or paid without the order knowing.
        sale = await charges.pending_sale_of(db, sub)
        if sale is None and (paid := await charges.unapplied_paid_sale(db, sub)) is not None:
            await self._after(db, sub, account, paid, now)
            return await self._release(db, sub, paid.status)
        if sale is not None:
            return await self._send_and_apply(db, sub_id, account, sale, now)
        if sub.status == Status.PAUSED:
            if sub.resume_on is None or sub.resume_on > today:
                sub.due_at = None if sub.resume_on is None else sub.due_at
                return await self._release(db, sub, "paused")
            await orders.resume_order(db, sub, now=now)
            if sub.due_at is None or sub.due_at > now:
                return await self._release(db, sub, "resumed")
            # Resumed on its charge day: charged in this pass.
        if sub.cancel_at is not None and sub.cancel_at <= today:
            orders.end_now(sub, now)
            orders.record(db, sub, "cancelled", None)
            return await self._release(db, sub, "cancelled")
        sale = await self._start_installment(db, sub, account, now)
        return await self._send_and_apply(db, sub_id, account, sale, now)

    async def _send_and_apply(
        self, db: AsyncSession, sub_id: str, account: Account, sale: Transaction, now: datetime
    ) -> str:
        sale = await charges.send(db, self.services, sale)
        sub = await self._mine(db, sub_id)
        if sub is None:
            # Our lease ran out meanwhile: the sale's outcome is kept, and whoever bills the order
            # next applies it (a paid installment is never charged again).
            await end_phase(db, "outcome kept")
            return sale.status
        await self._after(db, sub, account, sale, now)
        return await self._release(db, sub, sale.status)

    async def _mine(self, db: AsyncSession, sub_id: str) -> Subscription | None:
        """The order, locked, while this worker's lease on it holds."""
        sub = await db.get(Subscription, sub_id, with_for_update=True, populate_existing=True)
        if sub is None or sub.lease_owner != self.worker_id or sub.status not in BILLABLE:
            return None
        return sub

    async def _release(self, db: AsyncSession, sub: Subscription, outcome: str) -> str:
        sub.lease_owner, sub.lease_until, sub.updated_at = None, None, utcnow()
        db.add(sub)
        await end_phase(db, "released")
        return outcome

    async def _start_installment(
        self, db: AsyncSession, sub: Subscription, account: Account, now: datetime
    ) -> Transaction:
        n = sub.periods_billed
        attempt = await charges.attempts_made(db, sub, n)
        method = await charges.usable_card(db, sub)
        if method is None and sub.dunning_attempts > 0 and policy_of(account).try_other_cards:
            method = await self._other_card(db, sub, tried=set())
        sale = await charges.start(
            db,
            sub,
            batches.order_lines(sub),
            method,
            installment_key=f"{sub.id}:{n}:{attempt}",
            when=now,
            event="installment_started",
            note=batches.installment_note(sub, attempt),
        )
        return sale

    async def _after(
        self,
        db: AsyncSession,
        sub: Subscription,
        account: Account,
        sale: Transaction,
        now: datetime,
        *,
        credit_used: int | None = None,
    ) -> None:
        """Move the order on after its installment's answer (``credit_used``: the credit its sale took,
        when the caller knows it; else read from the sale's lines)."""
        if sale.installment_key is not None and ":balance:" in sale.installment_key:
            await finish_balance(db, sub, account, sale, now, self.services.secret)
            return
        if sale.status == SaleStatus.PAID:
            if credit_used is None:
                credit_used = -sum(line for line in await _credit_lines(db, sale))
            sub.credit = max(sub.credit - credit_used, 0)
            sub.periods_billed += 1
            orders.clear_dunning(sub)
            if sub.status == Status.PAUSED:
                # Paused by staff while the gateway worked: the pause stands, the next charge waits for it.
                sub.next_charge_date = orders.installment_date(sub, sub.periods_billed)
                sub.due_at = start_of_day(sub.resume_on, account.timezone) if sub.resume_on else None
                return
            sub.status = Status.ACTIVE
            orders.schedule(sub, account.timezone)
            orders.record(db, sub, "renewed", None)
            if sub.status == Status.COMPLETED:
                orders.record(db, sub, "completed", None)
                await reminders.queue_plan_completed(db, self.services.secret, account, sub)
                return
            today = today_in(account.timezone, now)
            if sub.next_charge_date is not None and sub.next_charge_date <= today:
                # Far behind (past due for periods, or the runner was down): charged once, the schedule
                # starts again from today rather than charging every missed period in a row.
                orders.reanchor(sub, charge_date(today, BillingUnit(sub.unit), 1))
                orders.schedule(sub, account.timezone)
                add_event(db, sale.id, "schedule_restarted", note=f"Next charge on {sub.next_charge_date}.")
            return
        if sale.status == SaleStatus.PENDING:
            sub.due_at = now + UNKNOWN_RETRY
            return
        if sub.status == Status.PAUSED:
            # The installment is tried again when the order resumes.
            sub.due_at = start_of_day(sub.resume_on, account.timezone) if sub.resume_on else None
            return
        await self._dunning(db, sub, account, sale, now)

    async def _dunning(
        self, db: AsyncSession, sub: Subscription, account: Account, sale: Transaction, now: datetime
    ) -> None:
        policy = policy_of(account)
        today = today_in(account.timezone, now)
        sub.dunning_attempts += 1
        sub.dunning_since = sub.dunning_since or today
        decision = dunning.after_decline(policy, sub.dunning_attempts, sub.dunning_since, sale.decline_code)
        if policy.email_card_link:
            next_try = decision.on if isinstance(decision, dunning.Retry) else None
            await self._ask_for_card(db, sub, account, sale, next_try)
        if isinstance(decision, dunning.Retry):
            sub.due_at = start_of_day(decision.on, account.timezone)
            add_event(db, sale.id, "retry_scheduled", note=f"Retry on {decision.on.isoformat()}.")
            return
        if policy.try_other_cards:
            tried = {m for m in await _cards_tried(db, sub)}
            other = await self._other_card(db, sub, tried=tried)
            if other is not None:
                sub.payment_method_id = other.id
                sub.due_at = now  # at once, with the next card
                add_event(db, sale.id, "retry_scheduled", note=f"Trying the card ending {other.last4}.")
                return
        await give_up(db, sub, account, sale, decision.action, now)

    async def _other_card(
        self, db: AsyncSession, sub: Subscription, *, tried: set[str]
    ) -> PaymentMethod | None:
        cards = await payment_methods.payment_methods_of(
            db, Principal(sub.account_id, Role.ADMIN), [sub.customer_id], include_removed=False
        )
        for card in cards:
            active = payment_methods.status_of(card) == payment_methods.Status.ACTIVE
            if active and card.id not in tried and card.id != sub.payment_method_id:
                return card
        return None

    async def _ask_for_card(
        self, db: AsyncSession, sub: Subscription, account: Account, sale: Transaction, next_try: date | None
    ) -> None:
        """Send the dunning notice: the decline, the next try, and a fresh link to put a new card on
        file (it takes over the customer's open orders); queued in the outbox with the change."""
        customer = await customers.get(db, account.id, sub.customer_id)
        address = normalize_email(customer.email or "") if customer is not None else None
        if customer is None or address is None:
            log.info("billing.dunning_notice_skipped", subscription_id=sub.id, reason="no email address")
            return
        try:
            async with db.begin_nested():
                made = await card_links.create_link(
                    db,
                    Principal(account.id, Role.ADMIN),
                    self.services.secret,
                    self.services.public_url,
                    customer_id=sub.customer_id,
                    expires_at=None,
                    takes_over_open_orders=True,
                )
        except DomainError as error:
            log.warning("billing.card_request_failed", subscription_id=sub.id, error=str(error))
            return
        values = {
            "merchant_name": account.name,
            "customer_name": (customer.first_name or "").strip() or None,
            "description": sub.description,
            "amount": Money(sale.total, sale.currency).format(account.locale),
            "next_try": next_try,
            "url": made.url,
            "expires_at": made.link.expires_at,
        }
        email = await email_templates.compose(db, account.id, Kind.DUNNING_NOTICE, values, to=address)
        queue_email(
            db,
            self.services.secret,
            email,
            account_id=account.id,
            purpose=DUNNING_NOTICE,
            customer_id=customer.id,
            subject_id=made.link.id,
        )


async def give_up(
    db: AsyncSession, sub: Subscription, account: Account, sale: Transaction, action: str, now: datetime
) -> None:
    """The policy's final action once retries are spent (or the decline was hard)."""
    if action == dunning.FinalAction.CANCEL:
        orders.end_now(sub, now)
        add_event(db, sale.id, "dunning_ended", note="Retries spent: the order was cancelled.")
        orders.record(db, sub, "cancelled", None)
    elif action == dunning.FinalAction.WRITE_OFF:
        sale.status, sale.updated_at = SaleStatus.WRITTEN_OFF, utcnow()
        db.add(sale)
        add_event(
            db, sale.id, "written_off", amount=sale.total, note="Retries spent: written off by dunning."
        )
        written_off = data.transaction(sale, await sales.lines_of(db, [sale.id]))
        record_event(db, sale.account_id, "transaction.written_off", written_off, actor=None)
        sub.periods_billed += 1
        orders.clear_dunning(sub)
        sub.status = Status.ACTIVE
        orders.schedule(sub, account.timezone)
    else:
        sub.status, sub.due_at = Status.PAST_DUE, None
        add_event(db, sale.id, "dunning_ended", note="Retries spent: the order is past due.")
        orders.record(db, sub, "past_due", None)


async def finish_balance(
    db: AsyncSession, sub: Subscription, account: Account, sale: Transaction, now: datetime, secret: bytes
) -> None:
    """A plan's pay-off sale got its answer: PAID completes the plan (and queues the plan-completed
    note when the account sends it); no answer is asked again later (same key); a decline leaves the
    plan going on as it was."""
    if sale.status == SaleStatus.PAID:
        sub.periods_billed += orders.installments_left(sub) or 0
        sub.credit = 0
        orders.clear_dunning(sub)
        sub.status, sub.next_charge_date, sub.due_at = Status.COMPLETED, None, None
        add_event(db, sale.id, "plan_paid_off", amount=sale.total)
        orders.record(db, sub, "completed", cause_of(sale))
        await reminders.queue_plan_completed(db, secret, account, sub)
    elif sale.status == SaleStatus.PENDING:
        sub.due_at = now + UNKNOWN_RETRY
    elif sub.status == Status.ACTIVE and sub.dunning_attempts == 0:
        orders.schedule(sub, account.timezone)
    db.add(sub)


def policy_of(account: Account) -> dunning.Policy:
    return dunning.Policy(
        retry_days=dunning.parse_retry_days(account.dunning_retry_days),
        final_action=dunning.FinalAction(account.dunning_final_action),
        try_other_cards=account.dunning_try_other_cards,
        email_card_link=account.dunning_email_card_link,
    )


async def _accounts_of(db: AsyncSession, subs: Sequence[Subscription]) -> dict[str, Account]:
    query = select(Account).where(col(Account.id).in_(sorted({sub.account_id for sub in subs})))
    return {account.id: account for account in await db.exec(query)}


async def _credit_lines(db: AsyncSession, sale: Transaction) -> list[int]:
    return [line.total for line in await sales.lines_of(db, [sale.id]) if line.total < 0]


async def _cards_tried(db: AsyncSession, sub: Subscription) -> list[str]:
    """Cards already charged for the installment now in dunning."""
    prefix = f"{sub.id}:{sub.periods_billed}:"
    query = select(Transaction.payment_method_id).where(
        Transaction.subscription_id == sub.id,
        col(Transaction.installment_key).startswith(prefix, autoescape=True),
    )
    return [m for m in await db.exec(query) if m is not None]
