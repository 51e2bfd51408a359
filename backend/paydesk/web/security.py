"""What every hosted page sends and checks: its security headers and a double-submit CSRF token.

The payer has no session, so a form is protected by a random token kept
twice: in an HttpOnly, SameSite=Strict cookie scoped to the page's path, and
in a hidden field. Another site can make a browser post the form but can
neither read nor set the cookie, so the two only match on our own page.
"""

from __future__ import annotations

import hmac
import re
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

# Pages load only their own stylesheet (and a data: favicon); no scripts, no frames, no foreign forms.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    # A page may show a customer's name and the last digits of a card: keep it out of every cache.
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

CSRF_COOKIE = "paydesk_csrf"
CSRF_FIELD = "csrf_token"
# 32 random bytes, as secrets.token_urlsafe(32) spells them.
_CSRF_BYTES = 32
_CSRF_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def csrf_token_for(request: Request) -> str:
    """The browser's token for this page if it has a good one, else a new one.

    Keeping an existing token lets the same page stay usable in two tabs.
    """
    current = request.cookies.get(CSRF_COOKIE, "")
    return current if _CSRF_SHAPE.fullmatch(current) else secrets.token_urlsafe(_CSRF_BYTES)


def set_csrf_cookie(response: Response, request: Request, token: str, *, secure: bool) -> None:
    """Give the browser ``token`` for this page's path only, for this browser session."""
    response.set_cookie(
        CSRF_COOKIE,
        token,
        path=request.url.path,
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def csrf_valid(request: Request, form: FormData) -> bool:
    """True when the form carries the same well-formed token as the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    field = form.get(CSRF_FIELD)
    if not isinstance(field, str) or not _CSRF_SHAPE.fullmatch(cookie):
        return False
    return hmac.compare_digest(cookie.encode(), field.encode())
