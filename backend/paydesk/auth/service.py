"""Signing in and out, recognising callers, and managing staff and API keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth import repository as repo
from paydesk.auth.passwords import hash_password, password_problem, verify_password
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.auth.signin_guard import SignInGuard
from paydesk.auth.tokens import (
    api_secret_hash,
    new_api_secret,
    new_session_token,
    same,
    session_token_hash,
)
from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.models import ApiKey, StaffSession, User
from paydesk.validation import clean_email

SESSION_LIFETIME = timedelta(days=14)
# last_used_at is informational; writing it at most once a minute keeps reads read-only.
API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


class Unauthenticated(Exception):
    """Credentials were sent but are wrong, unknown or revoked (which one is never said)."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class IssuedApiKey:
    key: ApiKey
    secret: str


async def sign_in(
    session: AsyncSession, email: str, password: str, *, guard: SignInGuard | None = None, ip: str = "unknown"
) -> SignedIn:
    """A new staff session; failures are counted by ``guard``, which refuses attempts while locked out
    (SignInThrottled) before any password is checked."""
    if guard is not None:
        await guard.check(email, ip)
    user = await repo.user_by_email(session, email.strip().lower())
    # Verified for unknown addresses too (against a dummy hash): no timing tells which exist.
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled_at is not None:
        if guard is not None:
            guard.failed(email, ip)
        raise fail(ErrorCode.INVALID, "Email or password is incorrect.", ("password",))
    if guard is not None:
        guard.succeeded(email)
    token = new_session_token()
    now = utcnow()
    record = StaffSession(
        id=ids.new_id(ids.SESSION),
        user_id=user.id,
        token_hash=session_token_hash(token),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    session.add(record)
    await session.flush()
    return SignedIn(user, token, record.expires_at)


async def sign_out(session: AsyncSession, principal: Principal) -> None:
    if principal.session_id is not None:
        await repo.revoke_session(session, principal.session_id, utcnow())


async def principal_for_session(session: AsyncSession, token: str) -> Principal | None:
    found = await repo.live_session(session, session_token_hash(token), utcnow())
    if found is None:
        return None
    record, user = found
    return Principal(user.account_id, Role(user.role), user_id=user.id, session_id=record.id)


async def principal_for_api_key(
    session: AsyncSession, server_secret: bytes, app_id: str, secret: str
) -> tuple[Principal, bool]:
    """The API key's principal, and whether its last_used_at is due a write; Unauthenticated otherwise."""
    key = await repo.api_key(session, app_id.strip()) if app_id.strip() else None
    expected = api_secret_hash(server_secret, secret.strip())
    if key is None or not same(key.secret_hash, expected) or key.revoked_at is not None:
        raise Unauthenticated()
    due = key.last_used_at is None or utcnow() - key.last_used_at >= API_KEY_TOUCH_INTERVAL
    return Principal(key.account_id, Role(key.role), api_key_id=key.id), due


async def touch_api_key(session: AsyncSession, app_id: str) -> None:
    await repo.touch_api_key(session, app_id, utcnow())


async def users_by_ids(session: AsyncSession, principal: Principal, user_ids: Sequence[str]) -> list[User]:
    return await repo.users_by_ids(session, principal.account_id, list(user_ids))


async def users_of_account(session: AsyncSession, principal: Principal) -> list[User]:
    return await repo.users_of_account(session, principal.account_id)


async def api_keys_of_account(session: AsyncSession, principal: Principal) -> list[ApiKey]:
    return await repo.api_keys_of_account(session, principal.account_id)


async def create_user(
    session: AsyncSession, principal: Principal, email: str, password: str, role: Role
) -> User:
    if role is Role.OWNER and principal.role is not Role.OWNER:
        raise fail(ErrorCode.FORBIDDEN, "Only an owner may make another owner.", ("role",))
    return await add_user(session, principal.account_id, email, password, role)


async def add_user(session: AsyncSession, account_id: str, email: str, password: str, role: Role) -> User:
    """A new staff member; emails are unique across paydesk, since sign-in is by email."""
    problems = Problems()
    address = clean_email(problems, email, ("email",), required=True)
    weak = password_problem(password)
    if weak:
        problems.add(ErrorCode.INVALID, weak, ("password",))
    problems.raise_any()
    assert address is not None
    if await repo.user_by_email(session, address) is not None:
        raise fail(ErrorCode.INVALID, "A user with this email already exists.", ("email",))
    user = User(
        id=ids.new_id(ids.USER),
        account_id=account_id,
        email=address,
        password_hash=hash_password(password),
        role=role.value,
    )
    session.add(user)
    await session.flush()
    return user


async def update_user_role(session: AsyncSession, principal: Principal, user_id: str, role: Role) -> User:
    user = await repo.user_in_account(session, principal.account_id, user_id)
    if user is None:
        raise not_found("user", ("user_id",))
    touches_owner = Role.OWNER in (role, Role(user.role))
    if touches_owner and principal.role is not Role.OWNER:
        raise fail(ErrorCode.FORBIDDEN, "Only an owner may grant or take the OWNER role.", ("role",))
    if (
        user.role == Role.OWNER
        and role is not Role.OWNER
        and await repo.count_owners(session, user.account_id) <= 1
    ):
        raise fail(ErrorCode.INVALID_STATE, "An account keeps at least one owner.", ("role",))
    if user.role != role.value:
        user.role = role.value
        session.add(user)
        # A changed role takes effect now, not when old sessions expire.
        await repo.revoke_user_sessions(session, user.id, utcnow())
        await session.flush()
    return user


async def create_api_key(
    session: AsyncSession, server_secret: bytes, principal: Principal, role: Role
) -> IssuedApiKey:
    """A key for the caller's account; like a user, an OWNER key only an owner may make."""
    if role is Role.OWNER and principal.role is not Role.OWNER:
        raise fail(ErrorCode.FORBIDDEN, "Only an owner may create an OWNER key.", ("role",))
    return await issue_api_key(session, server_secret, principal.account_id, role)


async def issue_api_key(
    session: AsyncSession, server_secret: bytes, account_id: str, role: Role
) -> IssuedApiKey:
    secret = new_api_secret()
    key = ApiKey(
        id=ids.new_id(ids.API_KEY),
        account_id=account_id,
        secret_hash=api_secret_hash(server_secret, secret),
        role=role.value,
    )
    session.add(key)
    await session.flush()
    return IssuedApiKey(key, secret)


async def revoke_api_key(session: AsyncSession, account_id: str | None, app_id: str) -> ApiKey:
    """Revoke a key; ``account_id`` None is the operator's CLI, which may revoke any."""
    key = await repo.api_key(session, app_id)
    if key is None or (account_id is not None and key.account_id != account_id):
        raise not_found("API key", ("app_id",))
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        await session.flush()
    return key
