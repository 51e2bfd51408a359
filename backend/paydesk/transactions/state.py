"""The facts about one sale that decide which actions it allows (see ``rules``)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.gateways import service as gateways
from paydesk.gateways.registry import GatewayRegistry
from paydesk.invoices import service as invoices
from paydesk.models import Gateway, Transaction
from paydesk.transactions import repository as repo
from paydesk.transactions.records import SaleState
from paydesk.transactions.rules import Facts, Origin, held_by_dispute


def charged_through_gateway(sale: SaleState) -> bool:
    """Money moved through the sale's gateway, so refunds and voids go there too."""
    return (
        sale.origin == Origin.CHARGED
        and sale.marked_paid_at is None
        and sale.external_id is not None
        and sale.total > 0
    )


def void_window_of(registry: GatewayRegistry, gateway: Gateway | None) -> timedelta | None:
    return registry.adapter(gateway).void_window if gateway is not None else None


def facts_from(
    sale: SaleState,
    *,
    refunded: int,
    has_refunds: bool,
    has_invoice: bool,
    void_window: timedelta | None,
) -> Facts:
    return Facts(
        status=sale.status,
        origin=sale.origin,
        total=sale.total,
        refunded=refunded,
        has_refunds=has_refunds,
        has_invoice=has_invoice,
        marked_paid=sale.marked_paid_at is not None,
        void_in_flight=sale.void_started_at is not None,
        created_at=sale.created_at,
        charged_through_gateway=charged_through_gateway(sale),
        void_window=void_window,
        disputed=held_by_dispute(sale.dispute_status, sale.dispute_amount),
    )


async def facts_of(session: AsyncSession, registry: GatewayRegistry, sale: Transaction) -> Facts:
    gateway = (
        await gateways.get_gateway(session, sale.account_id, sale.gateway_id) if sale.gateway_id else None
    )
    return facts_from(
        sale,
        refunded=await repo.refunded_amount(session, sale.id),
        has_refunds=await repo.has_refunds(session, sale.id),
        has_invoice=bool(await invoices.invoice_for_transactions(session, sale.account_id, [sale.id])),
        void_window=void_window_of(registry, gateway),
    )
