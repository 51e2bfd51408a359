"""Transactions (sales), their lines, events and refunds."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from paydesk.auth.roles import Role, allows
from paydesk.clock import utcnow
from paydesk.graphql.accounts.types import User
from paydesk.graphql.catalog.types import BillingUnit, LineKind, Product, product_of
from paydesk.graphql.context import Info
from paydesk.graphql.loaders import load_into, loaded
from paydesk.graphql.money import Money
from paydesk.graphql.node import Node
from paydesk.graphql.pagination import PageInfo, edges_and_info
from paydesk.graphql.payments.types import Gateway, GatewayResultCode, PaymentMethod
from paydesk.graphql.referrals.types import Commission, commission_of
from paydesk.graphql.sales.outside import PaidWith, RefundReason, stored
from paydesk.graphql.selection import selects
from paydesk.models import Refund as RefundModel
from paydesk.models import Transaction as TransactionModel
from paydesk.models import TransactionEvent as EventModel
from paydesk.models import TransactionLine as LineModel
from paydesk.money import Money as DomainMoney
from paydesk.pagination import Page
from paydesk.subscriptions.plans import plan_payment_number
from paydesk.transactions.orders import Order
from paydesk.transactions.queries import SaleOrder
from paydesk.transactions.records import LineRecord, RefundRecord, SaleRecord
from paydesk.transactions.repository import COUNTED
from paydesk.transactions.rules import Action, Facts, refund_limit_problem, refused, role_refusal
from paydesk.transactions.state import facts_from, void_window_of

if TYPE_CHECKING:
    from paydesk.graphql.customers.types import Customer
    from paydesk.graphql.invoices.types import Invoice


@strawberry.enum(description="Where a sale stands.")
class TransactionStatus(Enum):
    PAID = strawberry.enum_value("PAID", description="Paid in full.")
    DECLINED = strawberry.enum_value("DECLINED", description="The issuer refused the card.")
    FAILED = strawberry.enum_value(
        "FAILED",
        description="The gateway refused or failed, not the issuer (result codes 2 to 6); no money moved.",
    )
    PENDING = strawberry.enum_value(
        "PENDING", description="Outcome not known yet (e.g. a timeout); settled by reconciliation."
    )
    REFUNDED = strawberry.enum_value("REFUNDED", description="Paid, then refunded in full.")
    PARTIALLY_REFUNDED = strawberry.enum_value(
        "PARTIALLY_REFUNDED", description="Paid, then refunded in part."
    )
    VOIDED = strawberry.enum_value("VOIDED", description="Cancelled before it settled.")
    WRITTEN_OFF = strawberry.enum_value("WRITTEN_OFF", description="Will not be collected.")


@strawberry.enum(description="How the money of a sale moved.")
class TransactionOrigin(Enum):
    CHARGED = strawberry.enum_value("CHARGED", description="Charged through a gateway by this system.")
    LOGGED = strawberry.enum_value(
        "LOGGED", description="Recorded here, paid elsewhere (trade show, other payment system)."
    )


@strawberry.enum(description="How a list of transactions is sorted: newest first, ties broken by id.")
class TransactionOrder(Enum):
    CREATED_AT = strawberry.enum_value(
        "CREATED_AT",
        description="By createdAt, when paydesk recorded the sale: the default, and the order to sync from.",
    )
    TRANSACTION_DATE = strawberry.enum_value(
        "TRANSACTION_DATE",
        description=(
            "By transactionDate, when the sale was made (a logged sale may be dated in the past): "
            "the order people read a history in. Its cursors work only with this order."
        ),
    )

    @property
    def domain(self) -> SaleOrder:
        return SaleOrder[self.name]


ORDER_BY_DESCRIPTION = (
    "How to sort, newest first: CREATED_AT (the default; also for null) or TRANSACTION_DATE."
)


@strawberry.enum(description="Whether a refund went through.")
class RefundStatus(Enum):
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="The money went back.")
    PENDING = strawberry.enum_value("PENDING", description="Sent; the gateway has not confirmed it yet.")
    FAILED = strawberry.enum_value("FAILED", description="The gateway refused it; no money went back.")


@strawberry.type(description="Money given back from a sale.")
class Refund(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix re_.")
    amount: Money = strawberry.field(description="How much went back.")
    status: RefundStatus = strawberry.field(description="Whether it went through.")
    reason: str | None = strawberry.field(description="Why, in staff's words.")
    external_id: str | None = strawberry.field(description="The gateway's own id for the refund.")
    created_at: datetime = strawberry.field(description="When it was made.")
    through_gateway: bool = strawberry.field(
        description=(
            "Sent through the sale's gateway; false when the sale was paid elsewhere or marked paid, "
            "so the refund was only recorded."
        )
    )
    failure_message: str | None = strawberry.field(description="For FAILED: the gateway's reason.")
    reason_code: RefundReason | None = strawberry.field(
        description="Why, as a code; null when staff gave none (refunds made before codes existed too)."
    )
    _record: strawberry.Private[RefundModel | RefundRecord]

    @strawberry.field(description="The sale it gives money back from.")
    async def transaction(self, info: Info) -> Transaction:
        found = await info.context.loaders.transaction.load(self._record.transaction_id)
        assert found is not None, "a refund's sale exists"
        return Transaction.from_model(found)

    @strawberry.field(description="The staff member who made it; null for API keys.")
    async def created_by(self, info: Info) -> User | None:
        if self._record.created_by_user_id is None:
            return None
        user = await info.context.loaders.user.load(self._record.created_by_user_id)
        return User.from_model(user) if user else None

    @classmethod
    def from_model(cls, m: RefundModel | RefundRecord) -> Refund:
        return cls(
            id=strawberry.ID(m.id),
            amount=Money.minor(m.amount, m.currency),
            status=RefundStatus[m.status],
            reason=m.reason,
            external_id=m.external_id,
            created_at=m.created_at,
            through_gateway=m.through_gateway,
            failure_message=m.failure_message,
            reason_code=stored(RefundReason, m.reason_code),
            _record=m,
        )


@strawberry.enum(description="What staff can do to a sale after the fact.")
class TransactionActionKind(Enum):
    REFUND = strawberry.enum_value("REFUND", description="refundTransaction: give back all or part.")
    VOID = strawberry.enum_value("VOID", description="voidTransaction: cancel before it settles.")
    WRITE_OFF = strawberry.enum_value("WRITE_OFF", description="writeOffTransaction: stop collecting.")
    MARK_PAID = strawberry.enum_value("MARK_PAID", description="markTransactionPaid: paid outside paydesk.")
    RESEND_INVOICE = strawberry.enum_value("RESEND_INVOICE", description="resendInvoice: email it again.")
    RERUN_COMMISSION = strawberry.enum_value(
        "RERUN_COMMISSION", description="rerunCommission: compute the referral commission again."
    )


@strawberry.type(description="One action on a sale: whether the caller may run it now, and why not.")
class TransactionAction:
    action: TransactionActionKind = strawberry.field(description="Which action.")
    allowed: bool = strawberry.field(description="The sale's state and the caller's role both allow it now.")
    reason: str | None = strawberry.field(
        description="Why not, when not allowed: the sale's state (e.g. settled) or the caller's role."
    )
    max_amount: Money | None = strawberry.field(
        description="For an allowed REFUND: the most that may be refunded now (the REP limit included)."
    )


@strawberry.type(description="One line of a sale.")
class TransactionLine:
    description: str = strawberry.field(description="What was sold.")
    quantity: int = strawberry.field(description="How many units.")
    unit_price: Money = strawberry.field(
        description="One unit's price (for a PAYMENT_PLAN line: each installment)."
    )
    discount: Money = strawberry.field(description="This line's share of the discount.")
    total: Money = strawberry.field(description="What this line charged now, after its discount.")
    kind: LineKind = strawberry.field(description="SINGLE, SUBSCRIPTION or PAYMENT_PLAN.")
    unit: BillingUnit | None = strawberry.field(description="How often a recurring line recurs.")
    payment_count: int | None = strawberry.field(description="Payments of a PAYMENT_PLAN line.")
    payment_number: int | None = strawberry.field(
        description=(
            "For a PAYMENT_PLAN line: which of its paymentCount payments this sale charged (1 on the sale "
            "that opened the plan, whose total may be the firstPayment); null for other lines and for "
            "paying a plan's balance off."
        )
    )
    product_id: strawberry.Private[str | None]

    @strawberry.field(description="The product sold; null for a free-text line.")
    async def product(self, info: Info) -> Product | None:
        return await product_of(info, self.product_id)

    @classmethod
    def from_model(
        cls, m: LineModel | LineRecord, currency: str, installment_key: str | None = None
    ) -> TransactionLine:
        return cls(
            payment_number=plan_payment_number(installment_key) if m.kind == "PAYMENT_PLAN" else None,
            description=m.description,
            quantity=m.quantity,
            unit_price=Money.minor(m.unit_price, currency),
            discount=Money.minor(m.discount, currency),
            total=Money.minor(m.total, currency),
            kind=LineKind[m.kind],
            unit=BillingUnit[m.unit] if m.unit else None,
            payment_count=m.payment_count,
            product_id=m.product_id,
        )


@strawberry.type(description="Something that happened to a sale: who, when, what, how much.")
class TransactionEvent:
    kind: str = strawberry.field(
        description="What happened, e.g. logged, charge_started, paid, declined, invoice_issued."
    )
    amount: Money | None = strawberry.field(description="The amount involved, if any.")
    note: str | None = strawberry.field(description="Detail, e.g. a decline code or an invoice number.")
    created_at: datetime = strawberry.field(description="When it happened.")
    actor_api_key: str | None = strawberry.field(
        description="The appId of the API key that did it; null when staff or paydesk's own jobs did."
    )
    actor_user_id: strawberry.Private[str | None]

    @strawberry.field(description="The staff member who did it; null for API keys and automation.")
    async def actor(self, info: Info) -> User | None:
        if self.actor_user_id is None:
            return None
        user = await info.context.loaders.user.load(self.actor_user_id)
        return User.from_model(user) if user else None

    @classmethod
    def from_model(cls, m: EventModel, currency: str) -> TransactionEvent:
        return cls(
            kind=m.kind,
            amount=Money.of(DomainMoney(m.amount, currency)) if m.amount is not None else None,
            note=m.note,
            created_at=m.created_at,
            actor_api_key=m.actor_api_key_id,
            actor_user_id=m.actor_user_id,
        )


@strawberry.type(description="A card network dispute (chargeback) on a charge, as Stripe reported it.")
class TransactionDispute:
    id: str = strawberry.field(description="Stripe's dispute id (dp_...).")
    amount: Money = strawberry.field(
        description="The amount disputed; while open or lost it cannot be refunded as well."
    )
    reason: str = strawberry.field(
        description="The cardholder's reason, e.g. fraudulent, product_not_received."
    )
    status: str = strawberry.field(
        description="Stripe's status: warning_needs_response, needs_response, under_review, won, lost, ..."
    )
    opened_at: datetime = strawberry.field(description="When paydesk first heard of it.")


@strawberry.type(description="One sale: charged through a gateway, or logged as paid elsewhere.")
class Transaction(Node):
    id: strawberry.ID = strawberry.field(description="Opaque id, prefix txn_.")
    status: TransactionStatus = strawberry.field(description="Where the sale stands.")
    origin: TransactionOrigin = strawberry.field(description="CHARGED here or LOGGED from elsewhere.")
    subtotal: Money = strawberry.field(description="The lines before discount.")
    discount: Money = strawberry.field(description="One-off discount and coupon together.")
    total: Money = strawberry.field(description="What was charged or paid.")
    transaction_date: datetime = strawberry.field(
        description="When the sale happened (may be in the past for a logged sale)."
    )
    created_at: datetime = strawberry.field(description="When this record was made.")
    updated_at: datetime = strawberry.field(description="Last change of status, amounts or refunds.")
    result_code: GatewayResultCode | None = strawberry.field(
        description="The gateway's outcome code; null for logged sales."
    )
    decline_code: str | None = strawberry.field(
        description="For DECLINED: the issuer's reason, e.g. generic_decline, insufficient_funds."
    )
    result_message: str | None = strawberry.field(
        description="The gateway's words on the outcome, or advice."
    )
    external_id: str | None = strawberry.field(description="The gateway's own id for the charge.")
    marked_paid_at: datetime | None = strawberry.field(
        description=(
            "When staff marked it paid outside paydesk; its refunds are then recorded, not sent, and "
            "resultCode, declineCode and resultMessage describe the failed attempt, not the payment."
        )
    )
    paid_with: PaidWith | None = strawberry.field(
        description="How a logged sale or one marked paid was paid outside paydesk; null when not said."
    )
    reference: str | None = strawberry.field(
        description="For a sale paid outside: the cheque number, transfer reference or other system's id."
    )
    note: str | None = strawberry.field(description="For a sale paid outside: staff's note on the payment.")
    _record: strawberry.Private[TransactionModel | SaleRecord]

    async def _refunded(self, info: Info) -> tuple[int, bool]:
        """Refunds that count (SUCCEEDED or PENDING), and whether any refund was made at all."""
        rows = await info.context.loaders.refunds.load(self._record.id)
        return sum(r.amount for r in rows if r.status in COUNTED), bool(rows)

    @strawberry.field(description="The dispute on this charge, when its card's bank opened one; else null.")
    def dispute(self) -> TransactionDispute | None:
        m = self._record
        if m.dispute_id is None or m.disputed_at is None:
            return None
        return TransactionDispute(
            id=m.dispute_id,
            amount=Money.of(DomainMoney(m.dispute_amount or 0, m.currency)),
            reason=m.dispute_reason or "general",
            status=m.dispute_status or "needs_response",
            opened_at=m.disputed_at,
        )

    @strawberry.field(description="Refunds that succeeded or are pending.")
    async def amount_refunded(self, info: Info) -> Money:
        refunded, _ = await self._refunded(info)
        return Money.of(DomainMoney(refunded, self._record.currency))

    @strawberry.field(
        description=(
            "What may still be refunded: the total less refunds that succeeded or are pending, less any "
            "amount under an open or lost dispute."
        )
    )
    async def refundable_amount(self, info: Info) -> Money:
        return Money.of(DomainMoney((await self._facts(info)).refundable, self._record.currency))

    async def _facts(self, info: Info) -> Facts:
        from paydesk.graphql.invoices.types import invoice_loaders

        sale = self._record
        refunded, any_refund = await self._refunded(info)
        gateway = await info.context.loaders.gateway.load(sale.gateway_id) if sale.gateway_id else None
        invoice = await invoice_loaders(info).by_transaction.load(sale.id)
        return facts_from(
            sale,
            refunded=refunded,
            has_refunds=any_refund,
            has_invoice=invoice is not None,
            void_window=void_window_of(info.context.gateways, gateway),
        )

    @strawberry.field(
        description=(
            "Every action on the sale, each saying whether the caller may run it now and, if not, why: "
            "the rules of the API in one place, so clients never guess them."
        )
    )
    async def available_actions(self, info: Info) -> list[TransactionAction]:
        facts = await self._facts(info)
        caller = info.context.caller
        account = await info.context.loaders.account.load(caller.account_id)
        assert account is not None, "the caller's account exists"
        now = utcnow()
        actions = []
        for action in Action:
            reason = refused(action, facts, now)
            max_amount = None
            if reason is None and action is Action.REFUND:
                reason = refund_limit_problem(
                    caller.role, account.rep_refund_limit, account.default_currency, 1, self._record.currency
                )
                if reason is None:
                    most = facts.refundable
                    if not allows(caller.role, Role.ADMIN) and account.rep_refund_limit is not None:
                        most = min(most, account.rep_refund_limit)
                    max_amount = Money.of(DomainMoney(most, self._record.currency))
            elif reason is None:
                reason = role_refusal(caller.role, action)
            actions.append(
                TransactionAction(
                    action=TransactionActionKind[action.value],
                    allowed=reason is None,
                    reason=reason,
                    max_amount=max_amount,
                )
            )
        return actions

    @strawberry.field(description="What the sale owes its customer's referring partner; null when none.")
    async def commission(self, info: Info) -> Commission | None:
        return await commission_of(info, self._record.id)

    @strawberry.field(description="Who paid.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("paydesk.graphql.customers.types")]:
        from paydesk.graphql.customers.types import Customer

        found = await info.context.loaders.customer.load(self._record.customer_id)
        assert found is not None, "a sale's customer exists"
        return Customer.from_model(found)

    @strawberry.field(description="What was sold, in order.")
    def lines(self, info: Info) -> list[TransactionLine]:
        # Synchronous when the page primed the loader (prime_page); else an awaitable graphql-core awaits.
        rows = loaded(info.context.loaders.transaction_lines, self._record.id)
        if rows is None:
            return self._lines_later(info)  # type: ignore[return-value]
        return self._lines_of(rows)

    async def _lines_later(self, info: Info) -> list[TransactionLine]:
        return self._lines_of(await info.context.loaders.transaction_lines.load(self._record.id))

    def _lines_of(self, rows: list[LineRecord]) -> list[TransactionLine]:
        sale = self._record
        return [TransactionLine.from_model(row, sale.currency, sale.installment_key) for row in rows]

    @strawberry.field(description="Everything that happened to the sale, oldest first.")
    async def events(self, info: Info) -> list[TransactionEvent]:
        rows = await info.context.loaders.transaction_events.load(self._record.id)
        return [TransactionEvent.from_model(row, self._record.currency) for row in rows]

    @strawberry.field(description="The gateway that charged it; null for logged sales.")
    async def gateway(self, info: Info) -> Gateway | None:
        if self._record.gateway_id is None:
            return None
        found = await info.context.loaders.gateway.load(self._record.gateway_id)
        return Gateway.from_model(found) if found else None

    @strawberry.field(description="The card charged; null for logged sales.")
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        if self._record.payment_method_id is None:
            return None
        found = await info.context.loaders.payment_method.load(self._record.payment_method_id)
        return PaymentMethod.from_model(found) if found else None

    @strawberry.field(description="The invoice of a paid sale.")
    async def invoice(
        self, info: Info
    ) -> Annotated[Invoice, strawberry.lazy("paydesk.graphql.invoices.types")] | None:
        from paydesk.graphql.invoices.queries import transaction_invoice

        return await transaction_invoice(info, self._record.id)

    @strawberry.field(description="Money given back, oldest first, FAILED ones included.")
    def refunds(self, info: Info) -> list[Refund]:
        # Synchronous when the page primed the loader (prime_page); else an awaitable graphql-core awaits.
        rows = loaded(info.context.loaders.refunds, self._record.id)
        if rows is None:
            return self._refunds_later(info)  # type: ignore[return-value]
        return [Refund.from_model(r) for r in rows]

    async def _refunds_later(self, info: Info) -> list[Refund]:
        return [Refund.from_model(r) for r in await info.context.loaders.refunds.load(self._record.id)]

    @strawberry.field(description="The voided sale this one replaces.")
    async def replaces_transaction(self, info: Info) -> Transaction | None:
        if self._record.replaces_transaction_id is None:
            return None
        found = await info.context.loaders.transaction.load(self._record.replaces_transaction_id)
        return Transaction.from_model(found) if found else None

    @classmethod
    def from_model(cls, m: TransactionModel | SaleRecord) -> Transaction:
        currency = m.currency
        return cls(
            id=strawberry.ID(m.id),
            status=TransactionStatus[m.status],
            origin=TransactionOrigin[m.origin],
            subtotal=Money.minor(m.subtotal, currency),
            discount=Money.minor(m.discount, currency),
            total=Money.minor(m.total, currency),
            transaction_date=m.transaction_date,
            created_at=m.created_at,
            updated_at=m.updated_at,
            result_code=GatewayResultCode[m.result_code] if m.result_code else None,
            decline_code=m.decline_code,
            result_message=m.result_message,
            external_id=m.external_id,
            marked_paid_at=m.marked_paid_at,
            paid_with=stored(PaidWith, m.paid_with),
            reference=m.reference,
            note=m.note,
            _record=m,
        )


async def prime_page(info: Info, page: Page[SaleRecord] | Page[TransactionModel]) -> None:
    """Load the lines and refunds of a page's sales, one batch each, when the connection's query asks for
    them: each sale's ``lines`` and ``refunds`` then resolve synchronously (the same statements as the
    loaders would send, without 2 awaits a sale)."""
    ids = [sale.id for sale in page.items]
    if not ids:
        return
    loaders = info.context.loaders
    if selects(info, "edges", "node", "lines"):
        await load_into(loaders.transaction_lines, ids)
    if selects(info, "edges", "node", "refunds"):
        await load_into(loaders.refunds, ids)


@strawberry.type(description="A sale and its cursor.")
class TransactionEdge:
    cursor: str = strawberry.field(description="Pass as after to get the sales that follow.")
    node: Transaction = strawberry.field(description="The sale.")


@strawberry.type(description="A page of sales.")
class TransactionConnection:
    edges: list[TransactionEdge] = strawberry.field(description="The sales of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="All sales that match, on every page.")

    @classmethod
    def from_page(
        cls, page: Page[SaleRecord], order: SaleOrder = SaleOrder.CREATED_AT
    ) -> TransactionConnection:
        edges, info = edges_and_info(
            page, Transaction.from_model, TransactionEdge, order.position, order.cursor_tag
        )
        return cls(edges=edges, page_info=info, total_count=page.total)


@strawberry.type(description="One line of a previewed sale, priced as chargeNow would price it.")
class SalePreviewLine:
    description: str = strawberry.field(description="What is sold: the line's text, else the product's name.")
    quantity: int = strawberry.field(description="How many units.")
    unit_price: Money = strawberry.field(
        description="One unit's price (for a PAYMENT_PLAN line: each installment)."
    )
    subtotal: Money = strawberry.field(
        description="What this line charges now before its discount: quantity x unitPrice, or a plan's "
        "firstPayment."
    )
    discount: Money = strawberry.field(description="This line's share of the discount.")
    total: Money = strawberry.field(description="What this line charges now, after its discount.")
    kind: LineKind = strawberry.field(description="SINGLE, SUBSCRIPTION or PAYMENT_PLAN.")
    unit: BillingUnit | None = strawberry.field(description="How often a recurring line recurs.")
    payment_count: int | None = strawberry.field(description="Payments of a PAYMENT_PLAN line.")
    first_payment: Money | None = strawberry.field(
        description="A PAYMENT_PLAN's whole first installment, when it differs from the others."
    )


@strawberry.type(description="What chargeNow would charge now for an order; nothing is charged or written.")
class SalePreview:
    currency: str = strawberry.field(description="The sale's currency, chosen as chargeNow chooses it.")
    subtotal: Money = strawberry.field(description="The lines before discount: what is due now.")
    discount: Money = strawberry.field(
        description="One-off discount and coupon together, capped at the subtotal."
    )
    coupon_discount: Money = strawberry.field(description="The coupon's part of the discount.")
    total: Money = strawberry.field(description="What chargeNow would charge now.")
    lines: list[SalePreviewLine] = strawberry.field(description="The lines in the order given.")
    coupon_code: str | None = strawberry.field(
        description="The applied coupon's code as saved; null without a coupon."
    )

    @classmethod
    def from_order(cls, order: Order) -> SalePreview:
        def money(minor: int) -> Money:
            return Money.of(DomainMoney(minor, order.currency))

        return cls(
            currency=order.currency,
            subtotal=money(order.totals.subtotal),
            discount=money(order.totals.discount),
            coupon_discount=money(order.coupon_amount),
            total=money(order.totals.total),
            lines=[
                SalePreviewLine(
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=money(line.unit_price),
                    subtotal=money(totals.line_subtotal),
                    discount=money(totals.line_discount),
                    total=money(totals.line_total),
                    kind=LineKind[line.kind.value],
                    unit=BillingUnit[line.unit.value] if line.unit else None,
                    payment_count=line.payment_count,
                    first_payment=money(line.first_payment) if line.first_payment is not None else None,
                )
                for line, totals in zip(order.lines, order.totals.lines, strict=True)
            ],
            coupon_code=order.coupon.code if order.coupon else None,
        )
