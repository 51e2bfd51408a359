"""The page at /card/{token} where a customer puts a card on file for a merchant.

GET shows the form; POST checks the CSRF token, then hands the card to
``card_links.service.submit_card``, which counts failures and locks the link
after five. A link that no longer takes cards gets a 410 page and nothing is
processed; an unknown token gets a 404. The form body is never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from paydesk.card_links.service import (
    MAX_FAILED_ATTEMPTS,
    LinkStatus,
    OpenLink,
    open_link,
    status_of,
    submit_card,
)
from paydesk.errors import DomainError
from paydesk.logs import get_logger
from paydesk.models import PaymentMethod
from paydesk.unit_of_work import unit_of_work
from paydesk.web import card_form, pages, security
from paydesk.web.card_form import FormErrors, Kept

log = get_logger("paydesk.web.card")

# A link's token is secrets.token_urlsafe(32); anything unlike it is not looked up at all.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
# The form has six short fields; anything beyond these bounds is not a browser filling it in.
_MAX_FIELDS = 20
_MAX_FIELD_BYTES = 1024
# Warn the payer once this few tries are left before the link locks.
_WARN_WHEN_LEFT = 2
GONE = 410


@dataclass(frozen=True)
class LinkView:
    """What the pages show of a link, read before the service commits or rolls back."""

    merchant: str
    first_name: str | None
    takes_over_open_orders: bool
    expires_at: datetime

    @classmethod
    def of(cls, opened: OpenLink) -> LinkView:
        first_name = (opened.customer.first_name or "").strip() or None
        link = opened.link
        return cls(opened.account.name, first_name, link.takes_over_open_orders, link.expires_at)


async def show(request: Request) -> Response:
    """GET: the form, or why this link takes no card."""
    async with pages.resources_of(request).read_sessions() as session:
        opened = await _open(session, request)
        if opened is None:
            return _not_found(request)
        view, status = LinkView.of(opened), opened.status
    if status is not LinkStatus.ACTIVE:
        return _closed(request, view, status)
    return _form(request, view, Kept(), FormErrors(), status=200)


async def submit(request: Request) -> Response:
    """POST: one attempt at putting the card on file."""
    try:
        form = await request.form(max_files=0, max_fields=_MAX_FIELDS, max_part_size=_MAX_FIELD_BYTES)
    except HTTPException:
        return pages.bad_request(request)
    # The page owns the transaction: a card put on file commits when the answer is ready.
    async with unit_of_work(pages.resources_of(request).sessions, "card added") as session:
        opened = await _open(session, request)
        if opened is None:
            return _not_found(request)
        view = LinkView.of(opened)
        if opened.status is not LinkStatus.ACTIVE:
            return _closed(request, view, opened.status)
        if not security.csrf_valid(request, form):
            log.info("card_page.csrf_refused", link_id=opened.link.id)
            return pages.csrf_failed(request)
        return await _attempt(request, session, opened, view, form)


async def _open(session: AsyncSession, request: Request) -> OpenLink | None:
    token = str(request.path_params["token"])
    return await open_link(session, token) if _TOKEN_SHAPE.fullmatch(token) else None


async def _attempt(
    request: Request, session: AsyncSession, opened: OpenLink, view: LinkView, form: FormData
) -> Response:
    card, kept = card_form.read(form)
    missing = card_form.incomplete(card)
    if missing:
        return _form(request, view, kept, FormErrors.of(missing), status=422)
    resources = pages.resources_of(request)
    try:
        method = await submit_card(session, resources.gateways, resources.secret, opened, card)
    except DomainError as error:
        return _refused(request, opened, view, kept, error)
    log.info("card_page.card_added", link_id=opened.link.id, payment_method_id=method.id)
    return _done(request, view, method)


def _refused(request: Request, opened: OpenLink, view: LinkView, kept: Kept, error: DomainError) -> Response:
    link = opened.link  # refreshed by the service after it counted the failure
    codes = sorted({problem.code.value for problem in error.problems})
    log.info("card_page.card_refused", link_id=link.id, codes=codes, failed_attempts=link.failed_attempts)
    status = status_of(link)
    if status is not LinkStatus.ACTIVE:
        return _closed(request, view, status)
    errors = FormErrors.of(error.problems)
    left = MAX_FAILED_ATTEMPTS - link.failed_attempts
    if 0 < left <= _WARN_WHEN_LEFT:
        tries = "try" if left == 1 else "tries"
        errors.general.append(f"For your security, this link locks after {left} more unsuccessful {tries}.")
    return _form(request, view, kept, errors, status=422)


def _form(request: Request, view: LinkView, kept: Kept, errors: FormErrors, *, status: int) -> Response:
    context = {"link": view, "values": kept, "errors": errors, "action": request.url.path}
    return pages.render(
        request, "card_form.html", context, status=status, csrf=security.csrf_token_for(request)
    )


def _done(request: Request, view: LinkView, method: PaymentMethod) -> Response:
    context = {"link": view, "brand": method.brand, "last4": method.last4}
    return pages.render(request, "card_done.html", context)


def _closed(request: Request, view: LinkView, status: LinkStatus) -> Response:
    return pages.render(request, "link_closed.html", {"link": view, "reason": status.value}, status=GONE)


def _not_found(request: Request) -> Response:
    return pages.render(request, "link_closed.html", {"link": None, "reason": "UNKNOWN"}, status=404)
