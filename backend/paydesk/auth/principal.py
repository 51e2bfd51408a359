"""Who is calling: a signed-in staff member or an API key, always within one account."""

from __future__ import annotations

from dataclasses import dataclass

from paydesk.auth.roles import Role, allows
from paydesk.errors import forbidden


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: str
    role: Role
    user_id: str | None = None
    api_key_id: str | None = None
    session_id: str | None = None

    @property
    def rate_limit_key(self) -> str:
        """API keys share their account's budget; staff each have their own."""
        return f"user:{self.user_id}" if self.user_id else f"account:{self.account_id}"

    def require(self, needed: Role) -> None:
        """Raise FORBIDDEN unless this caller's role may do what ``needed`` may."""
        if not allows(self.role, needed):
            raise forbidden(f"This needs the {needed.value} role or higher; you have {self.role.value}.")
