"""SQL for users, sessions and API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import ApiKey, StaffSession, User
from paydesk.one_of import list_param, one_of


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.exec(select(User).where(User.email == email))).first()


async def user_in_account(session: AsyncSession, account_id: str, user_id: str) -> User | None:
    query = select(User).where(User.id == user_id, User.account_id == account_id)
    return (await session.exec(query)).first()


async def users_by_ids(session: AsyncSession, account_id: str, ids: list[str]) -> list[User]:
    return list(await session.exec(_USERS_BY_IDS, params={"ids": ids, "account_id": account_id}))


# Built once: a statement object keeps its cache key (the API's loaders run it on every page).
_USERS_BY_IDS = select(User).where(
    one_of(col(User.id), list_param("ids")), User.account_id == bindparam("account_id")
)


async def users_of_account(session: AsyncSession, account_id: str) -> list[User]:
    query = select(User).where(User.account_id == account_id).order_by(col(User.created_at), col(User.id))
    return list(await session.exec(query))


async def count_owners(session: AsyncSession, account_id: str) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .where(User.account_id == account_id, User.role == "OWNER", col(User.disabled_at).is_(None))
    )
    return int((await session.exec(query)).one())


async def live_session(
    session: AsyncSession, token_hash: str, now: datetime
) -> tuple[StaffSession, User] | None:
    query = (
        select(StaffSession, User)
        .join(User, col(User.id) == col(StaffSession.user_id))
        .where(
            StaffSession.token_hash == token_hash,
            col(StaffSession.revoked_at).is_(None),
            col(StaffSession.expires_at) > now,
            col(User.disabled_at).is_(None),
        )
    )
    row = (await session.exec(query)).first()
    return (row[0], row[1]) if row else None


async def revoke_session(session: AsyncSession, session_id: str, now: datetime) -> None:
    await session.exec(
        update(StaffSession)
        .where(col(StaffSession.id) == session_id, col(StaffSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )


async def revoke_user_sessions(session: AsyncSession, user_id: str, now: datetime) -> None:
    await session.exec(
        update(StaffSession)
        .where(col(StaffSession.user_id) == user_id, col(StaffSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )


async def api_key(session: AsyncSession, app_id: str) -> ApiKey | None:
    return (await session.exec(_API_KEY, params={"id": app_id})).first()


# Built once, as _USERS_BY_IDS: every API request authenticates by it (``session.get`` built its select
# and cache key per call).
_API_KEY = select(ApiKey).where(col(ApiKey.id) == bindparam("id"))


async def api_keys_of_account(session: AsyncSession, account_id: str) -> list[ApiKey]:
    query = select(ApiKey).where(ApiKey.account_id == account_id).order_by(col(ApiKey.created_at).desc())
    return list(await session.exec(query))


async def touch_api_key(session: AsyncSession, app_id: str, now: datetime) -> None:
    await session.exec(update(ApiKey).where(col(ApiKey.id) == app_id).values(last_used_at=now))
