"""The portal's index.html answers `/` and every client route; the API, hosted pages and assets never fall back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from paydesk.web.portal import PORTAL_CSP
from tests.helpers import without_cost

INDEX = '<!doctype html><div id="root"></div><script type="module" src="/static/assets/portal.js"></script>'


@pytest.fixture
def backend() -> str:
    """Routing is the same on either database."""
    return "sqlite"


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "portal.js").write_text("export {};")
    return {"static_dir": dist}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/customers",
        "/customers/cus_0000000000000000000000",
        "/settings/api-keys",
        "/transactions?status=PAID",
    ],
)
async def test_a_client_route_answers_the_portal_under_its_csp(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path, headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == PORTAL_CSP
    assert response.headers["cache-control"] == "no-cache"


async def test_the_portal_csp_allows_only_its_own_scripts_styles_and_api() -> None:
    directives = dict(part.strip().split(" ", 1) for part in PORTAL_CSP.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "path",
    [
        "/static/assets/missing.js",
        "/pages/static/missing.css",
        "/card",
        "/pay",
        "/pay/x/y",
        "/invoice",
        "/graphql/x",
    ],
)
async def test_paths_of_the_api_pages_and_assets_stay_404(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path, headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert INDEX not in response.text


async def test_built_assets_are_served_as_files(http: httpx.AsyncClient) -> None:
    response = await http.get("/static/assets/portal.js")

    assert response.status_code == 200
    assert response.text == "export {};"


async def test_graphql_and_health_keep_their_own_handlers(http: httpx.AsyncClient) -> None:
    health = await http.get("/healthz")
    api = await http.post("/graphql", json={"query": "{ __typename }"})

    assert health.json() == {"status": "ok"}
    assert without_cost(api.json()) == {"data": {"__typename": "Query"}}


async def test_a_post_to_a_portal_path_is_not_the_portal(http: httpx.AsyncClient) -> None:
    response = await http.post("/customers", json={})

    assert response.status_code == 405


async def test_an_unbuilt_portal_says_how_to_build_it(http: httpx.AsyncClient, tmp_path: Path) -> None:
    (tmp_path / "dist" / "index.html").unlink()

    response = await http.get("/customers")

    assert response.status_code == 503
    assert response.text == "The portal is not built: run `make setup`."
