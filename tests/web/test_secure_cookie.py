"""Behind an https PUBLIC_URL the pages' CSRF cookie is Secure."""

from __future__ import annotations

from typing import Any

import pytest

from paydesk.web.security import CSRF_COOKIE
from tests.helpers import Api, World
from tests.web.pages import Payer, new_link


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"public_url": "https://pay.example.com"}


async def test_csrf_cookie_is_secure_behind_https(api: Api, world: World, payer: Payer) -> None:
    link = await new_link(api, world)

    response = await payer.get(link.path)

    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "; Secure" in cookie
    assert "HttpOnly" in cookie
