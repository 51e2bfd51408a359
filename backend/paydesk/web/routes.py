"""The hosted pages' routes, for the app to mount as they are."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from paydesk.web import card_page, classic_v1, email_preview, pay_page, payments_php, stripe_webhook
from paydesk.web.invoice_page import invoice_routes
from paydesk.web.pages import STATIC_DIR, STATIC_PATH

routes: list[BaseRoute] = [
    Route("/card/{token}", card_page.show, methods=["GET"], name="card_page"),
    Route("/card/{token}", card_page.submit, methods=["POST"], name="card_page_submit"),
    Route("/pay/{token}", pay_page.show, methods=["GET"], name="pay_page"),
    Route("/pay/{token}", pay_page.submit, methods=["POST"], name="pay_page_submit"),
    Route("/email-preview", email_preview.show, methods=["POST"], name="email_preview"),
    Route("/webhooks/stripe/{gateway_id}", stripe_webhook.receive, methods=["POST"], name="stripe_webhook"),
    # The classic Payments API answers every method itself, in JSON (only POST does anything).
    Route("/payments.php", payments_php.payments_php, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    Route(
        "/1/transaction/processManual",
        classic_v1.process_manual,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    ),
    Route("/1/objects", classic_v1.list_objects, methods=["GET"]),
    *invoice_routes,
    Mount(STATIC_PATH, app=StaticFiles(directory=STATIC_DIR), name="pages_static"),
]
