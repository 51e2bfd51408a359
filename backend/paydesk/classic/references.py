"""Turning the classic API's references into our ids: a per-account number, or an opaque id as it is.

Classic integrations name contacts, products, gateways and invoice
templates by the small numbers of this account (``paydesk.numbers``). A
number is looked up in the caller's account only, so another account's
number is unknown exactly like one never used; an opaque id is passed on
for the service to look up the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import numbers
from paydesk.classic.fields import Malformed
from paydesk.offers.lines import LineInput

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


@dataclass(frozen=True)
class ClassicLine:
    """A sale's line as read, with its product's reference (number or id) and the key that sent it."""

    key: str
    product: int | str
    line: LineInput


@dataclass(frozen=True)
class SaleIds:
    """A classic sale's references as our ids: the customer, the lines with their products, the
    gateway and the invoice template (None where the body named none)."""

    customer_id: str
    lines: list[LineInput]
    gateway_id: str | None
    template_id: str | None


async def resolve_sale(
    session: AsyncSession,
    account_id: str,
    *,
    contact: int | str,
    lines: Sequence[ClassicLine],
    gateway: int | str | None,
    invoice: int | str | None,
    invoice_key: str,
) -> SaleIds:
    """Look up a sale's contact, products, gateway and invoice template (sent as ``invoice_key``) in
    the account; Malformed at the first unknown number."""
    customer_id = await resolve_one(session, account_id, "customer", "contact_id", contact)
    product_ids = await resolve(session, account_id, "product", [(line.key, line.product) for line in lines])
    gateway_id = (
        await resolve_one(session, account_id, "gateway", "gateway_id", gateway)
        if gateway is not None
        else None
    )
    template_id = (
        await resolve_one(session, account_id, "invoice_template", invoice_key, invoice)
        if invoice is not None
        else None
    )
    with_products = [replace(line.line, product_id=pid) for line, pid in zip(lines, product_ids, strict=True)]
    return SaleIds(customer_id, with_products, gateway_id, template_id)
