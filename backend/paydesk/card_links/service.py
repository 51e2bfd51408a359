"""Card tokenization links: made by staff, used once by the customer at PUBLIC_URL/card/{token}.

The token in the URL is 256 random bits; only its SHA-256 is stored, so a
database leak does not leak live links. A link accepts one good card, and
locks after five failed attempts, which stops card testing through it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.auth.tokens import session_token_hash
from paydesk.card_links import repository as repo
from paydesk.clock import utcnow
from paydesk.crypto import LINK_TOKENS, decrypt_text, encrypt_text
from paydesk.customers import repository as customers
from paydesk.errors import DomainError, ErrorCode, fail, not_found
from paydesk.events import data
from paydesk.events.record import PAYER, record_event
from paydesk.gateways.registry import GatewayRegistry
from paydesk.logs import get_logger
from paydesk.models import Account, CardTokenizationLink, Customer, PaymentMethod
from paydesk.notify.messages import card_request_email
from paydesk.outbox.emails import queue_email
from paydesk.payment_methods.service import CardFields, Tokenize, tokenize_card
from paydesk.subscriptions import service as subscriptions
from paydesk.unit_of_work import discard_phase, end_phase

log = get_logger("paydesk.card_links")

DEFAULT_LIFETIME = timedelta(days=7)
MAX_LIFETIME = timedelta(days=90)
MAX_FAILED_ATTEMPTS = 5
PATH = "/card/"
# The outbox purpose of a card request's email (OutgoingEmail.purpose).
CARD_REQUEST_EMAIL = "card_request"


class LinkStatus(StrEnum):
    ACTIVE = "ACTIVE"
    USED = "USED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    LOCKED = "LOCKED"


@dataclass(frozen=True)
class NewLink:
    link: CardTokenizationLink
    url: str


@dataclass(frozen=True)
class OpenLink:
    """A link as its page needs it: the link, its customer and the merchant."""

    link: CardTokenizationLink
    customer: Customer
    account: Account

    @property
    def status(self) -> LinkStatus:
        return status_of(self.link)


def status_of(link: CardTokenizationLink, now: datetime | None = None) -> LinkStatus:
    if link.revoked_at is not None:
        return LinkStatus.REVOKED
    if link.used_at is not None:
        return LinkStatus.USED
    if link.locked_at is not None:
        return LinkStatus.LOCKED
    if link.expires_at <= (now or utcnow()):
        return LinkStatus.EXPIRED
    return LinkStatus.ACTIVE


def url_for(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{PATH}{token}"


def url_of(link: CardTokenizationLink, secret: bytes, public_url: str) -> str:
    """The link's URL again, from its encrypted token."""
    return url_for(public_url, decrypt_text(secret, LINK_TOKENS, link.token_encrypted))


async def create_link(
    session: AsyncSession,
    principal: Principal,
    secret: bytes,
    public_url: str,
    *,
    customer_id: str,
    expires_at: datetime | None,
    takes_over_open_orders: bool,
    send_email: bool = False,
) -> NewLink:
    """A new link; with ``send_email`` the customer gets it by email (or nothing is made)."""
    customer = await customers.get(session, principal.account_id, customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    if send_email and not customer.email:
        raise fail(
            ErrorCode.INVALID, "The customer has no email address to send the link to.", ("send_email",)
        )
    now = utcnow()
    expiry = expires_at or now + DEFAULT_LIFETIME
    if expiry.tzinfo is None:
        raise fail(
            ErrorCode.INVALID, "Give the expiry with a time zone, e.g. 2026-12-01T00:00:00Z.", ("expires_at",)
        )
    if expiry <= now:
        raise fail(ErrorCode.INVALID, "The expiry must be in the future.", ("expires_at",))
    if expiry > now + MAX_LIFETIME:
        raise fail(ErrorCode.INVALID, "A card link lasts at most 90 days.", ("expires_at",))
    token = secrets.token_urlsafe(32)
    link = CardTokenizationLink(
        id=ids.new_id(ids.CARD_LINK),
        account_id=principal.account_id,
        customer_id=customer.id,
        token_hash=session_token_hash(token),
        token_encrypted=encrypt_text(secret, LINK_TOKENS, token),
        expires_at=expiry,
        takes_over_open_orders=takes_over_open_orders,
        created_by_id=principal.user_id,
    )
    session.add(link)
    await session.flush()
    url = url_for(public_url, token)
    if send_email:
        assert customer.email is not None
        account = await session.get(Account, principal.account_id)
        assert account is not None
        email = card_request_email(
            to=customer.email,
            merchant_name=account.name,
            customer_name=customer.first_name,
            url=url,
            expires_at=expiry,
            takes_over_open_orders=takes_over_open_orders,
        )
        # Sent by the outbox job once the link commits.
        queue_email(
            session,
            secret,
            email,
            account_id=account.id,
            purpose=CARD_REQUEST_EMAIL,
            customer_id=customer.id,
            subject_id=link.id,
            principal=principal,
        )
    return NewLink(link, url)


async def revoke_link(session: AsyncSession, principal: Principal, link_id: str) -> CardTokenizationLink:
    link = await repo.get(session, principal.account_id, link_id)
    if link is None:
        raise not_found("card link", ("card_tokenization_link_id",))
    if status_of(link) is LinkStatus.USED:
        raise fail(ErrorCode.INVALID_STATE, "This link was used already.", ("card_tokenization_link_id",))
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
        await session.flush()
    return link


async def links_of(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str]
) -> list[CardTokenizationLink]:
    return await repo.of_customers(session, principal.account_id, customer_ids)


async def get_link(session: AsyncSession, principal: Principal, link_id: str) -> CardTokenizationLink | None:
    return await repo.get(session, principal.account_id, link_id)


async def open_link(session: AsyncSession, token: str) -> OpenLink | None:
    """The link behind a URL token, with what its page shows; None for an unknown token."""
    link = await repo.by_token_hash(session, session_token_hash(token))
    if link is None:
        return None
    customer = await customers.get(session, link.account_id, link.customer_id)
    account = await session.get(Account, link.account_id)
    assert customer is not None, "a link's customer exists"
    assert account is not None, "a link's account exists"
    return OpenLink(link, customer, account)


async def submit_card(
    session: AsyncSession, registry: GatewayRegistry, secret: bytes, opened: OpenLink, card: CardFields
) -> PaymentMethod:
    """Put the customer's card on file through the link; DomainError when it fails.

    Failed attempts are committed even though the request fails, and the
    fifth locks the link.
    """
    link = opened.link
    link_id = link.id  # a rollback below expires the link object
    if status_of(link) is not LinkStatus.ACTIVE:
        raise fail(ErrorCode.INVALID_STATE, "This link no longer accepts cards.")
    # The page acts for the account, as a REP would: it may only add this customer's card.
    principal = Principal(link.account_id, Role.REP, payer=True)
    try:
        method = await tokenize_card(
            session,
            registry,
            secret,
            principal,
            Tokenize(customer_id=link.customer_id, card=card, make_default=True),
        )
    except DomainError:
        # The failed attempt is its own phase: it stands although the request fails.
        await discard_phase(session)
        await repo.count_failure(session, link_id)
        await session.flush()
        await session.refresh(link)
        if link.failed_attempts >= MAX_FAILED_ATTEMPTS and link.locked_at is None:
            link.locked_at = utcnow()
            session.add(link)
        await end_phase(session, "failure counted")
        raise
    link.used_at = utcnow()
    link.payment_method_id = method.id
    session.add(link)
    if link.takes_over_open_orders:
        moved = await subscriptions.move_open_orders_to(session, link.customer_id, method.id)
        log.info("card_link.open_orders_moved", link_id=link.id, count=moved)
    await session.flush()
    shown = data.card_link(link, status_of(link).value)
    record_event(session, link.account_id, "card_link.completed", shown, actor=PAYER)
    return method
