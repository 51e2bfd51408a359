"""The request types the classic API answers: payments.php's by ``reqType``, and the ``/1/`` ones."""

from __future__ import annotations

from typing import Any

from paydesk.auth.roles import Role
from paydesk.classic import lists, manual, objects, sale
from paydesk.classic.requests import RequestType

REQUEST_TYPES: dict[str, RequestType[Any]] = {
    kind.name: kind
    for kind in (
        RequestType("sale", Role.REP, prepare=sale.prepare, write=sale.sell),
        RequestType("list_gateways", Role.VIEWER, prepare=lists.list_gateways),
        RequestType("list_invoices", Role.VIEWER, prepare=lists.list_invoices),
    )
}

# POST /1/transaction/processManual sells as payments.php's sale does (REP); GET /1/objects reads.
PROCESS_MANUAL: RequestType[Any] = RequestType(
    "processManual", Role.REP, prepare=manual.prepare, write=manual.process
)
OBJECTS: RequestType[Any] = RequestType("objects", Role.VIEWER, prepare=objects.list_objects)
