"""The request types the classic API answers, by their ``reqType``."""

from __future__ import annotations

from typing import Any

from paydesk.auth.roles import Role
from paydesk.classic import lists, sale
from paydesk.classic.requests import RequestType

REQUEST_TYPES: dict[str, RequestType[Any]] = {
    kind.name: kind
    for kind in (
        RequestType("sale", Role.REP, prepare=sale.prepare, write=sale.sell),
        RequestType("list_gateways", Role.VIEWER, prepare=lists.list_gateways),
        RequestType("list_invoices", Role.VIEWER, prepare=lists.list_invoices),
    )
}
