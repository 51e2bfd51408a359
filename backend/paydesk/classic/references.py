"""Turning the classic API's references into our ids: a per-account number, or an opaque id as it is.

Classic integrations name contacts, products, gateways and invoice
templates by the small numbers of this account (``paydesk.numbers``). A
number is looked up in the caller's account only, so another account's
number is unknown exactly like one never used; an opaque id is passed on
for the service to look up the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import numbers
from paydesk.classic.fields import Malformed

# What a classic integration calls each kind of numbered object.
NOUNS = {"customer": "contact", "product": "product", "gateway": "gateway", "invoice_template": "invoice"}


async def resolve(
    session: AsyncSession, account_id: str, kind: str, refs: Sequence[tuple[str, int | str]]
) -> list[str]:
    """The ids of ``refs``, (key, number or id) pairs, in order; Malformed at the first unknown number."""
    wanted = [ref for _, ref in refs if isinstance(ref, int)]
    found = await numbers.ids_by_number(session, account_id, kind, wanted) if wanted else {}
    ids = []
    for key, ref in refs:
        if isinstance(ref, str):
            ids.append(ref)
        elif ref in found:
            ids.append(found[ref])
        else:
            raise Malformed(key, f"no {NOUNS[kind]} of this account has number {ref}.")
    return ids


async def resolve_one(session: AsyncSession, account_id: str, kind: str, key: str, ref: int | str) -> str:
    (found,) = await resolve(session, account_id, kind, [(key, ref)])
    return found
