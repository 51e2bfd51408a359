"""A real paydesk server (uvicorn in a subprocess) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.e2e.portal import Portal
from tests.net import free_port, wait_ready

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
    data = tmp_path_factory.mktemp("e2e")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYDESK_")}
    env.update(
        PAYDESK_DATABASE_URL=f"sqlite+aiosqlite:///{data / 'paydesk.db'}",
        PAYDESK_DATA_DIR=str(data),
        PAYDESK_SECRET_KEY="e2e-secret-" + "y" * 32,
        # Links in emails and the API (payment requests, card links) point at this server.
        PAYDESK_PUBLIC_URL=base,
        # The billing runner passes every second, so a test that makes an installment due sees it charged.
        PAYDESK_JOBS_INTERVAL="1",
        # One demo owner drives the whole suite far faster than a person: the per-user limit (600 a
        # minute) is tested in tests/api, not here.
        PAYDESK_SESSION_RATE_LIMIT="100000/minute",
    )
    paydesk = str(Path(sys.executable).parent / "paydesk")
    for step in (["migrate"], ["seed-demo"]):
        subprocess.run([paydesk, *step], env=env, check=True, capture_output=True)
    log = (data / "server.log").open("w")
    process = subprocess.Popen([paydesk, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    if not wait_ready(base):
        process.kill()
        log.close()
        raise RuntimeError((data / "server.log").read_text())
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


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
