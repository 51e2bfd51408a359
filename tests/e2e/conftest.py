"""A real paydesk server (uvicorn in a subprocess) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.e2e.portal import Portal
from tests.net import paydesk_server
from tests.webhooks.receiver import Receiver, running_receiver

CHROMIUM = "/usr/bin/chromium"
# Chromium must not reach out to Google's services from this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, seeded paydesk on a free loopback port; yields its base URL."""
    settings = {
        # The billing runner passes every second, so a test that makes an installment due sees it charged.
        "PAYDESK_JOBS_INTERVAL": "1",
        # One demo owner drives the whole suite far faster than a person: the per-user limit (600 a
        # minute) is tested in tests/api, not here.
        "PAYDESK_SESSION_RATE_LIMIT": "100000/minute",
    }
    with paydesk_server(tmp_path_factory.mktemp("e2e"), "e2e-secret-" + "y" * 32, **settings) as running:
        yield running.base


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is not installed (make test installs it)")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def portal(browser: Browser, server: str, request: pytest.FixtureRequest) -> AsyncIterator[Portal]:
    """A fresh browser context on the portal; screenshots it at the end and fails on any problem seen."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    tab = Portal(page=page, base=server, name=request.node.name)
    tab.watch(page)
    try:
        yield tab
        await tab.screenshot("end")
        tab.check()
    finally:
        await context.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback (the e2e server runs in development mode, which sends to it)."""
    with running_receiver() as found:
        yield found
