"""The gate every API request passes: which API key is calling, and what is left of its rate limit.

Two front doors let partners in, the GraphQL endpoint and the classic
Payments API (``/payments.php``), and both use this module, so a key is
recognised the same way with the same role at either, and both spend one
budget (DESIGN.md, Rate limits): API keys share their account's, staff
sessions have one each, and a caller nobody recognised is counted by its
address. A partner cannot double its limit by using both doors.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth import service as auth
from paydesk.auth.principal import Principal
from paydesk.auth.ratelimit import Decision
from paydesk.resources import Resources
from paydesk.unit_of_work import unit_of_work

RATE_LIMITED = "Rate limit reached; retry after the window resets."


async def api_key_caller(
    resources: Resources, app_id: str | None, secret: str | None, db: AsyncSession | None = None
) -> Principal | None:
    """The principal of a live API key; None for a missing, wrong or revoked one (which of them is never
    said). The key's last use is written at most once a minute, in a unit of work of its own.

    ``db``: a read session of the request's own to look the key up in (else one is opened for it); when
    the key's last use is written, its transaction is ended, so that what runs on it next sees that write.
    """
    if db is None:
        async with resources.read_sessions() as own:
            return await api_key_caller(resources, app_id, secret, own)
    try:
        principal, touch = await auth.principal_for_api_key(db, resources.secret, app_id or "", secret or "")
    except auth.Unauthenticated:
        return None
    if touch and principal.api_key_id is not None:
        await db.rollback()
        async with unit_of_work(resources.sessions, "key used") as writing:
            await auth.touch_api_key(writing, principal.api_key_id)
    return principal


async def spend(
    resources: Resources, principal: Principal | None, client_host: str | None, cost: int
) -> Decision:
    """Count ``cost`` against the caller's budget; the decision says whether it was allowed."""
    settings = resources.settings
    if principal is None:
        key, rate = f"ip:{client_host or 'unknown'}", settings.session_rate_limit
    elif principal.api_key_id is not None:
        key, rate = principal.rate_limit_key, settings.rate_limit
    else:
        key, rate = principal.rate_limit_key, settings.session_rate_limit
    return await resources.limiter.hit(key, rate, cost)


def rate_headers(decision: Decision) -> dict[str, str]:
    """The headers every answer after the count carries."""
    return {
        "X-Rate-Limit-Limit": str(decision.limit),
        "X-Rate-Limit-Remaining": str(decision.remaining),
        "X-Rate-Limit-Reset": str(decision.reset_after),
    }


def refusal_headers(decision: Decision) -> dict[str, str]:
    """The headers of a 429: the same, and when to retry."""
    return {**rate_headers(decision), "Retry-After": str(max(1, decision.reset_after))}
