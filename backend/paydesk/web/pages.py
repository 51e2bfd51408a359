"""Rendering hosted pages: one Jinja2 environment, one layout, one stylesheet, the same headers.

Templates are autoescaped and a missing variable is an error, so a typo
shows up in tests instead of as a blank on a payer's screen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from paydesk.notify.templates import long_date, sentence_end
from paydesk.resources import Resources
from paydesk.web import security

STATIC_PATH = "/pages/static"
STATIC_DIR = Path(__file__).parent / "static"

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("paydesk.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["long_date"] = long_date
_env.filters["sentence_end"] = sentence_end


@cache
def static_url(name: str) -> str:
    """The path of one of the pages' own assets, with a content hash so a new version is fetched."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_PATH}/{name}?v={digest}"


_env.globals["static_url"] = static_url


def resources_of(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    csrf: str | None = None,
) -> HTMLResponse:
    """A page with the hosted pages' headers; with ``csrf``, its form token is set as the cookie too."""
    html = _env.get_template(template).render({**context, "csrf_field": security.CSRF_FIELD, "csrf": csrf})
    response = HTMLResponse(html, status_code=status, headers=security.PAGE_HEADERS)
    if csrf is not None:
        secure = resources_of(request).settings.secure_cookies
        security.set_csrf_cookie(response, request, csrf, secure=secure)
    return response


def message(
    request: Request, *, status: int, title: str, lines: list[str], retry: bool = False
) -> HTMLResponse:
    """A page that only says something: an error, or why nothing can be done here."""
    context = {"title": title, "lines": lines, "retry_url": request.url.path if retry else None}
    return render(request, "message.html", context, status=status)


def csrf_failed(request: Request) -> HTMLResponse:
    return message(
        request,
        status=403,
        title="This page has expired",
        lines=[
            "For your security, nothing was sent. Reload the page and try again.",
            "If this keeps happening, make sure your browser accepts cookies from this site.",
        ],
        retry=True,
    )


def bad_request(request: Request) -> HTMLResponse:
    return message(
        request,
        status=400,
        title="Something went wrong",
        lines=["The form could not be read and nothing was sent. Reload the page and try again."],
        retry=True,
    )


# What a payer who had just sent a form is told when its answer cannot be given: how to find out.
_MAY_HAVE_GONE_THROUGH = (
    "If you had just sent a payment, it may still go through: wait a few minutes and reload this page "
    "before paying again. It says so once a payment has been taken."
)


def out_of_reach(request: Request, retry_after: str) -> HTMLResponse:
    """The database (or another service paydesk needs) is out of reach: the page cannot be shown or
    used now (paydesk.unavailable). A payer who had just pressed Pay is told how to find out whether it
    went through, before paying again."""
    lines = ["This page cannot be used at the moment. Try again in a minute."]
    if request.method == "POST":
        lines.append(_MAY_HAVE_GONE_THROUGH)
    page = message(request, status=503, title="Please try again in a minute", lines=lines, retry=True)
    page.headers["Retry-After"] = retry_after
    return page


def internal_error(request: Request, reference: str) -> HTMLResponse:
    """Something unexpected failed (logged under ``reference``, the request id): said in a page, with the
    same advice to a payer who had just sent a payment."""
    lines = [f"Something went wrong on our side. If you contact us, quote this reference: {reference}."]
    if request.method == "POST":
        lines.append(_MAY_HAVE_GONE_THROUGH)
    return message(request, status=500, title="Something went wrong", lines=lines, retry=True)
