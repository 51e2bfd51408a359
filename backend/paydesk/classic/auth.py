"""Who is calling the classic API: an API key of the GraphQL API, sent as the form's ``appid`` and
``key`` fields or, instead, as the ``Api-Appid`` and ``Api-Key`` headers.

The key is checked by the same gate as GraphQL's (``auth.gate``), so it
acts with the same role; which part of wrong credentials was wrong is never
said.
"""

from __future__ import annotations

from collections.abc import Mapping

from paydesk.auth import gate
from paydesk.auth.principal import Principal
from paydesk.resources import Resources


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def credentials(form: Mapping[str, object], headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(app id, secret): the form's fields when either is there, else the headers."""
    if form.get("appid") is not None or form.get("key") is not None:
        return _text(form.get("appid")), _text(form.get("key"))
    return headers.get("api-appid"), headers.get("api-key")


async def caller(
    resources: Resources, form: Mapping[str, object], headers: Mapping[str, str]
) -> Principal | None:
    """The API key's principal; None when no credentials came or they are wrong."""
    app_id, secret = credentials(form, headers)
    if not app_id and not secret:
        return None
    return await gate.api_key_caller(resources, app_id, secret)
