"""Webhook endpoints of an account (ADMIN and up): create, change, delete, rotate the secret, redeliver.

The ``whsec_`` secret is returned only when it is made (create, rotate) and
stored encrypted with the server secret. After a rotation the old secret
keeps signing beside the new one for 24 hours, so a receiver can switch
without losing a delivery. Deliveries themselves are job work
(``paydesk.outbox.webhooks``); this module only writes rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.crypto import decrypt_text, encrypt_text
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.events.feed import get_event
from paydesk.events.types import EVENT_TYPES, EVERY_TYPE
from paydesk.models import Event, WebhookDelivery, WebhookEndpoint
from paydesk.pagination import Page, PageRequest, newer_first_after
from paydesk.webhooks import signing, targets

# The key derivation purpose of stored webhook secrets (crypto.derive_key).
SECRETS = "webhook-secrets"
ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS = 16
MAX_DESCRIPTION = 500


class DeliveryStatus:
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


def subscribed_types(endpoint: WebhookEndpoint) -> list[str]:
    return [t for t in endpoint.events.split(",") if t]


def receives(endpoint: WebhookEndpoint, event_type: str) -> bool:
    types = subscribed_types(endpoint)
    return EVERY_TYPE in types or event_type in types


def secrets_now(server_secret: bytes, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the replaced one for 24 hours."""
    found = [decrypt_text(server_secret, SECRETS, endpoint.secret_encrypted)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_encrypted and until is not None and until > now:
        found.append(decrypt_text(server_secret, SECRETS, endpoint.previous_secret_encrypted))
    return found


def _clean_events(problems: Problems, events: Sequence[str]) -> str | None:
    cleaned: list[str] = []
    for index, name in enumerate(events):
        value = name.strip()
        if value != EVERY_TYPE and value not in EVENT_TYPES:
            problems.add(ErrorCode.INVALID, f"{value[:60]!r} is not an event type.", ("events", index))
        elif value not in cleaned:
            cleaned.append(value)
    if not events:
        problems.add(ErrorCode.REQUIRED, 'Name at least one event type, or "*" for every type.', ("events",))
    return ",".join(cleaned)


async def _clean_url(problems: Problems, url: str, *, allow_private: bool) -> str:
    value = url.strip()
    try:
        # Development takes any well-formed URL (the receiver may not be up yet); production also
        # resolves the host and refuses internal addresses, checked again at each delivery.
        if allow_private:
            targets.parse(value)
        else:
            await targets.resolve(value, allow_private=False)
    except targets.TargetRefused as refused:
        problems.add(ErrorCode.INVALID, str(refused), ("url",))
    return value


def _clean_description(problems: Problems, description: str | None) -> str | None:
    value = (description or "").strip() or None
    if value is not None and len(value) > MAX_DESCRIPTION:
        problems.add(ErrorCode.INVALID, f"At most {MAX_DESCRIPTION} characters.", ("description",))
    return value


async def create_endpoint(
    session: AsyncSession,
    principal: Principal,
    server_secret: bytes,
    *,
    url: str,
    events: Sequence[str],
    description: str | None,
    allow_private: bool,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown this once)."""
    problems = Problems()
    clean_url = await _clean_url(problems, url, allow_private=allow_private)
    types = _clean_events(problems, events)
    text = _clean_description(problems, description)
    problems.raise_any()
    count = (
        await session.exec(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(
                col(WebhookEndpoint.account_id) == principal.account_id,
                col(WebhookEndpoint.deleted_at).is_(None),
            )
        )
    ).one()
    if count >= MAX_ENDPOINTS:
        raise fail(ErrorCode.INVALID_STATE, f"An account has at most {MAX_ENDPOINTS} webhook endpoints.")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=ids.new_id(ids.WEBHOOK_ENDPOINT),
        account_id=principal.account_id,
        url=clean_url,
        events=types or "",
        description=text,
        secret_encrypted=encrypt_text(server_secret, SECRETS, secret),
    )
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


async def get_endpoint(session: AsyncSession, account_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    query = select(WebhookEndpoint).where(
        col(WebhookEndpoint.id) == endpoint_id,
        col(WebhookEndpoint.account_id) == account_id,
        col(WebhookEndpoint.deleted_at).is_(None),
    )
    return (await session.exec(query)).first()


async def _own(session: AsyncSession, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    endpoint = await get_endpoint(session, principal.account_id, endpoint_id)
    if endpoint is None:
        raise not_found("webhook endpoint", ("id",))
    return endpoint


async def list_endpoints(session: AsyncSession, account_id: str) -> list[WebhookEndpoint]:
    query = (
        select(WebhookEndpoint)
        .where(col(WebhookEndpoint.account_id) == account_id, col(WebhookEndpoint.deleted_at).is_(None))
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
    )
    return list(await session.exec(query))


async def update_endpoint(
    session: AsyncSession,
    principal: Principal,
    endpoint_id: str,
    *,
    url: str | None,
    events: Sequence[str] | None,
    description: str | None,
    enabled: bool | None,
    allow_private: bool,
) -> WebhookEndpoint:
    """Change what is given; enabling again clears the failure streak that disabled it."""
    endpoint = await _own(session, principal, endpoint_id)
    problems = Problems()
    if url is not None:
        endpoint.url = await _clean_url(problems, url, allow_private=allow_private)
    if events is not None:
        endpoint.events = _clean_events(problems, events) or ""
    if description is not None:
        endpoint.description = _clean_description(problems, description)
    problems.raise_any()
    if enabled is not None and enabled != endpoint.enabled:
        endpoint.enabled = enabled
        endpoint.disabled_at = None if enabled else utcnow()
        endpoint.failing_since = None
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    await session.flush()
    return endpoint


async def delete_endpoint(session: AsyncSession, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    """Stop sending to it at once (its deliveries stay as history)."""
    endpoint = await _own(session, principal, endpoint_id)
    endpoint.deleted_at = endpoint.updated_at = utcnow()
    endpoint.enabled = False
    session.add(endpoint)
    await session.flush()
    return endpoint


async def rotate_secret(
    session: AsyncSession, principal: Principal, server_secret: bytes, endpoint_id: str
) -> tuple[WebhookEndpoint, str]:
    """A new secret (shown this once); the old one keeps signing beside it for 24 hours."""
    endpoint = await _own(session, principal, endpoint_id)
    secret = signing.new_secret()
    now = utcnow()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = now + ROTATION_OVERLAP
    endpoint.secret_encrypted = encrypt_text(server_secret, SECRETS, secret)
    endpoint.updated_at = now
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


async def redeliver(
    session: AsyncSession, principal: Principal, event_id: str, endpoint_id: str
) -> tuple[WebhookDelivery, Event]:
    """Send an event to an endpoint again now, as a new attempt (whether or not it was sent before);
    the attempt and its event."""
    endpoint = await get_endpoint(session, principal.account_id, endpoint_id)
    if endpoint is None:
        raise not_found("webhook endpoint", ("endpoint_id",))
    event = await get_event(session, principal.account_id, event_id)
    if event is None:
        raise not_found("event", ("event_id",))
    if not endpoint.enabled:
        raise fail(
            ErrorCode.INVALID_STATE, "Enable the endpoint before redelivering to it.", ("endpoint_id",)
        )
    last = (
        await session.exec(
            select(func.max(WebhookDelivery.attempt)).where(
                col(WebhookDelivery.event_id) == event.id, col(WebhookDelivery.endpoint_id) == endpoint.id
            )
        )
    ).one()
    now = utcnow()
    delivery = WebhookDelivery(
        id=ids.new_id(ids.WEBHOOK_DELIVERY),
        account_id=endpoint.account_id,
        endpoint_id=endpoint.id,
        event_id=event.id,
        attempt=(last or 0) + 1,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        first_attempt_at=now,
    )
    session.add(delivery)
    await session.flush()
    return delivery, event


async def deliveries_page(
    session: AsyncSession, account_id: str, endpoint_id: str, request: PageRequest
) -> Page[WebhookDelivery]:
    """An endpoint's delivery attempts, newest first."""
    where = [col(WebhookDelivery.endpoint_id) == endpoint_id, col(WebhookDelivery.account_id) == account_id]
    query = select(WebhookDelivery).where(*where)
    if request.after is not None:
        query = query.where(
            newer_first_after(col(WebhookDelivery.created_at), col(WebhookDelivery.id), request.after)
        )
    query = query.order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
    rows = list(await session.exec(query.limit(request.first + 1)))
    total = (await session.exec(select(func.count()).select_from(WebhookDelivery).where(*where))).one()
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, int(total))
