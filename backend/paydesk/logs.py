"""JSON logs on stderr, one object a line, each with the request id of its request.

Every message and value passes through ``scrub``: graphql-core echoes
literal values in its validation messages, and a card number must never
reach a log, whoever wrote the line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from paydesk.requests import request_id

# 12 to 19 digits, split by any few spaces or dashes (as card forms accept them): any card-like run.
_CARD_LIKE = re.compile(r"(?<!\d)(?:\d[ -]{0,4}){11,18}\d(?!\d)")


def scrub(text: str) -> str:
    """The text with card-like digit runs replaced."""
    return _CARD_LIKE.sub("[redacted]", text)


class ScrubbedJSONRenderer:
    """Renders an event as one JSON line and scrubs the whole line, whatever types its values had."""

    def __init__(self) -> None:
        self._render = structlog.processors.JSONRenderer()

    def __call__(self, logger: Any, name: str, event: MutableMapping[str, Any]) -> str:
        return scrub(str(self._render(logger, name, event)))


def _add_request_id(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    rid = request_id()
    if rid != "-":
        event.setdefault("request_id", rid)
    return event


def configure_logging(level: str = "INFO") -> None:
    """structlog and the standard library both write scrubbed JSON lines to stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: tests (structlog.testing.capture_logs) must be able to swap the processors.
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            ScrubbedJSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Access lines are written by our own middleware, with the request id.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # Alembic narrates every connection it inspects; keep its warnings only.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
