"""The emails a customer was sent (or is about to be): what, when, to whom, and how it went."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.models import OutgoingEmail
from paydesk.pagination import Page, PageRequest, newer_first_after


async def emails_of(
    session: AsyncSession, account_id: str, customer_id: str, request: PageRequest
) -> Page[OutgoingEmail]:
    """A customer's emails, newest first."""
    where = [col(OutgoingEmail.account_id) == account_id, col(OutgoingEmail.customer_id) == customer_id]
    query = select(OutgoingEmail).where(*where)
    if request.after is not None:
        query = query.where(
            newer_first_after(col(OutgoingEmail.created_at), col(OutgoingEmail.id), request.after)
        )
    query = query.order_by(col(OutgoingEmail.created_at).desc(), col(OutgoingEmail.id).desc())
    rows = list(await session.exec(query.limit(request.first + 1)))
    total = (await session.exec(select(func.count()).select_from(OutgoingEmail).where(*where))).one()
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, int(total))
