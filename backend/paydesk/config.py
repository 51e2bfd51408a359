"""Settings, read from the environment (prefix ``PAYDESK_``) once at start.

A bad value stops the process with one line naming the setting, and a
``PAYDESK_`` variable that names no setting is reported with the closest
known name: a typo in production configuration must not pass silently.
"""

from __future__ import annotations

import difflib
import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from limits import parse as parse_rate_limit
from pydantic import AfterValidator, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "PAYDESK_"
SECRET_KEY_FILE = "secret_key"
# 32 bytes of entropy: the floor for an HMAC-SHA256 key.
MIN_SECRET_KEY_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line for the operator."""


def _rate_limit(value: str) -> str:
    try:
        parse_rate_limit(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a rate such as 180/minute") from None
    return value


def _storage(value: str) -> str:
    if value in ("memory", "database") or value.startswith(("redis://", "rediss://")):
        return value
    raise ValueError("must be memory, database or a redis:// URL")


def _smtp_url(value: SecretStr | None) -> SecretStr | None:
    if value is None or value.get_secret_value().startswith(("smtp://", "smtps://")):
        return value
    raise ValueError("must be an smtp:// or smtps:// URL")


RateLimit = Annotated[str, AfterValidator(_rate_limit)]


class Settings(BaseSettings):
    """Everything an operator can configure; see README.md, Configuration."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+aiosqlite:///./var/paydesk.db"
    data_dir: Path = Path("./var")
    public_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr | None = None
    rate_limit: RateLimit = "180/minute"
    session_rate_limit: RateLimit = "600/minute"
    # The most one query may ask for, priced before it runs (graphql/cost.py); the rate limits above
    # still count requests. The largest portal query and a partner's full customer read stay far below.
    max_query_cost: Annotated[int, Field(ge=100, le=10_000_000)] = 100_000
    rate_limit_storage: Annotated[str, AfterValidator(_storage)] = "memory"
    # Holds the SMTP password: a SecretStr never prints it.
    smtp_url: Annotated[SecretStr | None, AfterValidator(_smtp_url)] = None
    email_from: str = "paydesk <no-reply@localhost>"
    stripe_api_base: str = "https://api.stripe.com"
    static_dir: Path | None = None
    log_level: str = "INFO"
    # Run the billing runner and reconciliation inside `paydesk serve` (single-machine setups).
    jobs: bool = True
    # Seconds between two passes of the jobs, in `serve` and in `paydesk worker`.
    jobs_interval: Annotated[float, Field(gt=0, le=3600)] = 30.0
    # Gateway calls the billing runner of one process keeps in flight at once, in all.
    worker_concurrency: Annotated[int, Field(ge=1, le=1000)] = 32
    # Calls one process keeps in flight to any one gateway (the billing runner's charges).
    gateway_concurrency: Annotated[int, Field(ge=1, le=1000)] = 32
    # GraphQL requests that only read, run at once by one process; more wait their turn in order
    # (graphql/endpoint.py). Reads are CPU work on one event loop: run a few at a time, each finishes
    # sooner and none is left behind (bench/notes-reads.md, "Reads admitted a few at a time").
    read_concurrency: Annotated[int, Field(ge=1, le=1000)] = 4
    # Seconds a read waits for its turn before it is answered HTTP 503 UNAVAILABLE with Retry-After
    # (paydesk.admission): a burst beyond what the process can answer gets a prompt refusal to retry,
    # not a queue that outlives its callers' own timeouts.
    read_queue_timeout: Annotated[float, Field(gt=0, le=300)] = 10.0

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_KEY_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _production_needs_a_key(self) -> Settings:
        if self.env is Environment.PRODUCTION and self.secret_key is None:
            raise ValueError(f"{ENV_PREFIX}SECRET_KEY: required when {ENV_PREFIX}ENV=production")
        return self

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def secret(self) -> bytes:
        """The server secret; in development it is made once and kept in DATA_DIR."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / SECRET_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()


def unknown_variables(environ: dict[str, str]) -> list[str]:
    """One line for each PAYDESK_ variable that names no setting."""
    known = [name.upper() for name in Settings.model_fields]
    lines = []
    for var in sorted(environ):
        name = var.removeprefix(ENV_PREFIX)
        if var.startswith(ENV_PREFIX) and name not in known:
            # Compared without the shared prefix, so only a real likeness is suggested.
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
            hint = f"; did you mean {ENV_PREFIX}{close[0]}?" if close else ""
            lines.append(f"unknown setting {var}{hint}")
    return lines


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings, raising SettingsError with a one-line message."""
    env = dict(os.environ if environ is None else environ)
    unknown = unknown_variables(env)
    if unknown:
        raise SettingsError(unknown[0])
    try:
        return Settings.model_validate(_from(env))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        name = f"{ENV_PREFIX}{where.upper()}: " if where else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {name}{message}") from None


def _from(environ: dict[str, str]) -> dict[str, str]:
    """Settings values from an explicit environment (pydantic-settings reads os.environ)."""
    return {
        name: environ[ENV_PREFIX + name.upper()]
        for name in Settings.model_fields
        if ENV_PREFIX + name.upper() in environ
    }
