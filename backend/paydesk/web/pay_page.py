"""The hosted checkout at /pay/{token}: the payer sees what they pay for and pays with a card.

Same design and protections as the card page (``card_page``): server
rendered, no JavaScript, the pages' own stylesheet only, a strict CSP, a
double-submit CSRF token, the form body never logged and the card number
and security code never put back into a page. GET shows the request;
POST either applies a coupon (the summary is priced again, nothing is
charged: also when Pay is pressed with a code that is not yet applied) or
pays the total the page showed. Every answer shows the payer's choices
again (``pay_choices``); the new-card fields are checked only when "A new
card" is chosen, so a card on file pays with them left empty. A paid,
expired, cancelled or locked request shows why and charges nothing.
Amounts are formatted for the payer's browser locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from babel import Locale, UnknownLocaleError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from paydesk.errors import DomainError, ErrorCode, Problem
from paydesk.invoices import service as invoices
from paydesk.logs import get_logger, scrub
from paydesk.money import Money
from paydesk.payment_requests.service import (
    Declined,
    OpenRequest,
    Paid,
    PayInput,
    RequestStatus,
    Waiting,
    lines_of,
    open_request,
    pay,
    price_with_coupon,
)
from paydesk.transactions.orders import Order
from paydesk.transactions.service import Services
from paydesk.unit_of_work import discard_phase, end_phase, unit_of_work
from paydesk.web import card_form, pages, pay_choices, security
from paydesk.web.card_form import FormErrors
from paydesk.web.pay_choices import NEW_CARD, Choices

log = get_logger("paydesk.web.pay")

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
_MAX_FIELDS = 20
_MAX_FIELD_BYTES = 1024
GONE = 410
# Plain words for the issuer's reasons; anything else gets the generic one.
DECLINE_WORDS = {
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "stolen_card": "The card cannot be used.",
    "lost_card": "The card cannot be used.",
    "incorrect_cvc": "The security code is not right.",
}
GENERIC_DECLINE = "Your bank declined the payment."


@dataclass(frozen=True)
class LineView:
    description: str
    quantity: int
    amount: str
    note: str | None


@dataclass
class Summary:
    """What the page shows of the request, formatted for the payer."""

    merchant: str
    first_name: str | None
    description: str | None
    lines: list[LineView]
    subtotal: str
    discount: str | None
    total: str
    expires_at: datetime
    allow_coupon: bool
    cards: list[tuple[str, str]] = field(default_factory=list)


def payer_locale(request: Request, fallback: str) -> str:
    """The first locale of the browser's Accept-Language that babel knows, else the merchant's."""
    header = request.headers.get("accept-language", "")
    for part in header.split(",")[:10]:
        tag = part.split(";")[0].strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        try:
            locale = Locale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        if locale.territory or locale.language:
            return str(locale).replace("_", "-")
    return fallback


def _summary(request: Request, opened: OpenRequest, order: Order | None = None) -> Summary:
    req = opened.request
    locale = payer_locale(request, opened.account.locale)

    def money(minor: int) -> str:
        return Money(minor, req.currency).format(locale)

    lines = []
    for line in lines_of(req):
        note = None
        if line.kind.value == "SUBSCRIPTION" and line.unit:
            note = f"then {money(line.quantity * line.unit_price)} every {line.unit.value.lower()}"
        elif line.kind.value == "PAYMENT_PLAN" and line.unit and line.payment_count:
            note = f"first of {line.payment_count} payments, one every {line.unit.value.lower()}"
        due = line.first_payment if line.first_payment is not None else line.quantity * line.unit_price
        lines.append(LineView(line.description, line.quantity, money(due), note))
    subtotal = order.totals.subtotal if order else req.subtotal
    discount = order.totals.discount if order else req.discount
    total = order.totals.total if order else req.total
    cards = [(c.id, f"{(c.brand or 'card').capitalize()} ending in {c.last4}") for c in opened.cards]
    first_name = (opened.customer.first_name or "").strip() or None
    return Summary(
        merchant=opened.account.name,
        first_name=first_name,
        description=req.description,
        lines=lines,
        subtotal=money(subtotal),
        discount=money(discount) if discount else None,
        total=money(total),
        expires_at=req.expires_at,
        allow_coupon=req.allow_coupon,
        cards=cards,
    )


async def show(request: Request) -> Response:
    """GET: the request and the payment form, or why it takes no payment."""
    async with unit_of_work(pages.resources_of(request).sessions, "shown") as session:
        opened = await _open(session, request)
        if opened is None:
            return _not_found(request)
        summary = _summary(request, opened)
        invoice_url = await _invoice_url(request, session, opened)
    if opened.transaction is not None and opened.transaction.status == "PENDING":
        return _waiting(request, summary)  # even past the expiry: the payer may well have paid
    if opened.status is not RequestStatus.OPEN:
        return _closed(request, summary, opened.status, invoice_url)
    return _form(request, summary, opened, Choices(), FormErrors())


async def submit(request: Request) -> Response:
    """POST: apply a coupon (nothing is charged), or one attempt at paying the total the page showed."""
    try:
        form = await request.form(max_files=0, max_fields=_MAX_FIELDS, max_part_size=_MAX_FIELD_BYTES)
    except HTTPException:
        return pages.bad_request(request)
    resources = pages.resources_of(request)
    # The page owns the transaction: pay() ends its phases through this unit of work.
    async with unit_of_work(resources.sessions, "answered") as session:
        opened = await _open(session, request)
        if opened is None:
            return _not_found(request)
        if opened.status is not RequestStatus.OPEN:
            invoice_url = await _invoice_url(request, session, opened)
            return _closed(request, _summary(request, opened), opened.status, invoice_url)
        if not security.csrf_valid(request, form):
            log.info("pay_page.csrf_refused", payment_request_id=opened.request.id)
            return pages.csrf_failed(request)
        card, kept = card_form.read(form)
        choices = pay_choices.read(form, kept, allow_coupon=opened.request.allow_coupon)
        if form.get("action") == "apply_coupon" or choices.coupon_pending:
            return await _apply_coupon(request, session, opened, choices)
        order = None
        if choices.applied_coupon:
            try:
                order = await price_with_coupon(session, opened, choices.applied_coupon)
            except DomainError as error:
                return _coupon_refused(request, opened, choices, error)
        summary = _summary(request, opened, order)
        new_card = choices.payment_method in ("", NEW_CARD)
        if new_card:
            missing = card_form.incomplete(card)
            if missing:
                return _form(request, summary, opened, choices, FormErrors.of(missing), status=422)
        elif card.number:
            return _form(request, summary, opened, choices, _which_card(summary, choices), status=422)
        payment = PayInput(
            attempt=_number(_text(form, "attempt", 4)),
            payment_method_id=None if new_card else choices.payment_method,
            card=card if new_card else None,
            keep_card=choices.keep_card,
            coupon_code=choices.applied_coupon or None,
        )
        token = str(request.path_params["token"])
        try:
            result = await pay(session, resources_for_services(request), token, payment)
        except DomainError as error:
            # The rollback expires every loaded row: read the request again before using it.
            await discard_phase(session)
            again = await _open(session, request)
            assert again is not None
            codes = _codes(error)
            log.info("pay_page.refused", payment_request_id=again.request.id, codes=codes)
            if {ErrorCode.IDEMPOTENCY_KEY_REUSED.value, ErrorCode.IDEMPOTENCY_KEY_IN_USE.value} & set(codes):
                # Another window is paying (or has paid) this request with other details.
                invoice_url = await _invoice_url(request, session, again)
                await end_phase(session, "answered")
                if again.status is not RequestStatus.OPEN:
                    return _closed(request, _summary(request, again), again.status, invoice_url)
                return _busy(request, summary)
            await end_phase(session, "answered")
            if any(p.code is ErrorCode.COUPON_INVALID for p in error.problems):
                return _coupon_refused(request, again, choices, error)
            return _form(request, summary, again, choices, FormErrors.of(_card_problems(error)), status=422)
        if isinstance(result, Paid):
            log.info("pay_page.paid", payment_request_id=opened.request.id, transaction_id=result.sale.id)
            again = await _open(session, request)
            assert again is not None
            invoice_url = await _invoice_url(request, session, again)
            await end_phase(session, "answered")
            return _done(request, summary, result, invoice_url)
        if isinstance(result, Waiting):
            return _waiting(request, summary)
        log.info(
            "pay_page.declined", payment_request_id=opened.request.id, attempts_left=result.attempts_left
        )
        if result.attempts_left == 0:
            return _closed(request, summary, RequestStatus.LOCKED, None)
        again = await _open(session, request)
        assert again is not None
        await end_phase(session, "answered")
        errors = FormErrors(general=[_decline_words(result), _tries_left(result.attempts_left)])
        return _form(request, summary, again, choices, errors, status=402)


async def _apply_coupon(
    request: Request, session: AsyncSession, opened: OpenRequest, choices: Choices
) -> Response:
    """The coupon step: the total priced with the code in the field (or with none); nothing is charged."""
    code = choices.typed_coupon
    if not code:
        notice = "The coupon was removed. Nothing has been charged yet." if choices.applied_coupon else None
        return _form(
            request, _summary(request, opened), opened, choices.with_coupon(""), FormErrors(), notice=notice
        )
    try:
        order = await price_with_coupon(session, opened, code)
    except DomainError as error:
        return _coupon_refused(request, opened, choices.with_coupon(code), error)
    summary = _summary(request, opened, order)
    notice = f"Coupon {scrub(code)} applied: the total is now {summary.total}. Nothing has been charged yet."
    return _form(request, summary, opened, choices.with_coupon(code), FormErrors(), notice=notice)


def _coupon_refused(request: Request, opened: OpenRequest, choices: Choices, error: DomainError) -> Response:
    """A code that cannot be used: named at its field, which is left empty; the total is the full one."""
    code = choices.typed_coupon or choices.applied_coupon
    reasons = [scrub(p.message) for p in error.problems if p.code is ErrorCode.COUPON_INVALID]
    message = f"The code \u201c{scrub(code)}\u201d was not applied. {' '.join(reasons)}".strip()
    errors = FormErrors(fields={"coupon_code": message})
    return _form(request, _summary(request, opened), opened, choices.with_coupon(""), errors, status=422)


def _which_card(summary: Summary, choices: Choices) -> FormErrors:
    """A card number typed while a card on file is chosen: ask which one, rather than guess."""
    label = dict(summary.cards).get(choices.payment_method, "the card on file")
    message = (
        f"You typed a new card but chose {label}. Choose \u201cA new card\u201d to pay with the new one, "
        "or clear the card number."
    )
    return FormErrors(fields={"payment_method": message})


def resources_for_services(request: Request) -> Services:
    res = pages.resources_of(request)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url, res.clock)


def _decline_words(result: Declined) -> str:
    sale = result.sale
    if sale.status == "DECLINED":
        return DECLINE_WORDS.get(sale.decline_code or "", GENERIC_DECLINE) + " Nothing was charged."
    return "The payment could not be processed. Nothing was charged."


def _tries_left(left: int) -> str:
    tries = "try" if left == 1 else "tries"
    return f"Try another card. For your security, this page locks after {left} more unsuccessful {tries}."


def _card_problems(error: DomainError) -> list[Problem]:
    out = []
    for problem in error.problems:
        path = problem.field or ()
        if problem.code is ErrorCode.COUPON_INVALID:
            out.append(Problem(problem.code, problem.message, None))
        elif len(path) >= 2 and path[0] == "card":
            out.append(problem)
        else:
            out.append(Problem(problem.code, problem.message, None))
    return out


def _codes(error: DomainError) -> list[str]:
    return sorted({p.code.value for p in error.problems})


def _text(form: FormData, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _number(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else 0


async def _open(session: AsyncSession, request: Request) -> OpenRequest | None:
    token = str(request.path_params["token"])
    return await open_request(session, token) if _TOKEN_SHAPE.fullmatch(token) else None


async def _invoice_url(request: Request, session: AsyncSession, opened: OpenRequest) -> str | None:
    sale = opened.transaction
    if sale is None or opened.status is not RequestStatus.PAID:
        return None
    found = await invoices.invoice_for_transactions(session, sale.account_id, [sale.id])
    if not found:
        return None
    res = pages.resources_of(request)
    return invoices.invoice_url(found[0], res.secret, res.settings.public_url)


def _form(
    request: Request,
    summary: Summary,
    opened: OpenRequest,
    choices: Choices,
    errors: FormErrors,
    *,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    context = {
        "summary": summary,
        "values": choices.card,
        "choices": choices,
        "checked": choices.checked([card_id for card_id, _ in summary.cards]),
        "errors": errors,
        "notice": notice,
        "action": request.url.path,
        "attempt": opened.request.failed_attempts,
    }
    return pages.render(
        request, "pay_form.html", context, status=status, csrf=security.csrf_token_for(request)
    )


def _done(request: Request, summary: Summary, paid: Paid, invoice_url: str | None) -> Response:
    context = {"summary": summary, "last4": None, "invoice_url": invoice_url, "reference": paid.sale.id}
    return pages.render(request, "pay_done.html", context)


def _busy(request: Request, summary: Summary) -> Response:
    return pages.message(
        request,
        status=409,
        title="This payment is being made in another window",
        lines=[
            f"Nothing more was charged. Reload this page in a moment to see whether {summary.merchant} "
            "has been paid.",
        ],
        retry=True,
    )


def _waiting(request: Request, summary: Summary) -> Response:
    return pages.message(
        request,
        status=202,
        title="Your payment is being confirmed",
        lines=[
            f"{summary.merchant}'s payment provider has not answered yet. Do not pay again:",
            "this page will show the outcome when you reload it in a few minutes.",
        ],
        retry=True,
    )


def _closed(request: Request, summary: Summary, status: RequestStatus, invoice_url: str | None) -> Response:
    context = {"summary": summary, "reason": status.value, "invoice_url": invoice_url}
    return pages.render(
        request, "pay_closed.html", context, status=200 if status is RequestStatus.PAID else GONE
    )


def _not_found(request: Request) -> Response:
    return pages.render(
        request, "pay_closed.html", {"summary": None, "reason": "UNKNOWN", "invoice_url": None}, status=404
    )
