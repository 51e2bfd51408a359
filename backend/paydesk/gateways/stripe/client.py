"""A small Stripe HTTP client over the app's shared ``httpx.AsyncClient``.

It calls Stripe the way stripe-python's ``_api_requestor.py`` does:
form-encoded bodies with bracketed nested keys, ``Authorization: Bearer``, a
pinned ``Stripe-Version`` (so a change to the account's default API version
cannot change the shapes we parse), and an ``Idempotency-Key`` on every POST.
The key is the caller's, derived from our own record: a retry after a
timeout or a crash replays Stripe's first answer instead of acting twice.
Stripe keeps keys for at least 24 hours and accepts up to 255 characters.

It never retries by itself: the caller decides, because a charge whose
answer was lost must be recorded PENDING before anything is sent again.

Card data travels only in the request body. No exception, log line or repr
made here carries a body, a header or the secret key; httpx's own
exceptions (which hold the request) are replaced, not chained.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from paydesk.gateways.stripe.errors import APIConnectionError, APIError, StripeError, error_from_response
from paydesk.logs import get_logger

DEFAULT_API_BASE = "https://api.stripe.com"
# The API version every shape in this package was written against.
STRIPE_VERSION = "2024-06-20"
# connect: a healthy Stripe edge answers a TCP/TLS handshake in well under a second;
# read: an issuer can take tens of seconds to authorise, and a read timeout leaves a
#   charge PENDING until reconciled, so it is generous (stripe-python allows 80 s);
# write: our bodies are a few hundred bytes; pool: waiting for a free connection
#   that long means the app is overloaded, better to fail fast.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=40.0, write=10.0, pool=5.0)
MAX_IDEMPOTENCY_KEY_LENGTH = 255

FormValue = str | int | bool | None | Mapping[str, "FormValue"] | Sequence["FormValue"]

_log = get_logger(__name__)


def encode_form(params: Mapping[str, FormValue]) -> list[tuple[str, str]]:
    """Stripe's form encoding: ``card[number]`` for nested keys, ``types[]`` for lists; None is left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        _encode(key, value, pairs)
    return pairs


def _encode(key: str, value: FormValue, pairs: list[tuple[str, str]]) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        pairs.append((key, "true" if value else "false"))
    elif isinstance(value, int | str):
        pairs.append((key, str(value)))
    elif isinstance(value, Mapping):
        for sub, item in value.items():
            _encode(f"{key}[{sub}]", item, pairs)
    else:
        for index, item in enumerate(value):
            # Scalars as key[] (Stripe's documented form); hashes need an index to stay together.
            _encode(f"{key}[{index}]" if isinstance(item, Mapping) else f"{key}[]", item, pairs)


def path_segment(value: str) -> str:
    """An id made safe to put in a URL path (an id with a slash cannot reach another endpoint)."""
    return quote(value, safe="")


class StripeClient:
    """One Stripe account's secret key, over the shared HTTP client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        secret_key: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self._http = http
        self._secret_key = secret_key
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"StripeClient(api_base={self.api_base!r})"

    async def get(self, path: str, params: Mapping[str, FormValue] | None = None) -> dict[str, Any]:
        query = urlencode(encode_form(params or {}))
        return await self._send("GET", f"{path}?{query}" if query else path, headers={})

    async def post(
        self, path: str, params: Mapping[str, FormValue], *, idempotency_key: str
    ) -> dict[str, Any]:
        """POST a form; ``idempotency_key`` comes from our record, so a retry replays, never repeats."""
        if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValueError(f"an Idempotency-Key has 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": idempotency_key}
        body = urlencode(encode_form(params)).encode()
        return await self._send("POST", path, headers=headers, content=body)

    async def _send(
        self, method: str, path: str, *, headers: dict[str, str], content: bytes | None = None
    ) -> dict[str, Any]:
        headers |= {
            "Authorization": f"Bearer {self._secret_key}",
            "Stripe-Version": STRIPE_VERSION,
            "Accept": "application/json",
        }
        started = time.monotonic()
        try:
            response = await self._http.request(
                method, self.api_base + path, headers=headers, content=content, timeout=self.timeout
            )
        except httpx.TransportError as exc:
            _log.warning("stripe request failed", method=method, path=_bare(path), error=type(exc).__name__)
            # ``from None``: httpx's exception holds the request, and with it the body.
            raise APIConnectionError(
                f"No answer from Stripe ({type(exc).__name__}).", should_retry=True
            ) from None
        self._log(method, path, response, started)
        return _decode(response)

    def _log(self, method: str, path: str, response: httpx.Response, started: float) -> None:
        _log.info(
            "stripe request",
            method=method,
            path=_bare(path),
            status=response.status_code,
            stripe_request_id=response.headers.get("request-id"),
            duration_ms=round((time.monotonic() - started) * 1000),
        )


def object_id(obj: Mapping[str, Any]) -> str:
    """The ``id`` of a Stripe object; an answer without one is Stripe failing, not us."""
    value = obj.get("id")
    if not isinstance(value, str) or not value:
        raise APIError("Stripe answered without an object id.")
    return value


def _bare(path: str) -> str:
    """The path without its query: a search query names our references, which logs need not keep."""
    return path.split("?", 1)[0]


def _decode(response: httpx.Response) -> dict[str, Any]:
    try:
        body: object = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if response.is_success:
        if isinstance(body, dict):
            return body
        raise APIError(
            f"Stripe answered HTTP {response.status_code} without a JSON object.",
            http_status=response.status_code,
            request_id=response.headers.get("request-id"),
        )
    error: StripeError = error_from_response(response.status_code, body, response.headers)
    raise error
