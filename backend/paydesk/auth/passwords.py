"""Password hashing with argon2id (argon2-cffi's recommended parameters), and what a new password must be.

A new or changed password has at least 12 characters and is not one of the
30,000 most common passwords of zxcvbn's maintained list (NIST SP 800-63B:
length, and a check against passwords known to be used); existing users
keep theirs until they change it.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()
# Verified when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("paydesk-timing-equaliser")


def use_fast_hashing() -> None:
    """Cheap parameters, for test suites only."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    _DUMMY_HASH = _hasher.hash("paydesk-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when it matches; with no hash (unknown user) the work is done anyway."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.lower() in _common_passwords():
        return "This is one of the most common passwords: choose one that is harder to guess."
    return None
