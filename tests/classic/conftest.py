"""Fixtures of the classic API's tests: a client of /payments.php and the test account's numbers."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from tests.classic.client import Classic, Numbers, numbers_of
from tests.classic.v1 import V1
from tests.helpers import Api, World


@pytest.fixture
def classic(http: httpx.AsyncClient) -> Classic:
    return Classic(http)


@pytest.fixture
async def numbers(app: Starlette, api: Api, world: World, classic: Classic) -> Numbers:
    """The world's first account, with a product: the numbers its sales send."""
    return await numbers_of(app, api, world, classic)


@pytest.fixture
def v1(http: httpx.AsyncClient) -> V1:
    return V1(http)
