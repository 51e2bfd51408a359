"""What a new password must be (NIST SP 800-63B): 12 characters or more, and not one of the common ones.

The common passwords are zxcvbn's maintained list (30,000 of them), read from
the package, never pasted here. Wherever a password is set (createUser, a new
account's owner from the command line) the same rule answers at the field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from paydesk.auth.passwords import MIN_PASSWORD_LENGTH, password_problem
from tests.helpers import Api, World

CREATE = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { email } userErrors { field code message } } }"
# A long password that people use anyway, from the list itself.
COMMON_LONG = next(word for word in FREQUENCY_LISTS["passwords"] if len(word) >= MIN_PASSWORD_LENGTH)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("elevenchars", "Use at least 12 characters."),
        (COMMON_LONG, "This is one of the most common passwords: choose one that is harder to guess."),
        (
            COMMON_LONG.upper(),
            "This is one of the most common passwords: choose one that is harder to guess.",
        ),
        ("a" * 257, "Use at most 256 characters."),
        ("kayak-on-the-lake-at-dawn", None),
        ("correct horse battery", None),
    ],
)
def test_the_rule(password: str, problem: str | None) -> None:
    assert MIN_PASSWORD_LENGTH == 12
    assert password_problem(password) == problem


@pytest.mark.parametrize("password", ["elevenchars", COMMON_LONG])
async def test_create_user_refuses_a_short_or_common_password_at_the_field(
    api: Api, world: World, password: str
) -> None:
    made = await api.gql(
        CREATE, world.a.caller("admin"), i={"email": "weak@alpha.test", "password": password, "role": "REP"}
    )

    (error,) = made["createUser"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "password"], "INVALID")
    assert made["createUser"]["user"] is None
    assert password not in error["message"]


def test_the_command_line_refuses_a_weak_owner_password(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from paydesk.cli import app

    runner = CliRunner()
    env = {
        "PAYDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        "PAYDESK_DATA_DIR": str(tmp_path),
    }
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    result = runner.invoke(
        app,
        [
            "account",
            "create",
            "--name",
            "Shop",
            "--owner-email",
            "o@shop.test",
            "--owner-password",
            COMMON_LONG,
        ],
        env=env,
    )
    assert result.exit_code != 0
    assert "common" in result.output + (result.stderr if result.stderr_bytes is not None else "")
