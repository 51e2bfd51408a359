"""Settings: defaults, one-line errors for bad values and typos, the server secret."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from paydesk.config import Environment, SettingsError, load_settings, unknown_variables

GOOD_KEY = "k" * 40


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """pydantic-settings also reads os.environ, so no PAYDESK_ variable of the shell may leak in."""
    for name in list(os.environ):
        if name.upper().startswith("PAYDESK_"):
            monkeypatch.delenv(name)


def settings_error(environ: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    return str(caught.value)


def test_defaults() -> None:
    settings = load_settings({})

    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url == "sqlite+aiosqlite:///./var/paydesk.db"
    assert settings.data_dir == Path("./var")
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.secret_key is None
    assert settings.rate_limit == "180/minute"
    assert settings.session_rate_limit == "600/minute"
    assert settings.rate_limit_storage == "memory"
    assert settings.smtp_url is None
    assert settings.email_from == "paydesk <no-reply@localhost>"
    assert settings.stripe_api_base == "https://api.stripe.com"
    assert settings.log_level == "INFO"
    assert settings.secure_cookies is False


def test_values_come_from_the_given_environment() -> None:
    environ = {
        "PAYDESK_ENV": "production",
        "PAYDESK_DATABASE_URL": "postgresql+asyncpg://paydesk@db/paydesk",
        "PAYDESK_DATA_DIR": "/srv/paydesk",
        "PAYDESK_PUBLIC_URL": "https://pay.example.com/",
        "PAYDESK_SECRET_KEY": GOOD_KEY,
        "PAYDESK_RATE_LIMIT": "10/second",
        "PAYDESK_SESSION_RATE_LIMIT": "1000/hour",
        "PAYDESK_RATE_LIMIT_STORAGE": "redis://cache:6379/0",
        "PAYDESK_SMTP_URL": "smtps://user:pw@mail.example.com:465",
        "HOME": "/root",
    }

    settings = load_settings(environ)

    assert settings.env is Environment.PRODUCTION
    assert settings.database_url == "postgresql+asyncpg://paydesk@db/paydesk"
    assert settings.data_dir == Path("/srv/paydesk")
    assert settings.secure_cookies is True
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == GOOD_KEY
    assert settings.rate_limit == "10/second"
    assert settings.session_rate_limit == "1000/hour"
    assert settings.rate_limit_storage == "redis://cache:6379/0"
    assert settings.smtp_url is not None
    assert settings.smtp_url.get_secret_value() == "smtps://user:pw@mail.example.com:465"
    assert "pw@" not in repr(settings)


@pytest.mark.parametrize("storage", ["memory", "database", "redis://localhost:6379", "rediss://cache:6380/1"])
def test_rate_limit_storages_accepted(storage: str) -> None:
    settings = load_settings({"PAYDESK_RATE_LIMIT_STORAGE": storage})

    assert settings.rate_limit_storage == storage


def test_unknown_variable_names_the_closest_setting() -> None:
    message = settings_error({"PAYDESK_RATE_LIMT": "1/minute"})

    assert message == "unknown setting PAYDESK_RATE_LIMT; did you mean PAYDESK_RATE_LIMIT?"


def test_unknown_variables_one_line_each_in_name_order() -> None:
    environ = {
        "PAYDESK_SECRET": "x",
        "PAYDESK_DATABASE": "x",
        "PAYDESK_XQXQXQXQXQXQXQXQXQ": "x",
        "PAYDESK_RATE_LIMIT": "1/minute",
        "PATH": "/usr/bin",
    }

    lines = unknown_variables(environ)

    assert lines == [
        "unknown setting PAYDESK_DATABASE; did you mean PAYDESK_DATABASE_URL?",
        "unknown setting PAYDESK_SECRET; did you mean PAYDESK_SECRET_KEY?",
        "unknown setting PAYDESK_XQXQXQXQXQXQXQXQXQ",
    ]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param(
            {"PAYDESK_RATE_LIMIT": "lots"},
            "invalid setting PAYDESK_RATE_LIMIT: 'lots' is not a rate such as 180/minute",
            id="rate limit",
        ),
        pytest.param(
            {"PAYDESK_SESSION_RATE_LIMIT": "600 per fortnight"},
            "invalid setting PAYDESK_SESSION_RATE_LIMIT: '600 per fortnight' is not a rate such as 180/minute",
            id="session rate limit",
        ),
        pytest.param(
            {"PAYDESK_RATE_LIMIT_STORAGE": "memcached://cache"},
            "invalid setting PAYDESK_RATE_LIMIT_STORAGE: must be memory, database or a redis:// URL",
            id="storage",
        ),
        pytest.param(
            {"PAYDESK_SMTP_URL": "mail.example.com:25"},
            "invalid setting PAYDESK_SMTP_URL: must be an smtp:// or smtps:// URL",
            id="smtp url",
        ),
        pytest.param(
            {"PAYDESK_ENV": "staging"},
            "invalid setting PAYDESK_ENV: Input should be 'development' or 'production'",
            id="env",
        ),
    ],
)
def test_invalid_value_is_one_line_naming_the_variable(environ: dict[str, str], message: str) -> None:
    error = settings_error(environ)

    assert error == message
    assert "\n" not in error


# The rules checked across fields (model validator) and a word each message must carry.
CROSS_FIELD_CASES = [
    pytest.param(
        {"PAYDESK_DATABASE_URL": "mysql://db/paydesk"},
        "PAYDESK_DATABASE_URL",
        "must start with sqlite+aiosqlite:// or postgresql+asyncpg://",
        id="database url scheme",
    ),
    pytest.param(
        {"PAYDESK_PUBLIC_URL": "ftp://pay.example.com"},
        "PAYDESK_PUBLIC_URL",
        "must be an http:// or https:// URL",
        id="public url",
    ),
    pytest.param(
        {"PAYDESK_ENV": "production"},
        "PAYDESK_SECRET_KEY",
        "required when PAYDESK_ENV=production",
        id="production without secret key",
    ),
    pytest.param(
        {"PAYDESK_SECRET_KEY": "k" * 31},
        "PAYDESK_SECRET_KEY",
        "at least 32 characters",
        id="short secret key",
    ),
]


@pytest.mark.parametrize(("environ", "variable", "rule"), CROSS_FIELD_CASES)
def test_cross_field_rule_is_one_line(environ: dict[str, str], variable: str, rule: str) -> None:
    error = settings_error(environ)

    assert error.startswith("invalid setting ")
    assert variable.removeprefix("PAYDESK_") in error
    assert rule in error
    assert "\n" not in error


@pytest.mark.parametrize(("environ", "variable", "rule"), CROSS_FIELD_CASES)
def test_cross_field_rule_names_the_variable_like_the_others(
    environ: dict[str, str], variable: str, rule: str
) -> None:
    error = settings_error(environ)

    assert error.startswith(f"invalid setting {variable}: ")
    assert error.endswith(rule)


def test_secret_key_of_32_characters_is_enough() -> None:
    settings = load_settings({"PAYDESK_ENV": "production", "PAYDESK_SECRET_KEY": "k" * 32})

    assert settings.secret() == b"k" * 32


def test_secret_is_made_once_and_kept_in_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = load_settings({"PAYDESK_DATA_DIR": str(data_dir)})

    first = settings.secret()
    second = settings.secret()
    again = load_settings({"PAYDESK_DATA_DIR": str(data_dir)}).secret()

    key_file = data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes() == first
    assert len(first) == 64  # token_urlsafe(48): 48 random bytes in base64
    assert second == first
    assert again == first


def test_secret_key_setting_wins_and_writes_no_file(tmp_path: Path) -> None:
    settings = load_settings({"PAYDESK_DATA_DIR": str(tmp_path), "PAYDESK_SECRET_KEY": GOOD_KEY})

    secret = settings.secret()

    assert secret == GOOD_KEY.encode()
    assert list(tmp_path.iterdir()) == []


def test_settings_are_frozen() -> None:
    settings = load_settings({})

    with pytest.raises(ValueError, match="frozen"):
        settings.rate_limit = "1/second"  # type: ignore[misc]


def test_the_billing_runner_takes_its_concurrency_from_the_settings() -> None:
    from paydesk.billing.jobs import runner_for
    from paydesk.gateways.registry import GatewayRegistry
    from paydesk.transactions.service import Services

    assert (load_settings({}).worker_concurrency, load_settings({}).gateway_concurrency) == (32, 32)
    settings = load_settings({"PAYDESK_WORKER_CONCURRENCY": "8", "PAYDESK_GATEWAY_CONCURRENCY": "4"})
    registry = GatewayRegistry(None, None, b"", "", concurrency=settings.gateway_concurrency)  # type: ignore[arg-type]
    runner = runner_for(Services(None, registry, b"", None, ""), concurrency=settings.worker_concurrency)  # type: ignore[arg-type]
    assert runner.concurrency == 8
    # Each gateway gets a limit of its own, the same one every time it is asked for.
    assert registry.limit("gw_a") is registry.limit("gw_a") is not registry.limit("gw_b")
    assert registry.limit("gw_a")._value == 4
    assert "PAYDESK_WORKER_CONCURRENCY: " in settings_error({"PAYDESK_WORKER_CONCURRENCY": "0"})


def test_reads_are_admitted_four_at_a_time_unless_set() -> None:
    assert load_settings({}).read_concurrency == 4
    settings = load_settings({"PAYDESK_READ_CONCURRENCY": "2"})
    assert settings.read_concurrency == 2
    assert "PAYDESK_READ_CONCURRENCY: " in settings_error({"PAYDESK_READ_CONCURRENCY": "0"})


def test_a_read_waits_ten_seconds_for_its_turn_unless_set() -> None:
    assert load_settings({}).read_queue_timeout == 10.0
    assert load_settings({"PAYDESK_READ_QUEUE_TIMEOUT": "2.5"}).read_queue_timeout == 2.5
    for bad in ("0", "-1", "301", "soon"):
        assert "PAYDESK_READ_QUEUE_TIMEOUT: " in settings_error({"PAYDESK_READ_QUEUE_TIMEOUT": bad})
