"""``POST /webhooks/stripe/{gatewayId}``: Stripe's events for one of our Stripe gateways.

Stripe signs each request with the endpoint's secret, which the merchant
gave with the gateway (``webhookSecret``, encrypted, never returned). A
request is read whole (at most ``MAX_BODY`` bytes), its ``Stripe-Signature``
verified (HMAC-SHA256 over ``{t}.{body}``, 300 s tolerance, constant-time,
any of several ``v1`` values) before anything is parsed or applied; a bad
one is a 400 that changes nothing. A verified event is applied once in this
request's unit of work (``transactions.stripe_events``), and the answer is
200 for every verified event, duplicates and unknown types included, so
Stripe stops retrying. Answers are JSON and never echo the body.
"""

from __future__ import annotations

import json
import time

from starlette.requests import Request
from starlette.responses import JSONResponse

from paydesk.gateways import service as gateways
from paydesk.gateways.stripe.signature import SignatureRefused, verify
from paydesk.logs import get_logger
from paydesk.transactions.stripe_events import apply_event
from paydesk.unit_of_work import unit_of_work
from paydesk.web import pages
from paydesk.web.pay_page import resources_for_services

log = get_logger("paydesk.web.stripe")

# Stripe's events are a few kilobytes; a charge with many refunds stays far below this.
MAX_BODY = 512 * 1024


def _answer(status: int, message: str, **fields: object) -> JSONResponse:
    return JSONResponse({"message": message, **fields}, status_code=status)


async def receive(request: Request) -> JSONResponse:
    resources = pages.resources_of(request)
    gateway_id = str(request.path_params["gateway_id"])
    body = await request.body()
    if len(body) > MAX_BODY:
        return _answer(413, "The request body is too large.")
    async with resources.read_sessions() as db:
        gateway = await gateways.gateway_by_id(db, gateway_id)
    secret = gateways.webhook_secret_of(resources.secret, gateway) if gateway is not None else None
    if gateway is None or secret is None:
        return _answer(404, "No Stripe gateway takes webhooks here.")
    try:
        verify(request.headers.get("stripe-signature"), body, secret, now=time.time())
    except SignatureRefused as refused:
        log.warning("stripe.signature_refused", gateway_id=gateway.id, reason=str(refused))
        return _answer(400, "The Stripe-Signature does not verify.")
    try:
        event = json.loads(body)
    except ValueError:
        return _answer(400, "The body is not JSON.")
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        return _answer(400, "The body is not a Stripe event.")
    async with unit_of_work(resources.sessions, "stripe event") as session:
        outcome = await apply_event(session, resources_for_services(request), gateway, event)
    return _answer(200, "Received.", received=True, outcome=outcome)
