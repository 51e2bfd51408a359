"""Roles and what each may do (DESIGN.md, Rules: Roles)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff member's or API key's role."""

    OWNER = "OWNER"
    ADMIN = "ADMIN"
    REP = "REP"
    VIEWER = "VIEWER"

    @classmethod
    def parse(cls, value: str) -> Role:
        """A role from its name in any case ("admin", "Admin")."""
        try:
            return cls(value.strip().upper())
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise ValueError(f"{value!r} is not a role; use one of {names}") from None


# VIEWER reads; REP also works with customers and sales; ADMIN and OWNER may do everything.
_RANK = {Role.VIEWER: 0, Role.REP: 1, Role.ADMIN: 2, Role.OWNER: 2}


def allows(role: Role, needed: Role) -> bool:
    """Whether ``role`` may do what ``needed`` may."""
    return _RANK[role] >= _RANK[needed]
