"""The outbox tests' SMTP server, set as the app's PAYDESK_SMTP_URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.net import free_port
from tests.outbox.smtp import Smtp


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    handler = Smtp(free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def settings_overrides(smtp: Smtp) -> dict[str, Any]:
    return {"smtp_url": f"smtp://127.0.0.1:{smtp.port}"}
