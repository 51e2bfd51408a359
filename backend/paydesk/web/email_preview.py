"""The portal's email preview at POST /email-preview: the email as a customer gets it, for a sandboxed
frame in the email editor.

Emails carry their styles inline, which the portal's own Content-Security-
Policy refuses (and a ``srcdoc`` frame inherits it), so the editor posts its
form here, into the frame, and this page gets a policy of its own: inline
styles and nothing else; no script, no form, no plugin, framed only by the
portal, and sandboxed. Only a signed-in staff member's session (a SameSite
cookie, so another site's form arrives without it) and a same-origin post
are answered; the wording is checked exactly as ``emailTemplatePreview``
checks it, and refused wording shows why.
"""

from __future__ import annotations

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from paydesk.auth import service as auth
from paydesk.auth.tokens import SESSION_COOKIE
from paydesk.email_templates import service as email_templates
from paydesk.email_templates.kinds import Kind
from paydesk.errors import DomainError
from paydesk.models import Account
from paydesk.web.pages import resources_of

PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'; sandbox"
)
HEADERS = {
    "Content-Security-Policy": PREVIEW_CSP,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
}
# The form's largest fields: a subject and a body at their limits, with room for their encoding.
MAX_FIELD = 4 * email_templates.MAX_BODY


def _page(status: int, html: str) -> Response:
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _note(status: int, text: str) -> Response:
    body = f'<p style="font-family:sans-serif; color:#57606a; padding:16px;">{escape(text)}</p>'
    return _page(
        status, f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Preview</title>{body}</html>"
    )


async def show(request: Request) -> Response:
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return _note(403, "The preview opens from the portal only.")
    resources = resources_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    async with resources.read_sessions() as db:
        principal = await auth.principal_for_session(db, token) if token else None
        account = await db.get(Account, principal.account_id) if principal is not None else None
    if account is None:
        return _note(401, "Sign in to the portal to preview emails.")
    async with request.form(max_files=0, max_fields=5, max_part_size=MAX_FIELD) as form:
        kind, subject, body = (str(form.get(name) or "") for name in ("kind", "subject", "body"))
    if kind not in Kind.__members__:
        return _note(400, "Pick one of the emails to preview.")
    try:
        rendered = email_templates.preview(Kind[kind], account.name, subject=subject, body=body)
    except DomainError as error:
        return _note(200, " ".join(problem.message for problem in error.problems))
    return _page(200, rendered.html)
