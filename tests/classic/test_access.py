"""Who may call /payments.php and how: API keys in the form or the headers, roles, the shared rate
limit, forms only, JSON answers to everything."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from tests.api.test_sales import sandbox_charges
from tests.classic.client import Classic, Numbers, row_counts, simple_sale
from tests.helpers import Api, Caller, World

CREATE_KEY = """
mutation($role: Role!) { createApiKey(input: {role: $role}) { apiKey { appId } secret } }"""
REVOKE_KEY = "mutation($id: String!) { revokeApiKey(input: {appId: $id}) { userErrors { code } } }"
UNAUTHENTICATED = {"result_code": 2, "message": "Authentication required."}


async def new_key(api: Api, world: World, role: str) -> Caller:
    made = (await api.gql(CREATE_KEY, world.a.caller("owner"), role=role))["createApiKey"]
    return Caller(role.lower(), {"Api-Appid": made["apiKey"]["appId"], "Api-Key": made["secret"]})


async def test_credentials_in_the_form_or_the_headers_urlencoded_or_multipart(
    app: Starlette, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")

    answers = [
        await classic.call(key, "sale", simple_sale(numbers)),
        await classic.call(key, "sale", simple_sale(numbers), in_headers=True),
        await classic.call(key, "sale", simple_sale(numbers), multipart=True),
        await classic.call(key, "sale", simple_sale(numbers), multipart=True, in_headers=True),
    ]

    assert [a["result_code"] for a in answers] == [1, 1, 1, 1]
    assert len({a["transaction_id"] for a in answers}) == 4
    assert len(await sandbox_charges(app)) == 4


async def test_missing_or_wrong_credentials_are_401_and_nothing_else_is_said(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    app_id, secret = key.headers["Api-Appid"], key.headers["Api-Key"]
    revoked = await new_key(api, world, "ADMIN")
    revoked_id = revoked.headers["Api-Appid"]
    await api.gql(REVOKE_KEY, world.a.caller("owner"), id=revoked_id)
    before = await row_counts(app)
    sale = simple_sale(numbers)

    responses = {
        "none": await classic.post(None, "sale", sale),
        "wrong secret": await classic.post(
            Caller("x", {"Api-Appid": app_id, "Api-Key": "nope"}), "sale", sale
        ),
        "unknown app id": await classic.post(
            Caller("x", {"Api-Appid": "app_unknown", "Api-Key": secret}), "sale", sale
        ),
        "only the app id": await classic.post(None, "sale", sale, appid=app_id),
        "wrong header": await classic.post(
            Caller("x", {"Api-Appid": app_id, "Api-Key": secret + "x"}), "sale", sale, in_headers=True
        ),
        "revoked": await classic.post(revoked, "sale", sale),
    }

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == {
        name: (401, UNAUTHENTICATED) for name in responses
    }
    assert {r.headers["www-authenticate"] for r in responses.values()} == {'Api-Key realm="paydesk"'}
    assert await row_counts(app) == before


async def test_a_viewer_key_cannot_sell_but_may_list_and_a_rep_key_may_sell(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    viewer, rep = await new_key(api, world, "VIEWER"), await new_key(api, world, "REP")
    before = await row_counts(app)

    refused = await classic.post(viewer, "sale", simple_sale(numbers))
    listed = await classic.call(viewer, "list_gateways")

    assert refused.status_code == 403
    assert refused.json() == {
        "result_code": 2,
        "message": "reqType sale needs an API key with the REP role or higher; this key is VIEWER.",
    }
    assert await row_counts(app) == before
    assert listed["result_code"] == 1
    assert (await classic.call(rep, "sale", simple_sale(numbers)))["result_code"] == 1


@pytest.mark.parametrize("settings_overrides", [{"rate_limit": "5/minute"}])
async def test_the_rate_limit_is_the_graphql_apis_shared_per_account(
    app: Starlette, api: Api, world: World, classic: Classic, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")  # the numbers fixture listed with it twice: 3 of 5 are left
    other_key = await new_key(api, world, "REP")

    graphql = await api.post({"query": "{ __typename }"}, key)
    listed = await classic.post(other_key, "list_invoices")
    sold = await classic.post(key, "sale", simple_sale(numbers))
    refused = await classic.post(key, "sale", simple_sale(numbers))
    refused_graphql = await api.post({"query": "{ __typename }"}, other_key)

    assert [r.status_code for r in (graphql, listed, sold)] == [200, 200, 200]
    assert [r.headers["x-rate-limit-remaining"] for r in (graphql, listed, sold)] == ["2", "1", "0"]
    assert {r.headers["x-rate-limit-limit"] for r in (listed, sold, refused)} == {"5"}
    assert 0 <= int(listed.headers["x-rate-limit-reset"]) <= 60
    assert sold.json()["result_code"] == 1
    assert refused.status_code == 429
    assert refused.json() == {
        "result_code": 4,
        "message": "Rate limit reached; retry after the window resets.",
    }
    assert refused.headers["x-rate-limit-remaining"] == "0"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused_graphql.status_code == 429
    assert len(await sandbox_charges(app)) == 1


async def test_only_forms_are_read_and_every_answer_is_json(
    http: httpx.AsyncClient, world: World, classic: Classic
) -> None:
    key = world.a.caller("apikey")
    form = {"appid": key.headers["Api-Appid"], "key": key.headers["Api-Key"], "reqType": "list_invoices"}

    as_json = await http.post("/payments.php", json=form)
    too_large = await http.post("/payments.php", data={**form, "data": "x" * 300_000})
    broken_multipart = await http.post(
        "/payments.php",
        content=b"--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--b--",
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    with_a_file = await http.post("/payments.php", data=form, files={"data": ("data.json", b"{}")})
    get = await http.get("/payments.php", params=form)

    assert (as_json.status_code, as_json.json()) == (
        415,
        {
            "result_code": 2,
            "message": "content-type: post the form as application/x-www-form-urlencoded or multipart/form-data.",
        },
    )
    assert (too_large.status_code, too_large.json()) == (
        413,
        {"result_code": 2, "message": "body: is larger than 262144 bytes."},
    )
    unreadable = {"result_code": 2, "message": "body: is not a form that can be read."}
    assert (broken_multipart.status_code, broken_multipart.json()) == (400, unreadable)
    assert (with_a_file.status_code, with_a_file.json()) == (400, unreadable)
    assert (get.status_code, get.json(), get.headers["allow"]) == (
        405,
        {"result_code": 2, "message": "method: post the form."},
        "POST",
    )
