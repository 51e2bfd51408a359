"""Referral partners and commissions.

A customer may have a referring partner, who earns on each of that
customer's paid sales either a percent of the sale's total (rounded half-up
in the minor unit) or a fixed amount in one currency (sales in another
currency earn nothing from a fixed rate). The commission is recorded when
the sale is paid and follows its refunds pro rata: a sale refunded by a
third owes two thirds of its commission, a voided or fully refunded one
owes nothing. ``rerun`` recomputes it after the partner or the rate
changed. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids, pricing
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.customers import repository as customers
from paydesk.errors import ErrorCode, Problems, not_found
from paydesk.models import Commission, Customer, Partner, Transaction
from paydesk.referrals import repository as repo
from paydesk.validation import clean_email, clean_percent, clean_positive_money, clean_required

NAME_LENGTH = 200


@dataclass(frozen=True)
class RateInput:
    """Exactly one of a percent (12.5 means 12.5 %) or a fixed amount per paid sale."""

    percent: Decimal | None = None
    amount: object | None = None
    currency: str | None = None


@dataclass(frozen=True)
class PartnerFields:
    name: str | None = None
    email: str | None = None
    rate: RateInput | None = None


def _check_rate(problems: Problems, rate: RateInput, partner: Partner) -> None:
    if (rate.percent is None) == (rate.amount is None):
        problems.add(
            ErrorCode.INVALID, "Give either a commission percent or a fixed amount.", ("commission_percent",)
        )
    elif rate.percent is not None:
        percent = clean_percent(problems, rate.percent, ("commission_percent",), label="A commission percent")
        partner.commission_percent, partner.commission_amount, partner.commission_currency = (
            percent,
            None,
            None,
        )
    else:
        money = clean_positive_money(
            problems, rate.amount, rate.currency or "", ("commission_amount",), label="A commission"
        )
        if money is not None:
            partner.commission_percent = None
            partner.commission_amount, partner.commission_currency = money.minor_units, money.currency


def _apply(problems: Problems, partner: Partner, fields: PartnerFields) -> None:
    if fields.name is not None:
        partner.name = clean_required(problems, fields.name, ("name",), max_length=NAME_LENGTH, label="Name")
    if fields.email is not None:
        partner.email = clean_email(problems, fields.email, ("email",)) if fields.email.strip() else None
    if fields.rate is not None:
        _check_rate(problems, fields.rate, partner)


async def create_partner(session: AsyncSession, principal: Principal, fields: PartnerFields) -> Partner:
    problems = Problems()
    partner = Partner(id=ids.new_id(ids.PARTNER), account_id=principal.account_id, name="")
    if fields.name is None:
        problems.add(ErrorCode.REQUIRED, "Name is required.", ("name",))
    if fields.rate is None:
        problems.add(
            ErrorCode.REQUIRED, "Give a commission percent or a fixed amount.", ("commission_percent",)
        )
    _apply(problems, partner, fields)
    problems.raise_any()
    session.add(partner)
    await session.flush()
    return partner


async def update_partner(
    session: AsyncSession, principal: Principal, partner_id: str, fields: PartnerFields
) -> Partner:
    """Change a partner; commissions already recorded keep their rate until re-run."""
    partner = await repo.get(session, principal.account_id, partner_id)
    if partner is None:
        raise not_found("partner", ("id",))
    problems = Problems()
    _apply(problems, partner, fields)
    problems.raise_any()
    partner.updated_at = utcnow()
    session.add(partner)
    await session.flush()
    return partner


async def set_referrer(
    session: AsyncSession, principal: Principal, customer_id: str, partner_id: str | None
) -> Customer:
    """Name the partner who referred a customer (None: nobody); future paid sales earn them commission."""
    customer = await customers.get(session, principal.account_id, customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    if partner_id is not None and await repo.get(session, principal.account_id, partner_id) is None:
        raise not_found("partner", ("partner_id",))
    customer.referred_by_partner_id = partner_id
    customer.updated_at = utcnow()
    session.add(customer)
    await session.flush()
    return customer


async def get_partner(session: AsyncSession, principal: Principal, partner_id: str) -> Partner | None:
    return await repo.get(session, principal.account_id, partner_id)


async def partners_by_ids(
    session: AsyncSession, account_id: str, partner_ids: Sequence[str]
) -> list[Partner]:
    return await repo.get_many(session, account_id, partner_ids)


async def partners_of(session: AsyncSession, principal: Principal) -> list[Partner]:
    return await repo.all_of(session, principal.account_id)


async def commissions_of(
    session: AsyncSession, account_id: str, transaction_ids: Sequence[str]
) -> list[Commission]:
    return await repo.commissions_of(session, account_id, transaction_ids)


# Computing what is owed


def gross_for(partner: Partner, total: int, currency: str) -> int | None:
    """What a whole sale earns the partner; None when a fixed rate is in another currency."""
    if partner.commission_percent is not None:
        return pricing.percent_of(total, Decimal(partner.commission_percent))
    if partner.commission_currency != currency:
        return None
    assert partner.commission_amount is not None, "a partner has a percent or an amount"
    return partner.commission_amount


def owed(gross: int, total: int, refunded: int) -> int:
    """``gross`` scaled by what is left of the sale after refunds, rounded half-up; never negative."""
    kept = max(total - refunded, 0)
    if total <= 0:
        return gross if refunded <= 0 else 0
    return (2 * gross * kept + total) // (2 * total)


async def record(session: AsyncSession, sale: Transaction, refunded: int) -> Commission | None:
    """Compute the sale's commission from its customer's partner now (replacing any before)."""
    existing = await repo.commission(session, sale.id)
    customer = await customers.get(session, sale.account_id, sale.customer_id)
    partner_id = customer.referred_by_partner_id if customer else None
    partner = await repo.get(session, sale.account_id, partner_id) if partner_id else None
    gross = gross_for(partner, sale.total, sale.currency) if partner else None
    if partner is None or gross is None:
        if existing is not None:
            await session.delete(existing)
            await session.flush()
        return None
    commission = existing or Commission(
        transaction_id=sale.id,
        account_id=sale.account_id,
        partner_id=partner.id,
        gross=0,
        amount=0,
        currency=sale.currency,
    )
    commission.partner_id = partner.id
    commission.rate_percent = partner.commission_percent
    commission.rate_amount = partner.commission_amount if partner.commission_percent is None else None
    commission.gross = gross
    commission.amount = owed(gross, sale.total, refunded)
    commission.currency = sale.currency
    commission.computed_at = utcnow()
    session.add(commission)
    await session.flush()
    return commission


async def record_paid(
    session: AsyncSession,
    account_id: str,
    sales: Sequence[Transaction],
    customers_by_id: Mapping[str, Customer],
) -> dict[str, Commission]:
    """``record`` for a batch of an account's newly paid sales: one read finds which of them can have a
    commission (their customer has a partner, or one was recorded before); only those are computed."""
    having = {c.transaction_id for c in await repo.commissions_of(session, account_id, [s.id for s in sales])}
    recorded = {}
    for sale in sales:
        customer = customers_by_id.get(sale.customer_id)
        if sale.id in having or (customer is not None and customer.referred_by_partner_id):
            commission = await record(session, sale, refunded=0)
            if commission is not None:
                recorded[sale.id] = commission
    return recorded


async def follow_refunds(session: AsyncSession, sale: Transaction, refunded: int) -> None:
    """Scale an existing commission to what is left of the sale (its rate as recorded)."""
    commission = await repo.commission(session, sale.id)
    if commission is None:
        return
    commission.amount = owed(commission.gross, sale.total, refunded)
    session.add(commission)
    await session.flush()
