"""The request id: made (or taken from a sane X-Request-Id) per request, on every log line."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str:
    return _current.get()


def start_request(incoming: str | None) -> str:
    value = incoming if incoming and _SANE.match(incoming) else uuid.uuid4().hex
    _current.set(value)
    return value
