"""Creating accounts with their first owner and API key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.roles import Role
from paydesk.auth.service import IssuedApiKey, add_user, issue_api_key
from paydesk.billing import dunning
from paydesk.billing.reminders import MAX_REMINDER_DAYS
from paydesk.errors import ErrorCode, Problems
from paydesk.gateways.service import create_sandbox
from paydesk.invoices.service import ensure_default_template
from paydesk.models import Account, User
from paydesk.money import Money, MoneyError, is_currency
from paydesk.validation import clean_text, is_locale, is_timezone


@dataclass(frozen=True)
class NewAccount:
    account: Account
    owner: User
    api_key: IssuedApiKey


# A setting left out of the request (distinct from null, which clears it).
UNSET: object = object()


async def create_account(
    session: AsyncSession,
    server_secret: bytes,
    *,
    name: str,
    owner_email: str,
    owner_password: str,
    currency: str = "USD",
    timezone: str = "UTC",
    locale: str = "en-US",
) -> NewAccount:
    """An account with the sandbox as its default gateway, the built-in Standard invoice template as its
    default (so a classic integration always has an invoice_id to send), its owner, and an ADMIN API key
    shown only now."""
    problems = Problems()
    clean_name = clean_text(problems, name, ("name",), max_length=200, required=True, label="Name")
    code = currency.strip().upper()
    if not is_currency(code):
        problems.add(ErrorCode.INVALID, f"{currency!r} is not an ISO 4217 currency.", ("currency",))
    if not is_timezone(timezone):
        problems.add(ErrorCode.INVALID, f"{timezone!r} is not an IANA time zone.", ("timezone",))
    if not is_locale(locale):
        problems.add(ErrorCode.INVALID, f"{locale!r} is not a locale such as en-US.", ("locale",))
    problems.raise_any()
    assert clean_name is not None
    account = Account(
        id=ids.new_id(ids.ACCOUNT), name=clean_name, default_currency=code, timezone=timezone, locale=locale
    )
    session.add(account)
    await session.flush()
    await create_sandbox(session, account.id, default=True)
    await ensure_default_template(session, account.id)
    owner = await add_user(session, account.id, owner_email, owner_password, Role.OWNER)
    key = await issue_api_key(session, server_secret, account.id, Role.ADMIN)
    return NewAccount(account, owner, key)


async def get_account(session: AsyncSession, account_id: str) -> Account | None:
    return await session.get(Account, account_id)


async def update_account(
    session: AsyncSession,
    account_id: str,
    *,
    name: str | None = None,
    currency: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
    email_invoices: bool | None = None,
    rep_refund_limit: Decimal | None = None,
    renewal_reminder_days: int | object | None = UNSET,
    email_plan_completed: bool | None = None,
) -> Account:
    """Change the account's settings; omitted ones stay.

    ``rep_refund_limit`` is in major units of the (new) default currency; 0 takes REPs' refunds away.
    """
    account = await session.get(Account, account_id)
    assert account is not None
    problems = Problems()
    if name is not None:
        account.name = (
            clean_text(problems, name, ("name",), max_length=200, required=True, label="Name") or account.name
        )
    if currency is not None:
        code = currency.strip().upper()
        if is_currency(code):
            account.default_currency = code
        else:
            problems.add(
                ErrorCode.INVALID, f"{currency!r} is not an ISO 4217 currency.", ("default_currency",)
            )
    if timezone is not None:
        if is_timezone(timezone):
            account.timezone = timezone
        else:
            problems.add(ErrorCode.INVALID, f"{timezone!r} is not an IANA time zone.", ("timezone",))
    if locale is not None:
        if is_locale(locale):
            account.locale = locale
        else:
            problems.add(ErrorCode.INVALID, f"{locale!r} is not a locale such as en-US.", ("locale",))
    if email_invoices is not None:
        account.email_invoices = email_invoices
    if email_plan_completed is not None:
        account.email_plan_completed = email_plan_completed
    if renewal_reminder_days is not UNSET:
        days = renewal_reminder_days if isinstance(renewal_reminder_days, int) else None
        if days is not None and not 1 <= days <= MAX_REMINDER_DAYS:
            problems.add(
                ErrorCode.INVALID,
                f"Remind 1 to {MAX_REMINDER_DAYS} days before a renewal, or not at all (null).",
                ("renewal_reminder_days",),
            )
        else:
            account.renewal_reminder_days = days
    if rep_refund_limit is not None:
        try:
            limit = Money.parse(rep_refund_limit, account.default_currency).minor_units
        except MoneyError as error:
            problems.add(
                ErrorCode.INVALID, f"{str(error)[:1].upper()}{str(error)[1:]}.", ("rep_refund_limit",)
            )
        else:
            if limit < 0:
                problems.add(ErrorCode.INVALID, "A refund limit is 0 or more.", ("rep_refund_limit",))
            account.rep_refund_limit = limit or None
    problems.raise_any()
    session.add(account)
    await session.flush()
    return account


async def update_dunning_policy(
    session: AsyncSession,
    account_id: str,
    *,
    retry_days: list[int] | None = None,
    final_action: str | None = None,
    try_other_cards: bool | None = None,
    email_card_link: bool | None = None,
) -> Account:
    """Change how declined installments are retried; omitted settings stay."""
    account = await session.get(Account, account_id)
    assert account is not None
    problems = Problems()
    if retry_days is not None:
        days = dunning.check_retry_days(problems, retry_days, ("retry_days",))
        if days is not None:
            account.dunning_retry_days = dunning.format_retry_days(days)
    if final_action is not None:
        account.dunning_final_action = dunning.FinalAction(final_action).value
    if try_other_cards is not None:
        account.dunning_try_other_cards = try_other_cards
    if email_card_link is not None:
        account.dunning_email_card_link = email_card_link
    problems.raise_any()
    session.add(account)
    await session.flush()
    return account
