"""Who is calling: a signed-in staff member or an API key, always within one account."""

from __future__ import annotations

from dataclasses import dataclass

from paydesk.auth.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: str
    role: Role
    user_id: str | None = None
    api_key_id: str | None = None
    session_id: str | None = None
    # The payer on a hosted page (a pay or card link), acting within the merchant's account.
    payer: bool = False

    @property
    def rate_limit_key(self) -> str:
        """API keys share their account's budget; staff each have their own."""
        return f"user:{self.user_id}" if self.user_id else f"account:{self.account_id}"
