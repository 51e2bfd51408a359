"""Staff users, their portal sessions, and partners' API keys."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field, id_field, timestamp_field


class User(SQLModel, table=True):
    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    # Stored lower-cased; unique across all accounts, since sign-in is by email alone.
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    created_at: datetime = created_at_field()
    disabled_at: datetime | None = timestamp_field()


class StaffSession(SQLModel, table=True):
    """A portal sign-in; the cookie holds a token whose SHA-256 is kept here."""

    __tablename__ = "staff_session"

    id: str = id_field()
    user_id: str = Field(foreign_key="user.id", index=True, max_length=40)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field(nullable=False)
    revoked_at: datetime | None = timestamp_field()


class ApiKey(SQLModel, table=True):
    """A partner credential: the app id is public, the secret is kept only as a keyed hash."""

    __tablename__ = "api_key"

    id: str = id_field()
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    secret_hash: str = Field(max_length=64)
    role: str = Field(max_length=16)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()
