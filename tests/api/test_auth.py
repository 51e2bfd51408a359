"""Sign-in, sessions, API keys and staff management over HTTP."""

from __future__ import annotations

from tests.helpers import ANONYMOUS, PASSWORD, Api, Caller, World, sign_in, without_cost

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { user { email role } userErrors { field code message } } }"
VIEWER = "{ viewer { user { email } role } }"
UNAUTHENTICATED = {
    "errors": [{"message": "Authentication required.", "extensions": {"code": "UNAUTHENTICATED"}}]
}


def cookie_caller(token: str) -> Caller:
    return Caller("cookie", {"Cookie": f"paydesk_session={token}"})


async def test_sign_in_sets_a_strict_session_cookie(api: Api, world: World) -> None:
    response = await api.post(
        {"query": SIGN_IN, "variables": {"i": {"email": "REP@alpha.test", "password": PASSWORD}}}
    )

    assert response.json()["data"]["signIn"] == {
        "user": {"email": "rep@alpha.test", "role": "REP"},
        "userErrors": [],
    }
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("paydesk_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert await api.gql(VIEWER, cookie_caller(token)) == {
        "viewer": {"user": {"email": "rep@alpha.test"}, "role": "REP"}
    }


async def test_wrong_password_and_unknown_email_answer_alike(api: Api, world: World) -> None:
    wrong = await api.post(
        {"query": SIGN_IN, "variables": {"i": {"email": "rep@alpha.test", "password": "nope-nope-nope"}}}
    )
    unknown = await api.post(
        {"query": SIGN_IN, "variables": {"i": {"email": "who@alpha.test", "password": PASSWORD}}}
    )

    expected = {
        "user": None,
        "userErrors": [
            {"field": ["input", "password"], "code": "INVALID", "message": "Email or password is incorrect."}
        ],
    }
    assert wrong.json()["data"]["signIn"] == expected
    assert unknown.json()["data"]["signIn"] == expected
    assert "set-cookie" not in wrong.headers


async def test_sign_out_revokes_the_session(api: Api, world: World) -> None:
    token = await sign_in(api, "viewer@alpha.test")
    caller = cookie_caller(token)

    response = await api.post({"query": "mutation { signOut { signedOut userErrors { code } } }"}, caller)

    assert response.json()["data"]["signOut"] == {"signedOut": True, "userErrors": []}
    assert 'paydesk_session=""' in response.headers["set-cookie"]
    after = await api.post({"query": VIEWER}, caller)
    assert after.status_code == 401
    assert after.json() == UNAUTHENTICATED


async def test_anonymous_callers_may_only_sign_in_and_introspect(api: Api, world: World) -> None:
    introspection = await api.post({"query": "{ __schema { queryType { name } } __typename }"})
    viewer = await api.post({"query": VIEWER})
    mixed = await api.post({"query": "{ __typename viewer { role } }"})

    assert introspection.status_code == 200
    assert without_cost(introspection.json()) == {
        "data": {"__schema": {"queryType": {"name": "Query"}}, "__typename": "Query"}
    }
    assert viewer.status_code == 401
    assert viewer.headers["www-authenticate"] == 'Api-Key realm="paydesk"'
    assert viewer.json() == UNAUTHENTICATED
    assert mixed.status_code == 401


async def test_bad_api_credentials_get_401_without_saying_which_part_was_wrong(
    api: Api, world: World
) -> None:
    key = world.a.caller("apikey").headers
    cases = {
        "wrong secret": {"Api-Appid": key["Api-Appid"], "Api-Key": key["Api-Key"] + "x"},
        "unknown app": {"Api-Appid": "app_0000000000000000000000", "Api-Key": key["Api-Key"]},
        "other app's secret": {
            "Api-Appid": world.b.caller("apikey").headers["Api-Appid"],
            "Api-Key": key["Api-Key"],
        },
        "app id only": {"Api-Appid": key["Api-Appid"]},
        "key only": {"Api-Key": key["Api-Key"]},
        "empty": {"Api-Appid": "", "Api-Key": ""},
    }
    for name, headers in cases.items():
        response = await api.post({"query": VIEWER}, Caller(name, headers))
        assert (name, response.status_code, response.json()) == (name, 401, UNAUTHENTICATED)


async def test_a_keys_first_read_sees_its_own_use_written(api: Api, world: World) -> None:
    """A read authenticates on the session it runs on; the key's last use, written on the way, is seen."""
    created = await api.gql(
        "mutation { createApiKey(input: {role: ADMIN}) { apiKey { appId lastUsedAt } secret } }",
        world.a.caller("admin"),
    )
    payload = created["createApiKey"]
    assert payload["apiKey"]["lastUsedAt"] is None
    key = Caller("new admin key", {"Api-Appid": payload["apiKey"]["appId"], "Api-Key": payload["secret"]})

    listed = await api.gql("{ apiKeys { appId lastUsedAt } }", key)

    mine = next(k for k in listed["apiKeys"] if k["appId"] == payload["apiKey"]["appId"])
    assert mine["lastUsedAt"] is not None


async def test_api_keys_can_be_created_listed_and_revoked(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    created = await api.gql(
        "mutation { createApiKey(input: {role: VIEWER}) { apiKey { appId role lastUsedAt revokedAt } secret userErrors { code } } }",
        admin,
    )
    payload = created["createApiKey"]
    key = Caller("new key", {"Api-Appid": payload["apiKey"]["appId"], "Api-Key": payload["secret"]})
    assert payload["apiKey"]["role"] == "VIEWER"
    assert payload["secret"].startswith("pdk_")

    assert await api.gql(VIEWER, key) == {"viewer": {"user": None, "role": "VIEWER"}}
    listed = await api.gql("{ apiKeys { appId role lastUsedAt revokedAt } }", admin)
    mine = next(k for k in listed["apiKeys"] if k["appId"] == payload["apiKey"]["appId"])
    assert mine["lastUsedAt"] is not None
    assert mine["revokedAt"] is None

    forbidden = await api.gql(
        "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { userErrors { code } } }",
        key,
        i={"email": "x@y.z"},
    )
    assert forbidden["createCustomer"]["userErrors"] == [{"code": "FORBIDDEN"}]

    revoked = await api.gql(
        "mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { apiKey { revokedAt } userErrors { code } } }",
        admin,
        i={"appId": payload["apiKey"]["appId"]},
    )
    assert revoked["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    after = await api.post({"query": VIEWER}, key)
    assert after.status_code == 401


async def test_an_account_cannot_revoke_another_accounts_key(api: Api, world: World) -> None:
    other_app = world.b.caller("apikey").headers["Api-Appid"]

    data = await api.gql(
        "mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { apiKey { appId } userErrors { field code } } }",
        world.a.caller("owner"),
        i={"appId": other_app},
    )

    assert data["revokeApiKey"] == {
        "apiKey": None,
        "userErrors": [{"field": ["input", "appId"], "code": "NOT_FOUND"}],
    }
    assert (await api.post({"query": VIEWER}, world.b.caller("apikey"))).status_code == 200


async def test_admins_create_users_who_can_then_sign_in(api: Api, world: World) -> None:
    create = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { email role } userErrors { field code } } }"
    made = await api.gql(
        create,
        world.a.caller("admin"),
        i={"email": "New.Rep@Alpha.test", "password": PASSWORD, "role": "REP"},
    )
    duplicate = await api.gql(
        create,
        world.a.caller("admin"),
        i={"email": "new.rep@alpha.test", "password": PASSWORD, "role": "REP"},
    )
    weak = await api.gql(
        create, world.a.caller("admin"), i={"email": "weak@alpha.test", "password": "short", "role": "REP"}
    )
    by_rep = await api.gql(
        create, world.a.caller("rep"), i={"email": "x@alpha.test", "password": PASSWORD, "role": "REP"}
    )
    owner_by_admin = await api.gql(
        create, world.a.caller("admin"), i={"email": "o2@alpha.test", "password": PASSWORD, "role": "OWNER"}
    )

    assert made["createUser"] == {"user": {"email": "new.rep@alpha.test", "role": "REP"}, "userErrors": []}
    assert duplicate["createUser"]["userErrors"] == [{"field": ["input", "email"], "code": "INVALID"}]
    assert weak["createUser"]["userErrors"] == [{"field": ["input", "password"], "code": "INVALID"}]
    assert by_rep["createUser"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    assert owner_by_admin["createUser"]["userErrors"] == [{"field": ["input", "role"], "code": "FORBIDDEN"}]
    token = await sign_in(api, "new.rep@alpha.test")
    assert (await api.gql(VIEWER, cookie_caller(token)))["viewer"]["role"] == "REP"


async def test_role_changes_apply_at_once_and_keep_an_owner(api: Api, world: World) -> None:
    update = "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { user { role } userErrors { field code } } }"
    users = await api.gql("{ users { id email } }", world.a.caller("owner"))
    ids = {u["email"]: u["id"] for u in users["users"]}
    old_session = world.a.caller("rep")

    demoted = await api.gql(
        update, world.a.caller("admin"), i={"userId": ids["rep@alpha.test"], "role": "VIEWER"}
    )
    promote_by_admin = await api.gql(
        update, world.a.caller("admin"), i={"userId": ids["rep@alpha.test"], "role": "OWNER"}
    )
    last_owner = await api.gql(
        update, world.a.caller("owner"), i={"userId": ids["owner@alpha.test"], "role": "ADMIN"}
    )
    other_account = await api.gql(
        update, world.b.caller("owner"), i={"userId": ids["rep@alpha.test"], "role": "ADMIN"}
    )

    assert demoted["updateUserRole"] == {"user": {"role": "VIEWER"}, "userErrors": []}
    assert (await api.post({"query": VIEWER}, old_session)).status_code == 401
    assert promote_by_admin["updateUserRole"]["userErrors"] == [
        {"field": ["input", "role"], "code": "FORBIDDEN"}
    ]
    assert last_owner["updateUserRole"]["userErrors"] == [
        {"field": ["input", "role"], "code": "INVALID_STATE"}
    ]
    assert other_account["updateUserRole"]["userErrors"] == [
        {"field": ["input", "userId"], "code": "NOT_FOUND"}
    ]


async def test_sign_in_works_with_a_stale_cookie(api: Api, world: World) -> None:
    stale = Caller("stale", {"Cookie": "paydesk_session=not-a-session"})

    response = await api.post(
        {"query": SIGN_IN, "variables": {"i": {"email": "rep@alpha.test", "password": PASSWORD}}}, stale
    )
    denied = await api.post({"query": VIEWER}, stale)

    assert response.json()["data"]["signIn"]["userErrors"] == []
    assert denied.status_code == 401
    assert ANONYMOUS.headers == {}


async def test_only_an_owner_may_create_an_owner_key(api: Api, world: World) -> None:
    create = (
        "mutation { createApiKey(input: {role: OWNER}) { apiKey { role } secret userErrors { field code } } }"
    )

    by_admin = await api.gql(create, world.a.caller("admin"))
    by_owner = await api.gql(create, world.a.caller("owner"))

    assert by_admin["createApiKey"] == {
        "apiKey": None,
        "secret": None,
        "userErrors": [{"field": ["input", "role"], "code": "FORBIDDEN"}],
    }
    assert by_owner["createApiKey"]["apiKey"] == {"role": "OWNER"}
    assert by_owner["createApiKey"]["userErrors"] == []
