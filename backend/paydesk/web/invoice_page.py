"""The public invoice page at /invoice/{token}: no login, the invoice as its template renders it.

The template's output is already escaped value by value in the sandbox;
the page adds the hosted pages' layout and headers, whose
Content-Security-Policy allows no script, no foreign style, image or form.
An unknown token gets a 404 page.
"""

from __future__ import annotations

import re

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from paydesk.invoices.service import public_invoice
from paydesk.web import pages

# An invoice token is secrets.token_urlsafe(32); anything unlike it is not looked up at all.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


async def show(request: Request) -> Response:
    token = str(request.path_params["token"])
    async with pages.resources_of(request).read_sessions() as session:
        found = await public_invoice(session, token) if _TOKEN_SHAPE.fullmatch(token) else None
    if found is None:
        lines = ["This link does not lead to an invoice. Check that it was copied whole, or ask the sender."]
        return pages.message(request, status=404, title="Invoice not found", lines=lines)
    context = {"merchant": found.merchant, "number": found.number, "invoice": Markup(found.html)}  # noqa: S704
    return pages.render(request, "invoice.html", context)


invoice_routes: list[BaseRoute] = [Route("/invoice/{token}", show, methods=["GET"], name="invoice_page")]
