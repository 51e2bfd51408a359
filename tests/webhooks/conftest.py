"""The webhook tests' receiver: a real HTTP server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from tests.net import free_port
from tests.webhooks.receiver import Receiver, _handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(free_port())
    server = ThreadingHTTPServer(("127.0.0.1", found.port), _handler(found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.release.set()
    server.shutdown()
    server.server_close()
