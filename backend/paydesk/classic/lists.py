"""``reqType=list_gateways`` and ``list_invoices``: what a classic integration may name in a sale.

Each object shows its number (the ``id`` a sale sends) beside our opaque id
(``paydesk_id``); only the caller's account is listed, and never a
gateway's credentials. ``GET /1/objects`` lists the same entries
(``paydesk.classic.objects``).
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.classic.answers import Body
from paydesk.classic.requests import Call
from paydesk.gateways import service as gateways
from paydesk.gateways.base import ResultCode
from paydesk.invoices import service as invoices


async def gateways_of(session: AsyncSession, call: Call) -> list[Body]:
    """The account's gateways, the default first."""
    views = await gateways.list_gateways(session, call.services.gateways, call.principal.account_id)
    return [
        {
            "id": view.record.number,
            "paydesk_id": view.record.id,
            "name": view.record.name,
            "kind": view.record.kind,
            "currencies": view.currencies,
            "default": view.record.is_default,
        }
        for view in views
    ]


async def templates_of(session: AsyncSession, call: Call) -> list[Body]:
    """The account's invoice templates (a sale's ``invoice_id``), the default first."""
    templates = await invoices.list_templates(session, call.principal.account_id)
    return [{"id": t.number, "paydesk_id": t.id, "name": t.name} for t in templates]


async def list_gateways(session: AsyncSession, call: Call) -> Body:
    return {"result_code": int(ResultCode.GOOD), "gateways": await gateways_of(session, call)}


async def list_invoices(session: AsyncSession, call: Call) -> Body:
    return {"result_code": int(ResultCode.GOOD), "invoices": await templates_of(session, call)}
