"""Gateways over the API: the built-in sandbox, addGateway, setDefaultGateway, and secrets kept secret.

Every account starts with the sandbox as its default gateway. Admins add
others (sandbox or stripe); credentials go in encrypted and never come back
out, through any field, response or the database column that holds them.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import Gateway
from tests.helpers import Api, Caller, World, resources, without_throttle

YEAR = datetime.now(UTC).year + 3
MISSING_GATEWAY = "gw_0000000000000000000000"
# Distinctive enough that finding it anywhere can only mean a leak.
TEST_KEY = "sk_test_51PaydeskSecretQw7Zr4Lm9Xv2Tn8Ks3Jd6"
LIVE_KEY = "sk_live_51PaydeskSecretHb5Yc1Np7Rf4Gw0Ue9Vm"
REFUSED_KEY = "pk_live_51PaydeskPublishDq2Wx8Ka5Ls1Zo3Pe"  # not a secret key: refused, never echoed

GATEWAY_FIELDS = "id name kind testMode isDefault createdAt currencies"

ADD = f"""
mutation($i: AddGatewayInput!) {{
  addGateway(input: $i) {{ gateway {{ {GATEWAY_FIELDS} }} userErrors {{ field code message }} }}
}}"""

SET_DEFAULT = f"""
mutation($i: SetDefaultGatewayInput!) {{
  setDefaultGateway(input: $i) {{ gateway {{ {GATEWAY_FIELDS} }} userErrors {{ field code message }} }}
}}"""

GATEWAYS = f"{{ gateways {{ {GATEWAY_FIELDS} }} }}"

TOKENIZE = """
mutation($i: TokenizeCardInput!) {
  tokenizeCard(input: $i) {
    paymentMethod { id gateway { id kind } }
    userErrors { field code message }
  }
}"""

CARDS_ON_FILE = """
query($id: ID!) { customer(id: $id) { paymentMethods(includeRemoved: true) { id } } }"""


async def add_gateway(api: Api, caller: Caller, **input: Any) -> dict[str, Any]:
    """The addGateway payload."""
    data = await api.gql(ADD, caller, i={"name": "Extra", **input})
    return dict(data["addGateway"])


async def added(api: Api, caller: Caller, **input: Any) -> dict[str, Any]:
    """A gateway that must be added: the gateway."""
    payload = await add_gateway(api, caller, **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["gateway"])


async def gateways(api: Api, caller: Caller) -> list[dict[str, Any]]:
    return list((await api.gql(GATEWAYS, caller))["gateways"])


def problems(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def tokenize_visa(api: Api, caller: Caller, customer_id: str, gateway_id: str) -> dict[str, Any]:
    card = {"number": "4242424242424242", "expMonth": 12, "expYear": YEAR, "cvc": "123"}
    data = await api.gql(
        TOKENIZE, caller, i={"customerId": customer_id, "card": card, "gatewayId": gateway_id}
    )
    return dict(data["tokenizeCard"])


# --- the sandbox every account starts with -------------------------------------------------------


async def test_a_new_account_has_exactly_the_sandbox_as_its_default(api: Api, world: World) -> None:
    found = await gateways(api, world.a.caller("viewer"))

    assert len(found) == 1
    sandbox = found[0]
    assert sandbox["id"].startswith("gw_")
    assert len(sandbox["id"]) == 25
    assert (sandbox["name"], sandbox["kind"], sandbox["testMode"], sandbox["isDefault"]) == (
        "Sandbox",
        "sandbox",
        True,
        True,
    )
    currencies = sandbox["currencies"]
    assert {"USD", "JPY", "KWD", "EUR"} <= set(currencies)
    assert "XAU" not in currencies
    assert "XTS" not in currencies
    assert [code for code in currencies if code.startswith("X")] == []
    assert currencies == sorted(set(currencies))
    # Each account has its own sandbox.
    theirs = await gateways(api, world.b.caller("viewer"))
    assert [g["kind"] for g in theirs] == ["sandbox"]
    assert theirs[0]["id"] != sandbox["id"]


# --- adding ---------------------------------------------------------------------------------------


async def test_add_stripe_gateway_test_mode_follows_the_key(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    keys = {
        TEST_KEY: True,
        "rk_test_51PaydeskRestricted": True,
        LIVE_KEY: False,
        "rk_live_51PaydeskRestricted": False,
    }

    modes = {}
    for key in keys:
        gateway = await added(
            api, admin, kind="stripe", name=f"Stripe {key[:7]}", credentials={"secretKey": key}
        )
        assert (gateway["kind"], gateway["name"], gateway["isDefault"]) == (
            "stripe",
            f"Stripe {key[:7]}",
            False,
        )
        assert "USD" in gateway["currencies"]
        modes[key] = gateway["testMode"]

    assert modes == keys
    assert [(g["kind"], g["isDefault"]) for g in await gateways(api, admin)] == [
        ("sandbox", True),
        ("stripe", False),
        ("stripe", False),
        ("stripe", False),
        ("stripe", False),
    ]


async def test_add_gateway_validates_kind_name_and_credentials(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    secret_key = ["input", "credentials", "secretKey"]
    cases: dict[str, dict[str, Any]] = {
        "publishable key": {"kind": "stripe", "credentials": {"secretKey": "pk_test_51Paydesk"}},
        "no key": {"kind": "stripe"},
        "blank key": {"kind": "stripe", "credentials": {"secretKey": "  "}},
        "unknown kind": {"kind": "paypal"},
        "blank name": {"kind": "sandbox", "name": " "},
        "unknown fault": {"kind": "sandbox", "credentials": {"fault": "explode"}},
        "negative latency": {"kind": "sandbox", "credentials": {"latencyMs": -1}},
        "latency over a minute": {"kind": "sandbox", "credentials": {"latencyMs": 60_001}},
    }

    actual = {}
    for name, given in cases.items():
        payload = await add_gateway(api, admin, **given)
        assert payload["gateway"] is None, name
        actual[name] = problems(payload)

    assert actual == {
        "publishable key": [(secret_key, "INVALID")],
        "no key": [(secret_key, "INVALID")],
        "blank key": [(secret_key, "INVALID")],
        "unknown kind": [(["input", "kind"], "INVALID")],
        "blank name": [(["input", "name"], "REQUIRED")],
        "unknown fault": [(["input", "credentials", "fault"], "INVALID")],
        "negative latency": [(["input", "credentials", "latencyMs"], "INVALID")],
        "latency over a minute": [(["input", "credentials", "latencyMs"], "INVALID")],
    }
    assert [g["kind"] for g in await gateways(api, admin)] == ["sandbox"]


async def test_make_default_moves_the_default(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sandbox_id = (await gateways(api, admin))[0]["id"]

    stripe = await added(
        api, admin, kind="stripe", name="Stripe", credentials={"secretKey": TEST_KEY}, makeDefault=True
    )

    assert stripe["isDefault"] is True
    assert [(g["id"], g["isDefault"]) for g in await gateways(api, admin)] == [
        (stripe["id"], True),
        (sandbox_id, False),
    ]


async def test_set_default_gateway(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    sandbox_id = (await gateways(api, admin))[0]["id"]
    second = await added(api, admin, kind="sandbox", name="Second sandbox")
    third = await added(api, admin, kind="stripe", name="Stripe", credentials={"secretKey": TEST_KEY})

    payload = await api.gql(SET_DEFAULT, admin, i={"gatewayId": second["id"]})

    assert payload["setDefaultGateway"]["userErrors"] == []
    assert payload["setDefaultGateway"]["gateway"]["isDefault"] is True
    assert [(g["id"], g["isDefault"]) for g in await gateways(api, admin)] == [
        (second["id"], True),
        (sandbox_id, False),
        (third["id"], False),
    ]
    # The default gateway is the one tokenizeCard uses when it names none.
    card = {"number": "4242424242424242", "expMonth": 12, "expYear": YEAR}
    data = await api.gql(TOKENIZE, admin, i={"customerId": world.a.customer_id, "card": card})
    assert data["tokenizeCard"]["paymentMethod"]["gateway"] == {"id": second["id"], "kind": "sandbox"}
    # Setting the default again is harmless.
    again = await api.gql(SET_DEFAULT, admin, i={"gatewayId": second["id"]})
    assert again["setDefaultGateway"]["userErrors"] == []
    assert [g["isDefault"] for g in await gateways(api, admin)] == [True, False, False]


async def test_set_default_gateway_of_another_account_is_not_found(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    theirs = (await gateways(api, world.b.caller("admin")))[0]["id"]

    foreign = await api.post({"query": SET_DEFAULT, "variables": {"i": {"gatewayId": theirs}}}, admin)
    missing = await api.post(
        {"query": SET_DEFAULT, "variables": {"i": {"gatewayId": MISSING_GATEWAY}}}, admin
    )

    assert without_throttle(foreign.json()) == without_throttle(missing.json())
    assert problems(foreign.json()["data"]["setDefaultGateway"]) == [(["input", "gatewayId"], "NOT_FOUND")]
    assert [g["isDefault"] for g in await gateways(api, world.b.caller("admin"))] == [True]


async def test_only_admins_owners_and_admin_api_keys_manage_gateways(api: Api, world: World) -> None:
    actual: dict[tuple[str, str], str] = {}
    wanted: dict[tuple[str, str], str] = {}
    for name in ["owner", "admin", "apikey", "rep", "viewer"]:
        caller = world.a.caller(name)
        add = await add_gateway(api, caller, kind="sandbox", name=f"By {name}")
        target = (await gateways(api, world.a.caller("owner")))[-1]["id"]
        make_default = (await api.gql(SET_DEFAULT, caller, i={"gatewayId": target}))["setDefaultGateway"]
        for mutation, payload in {"addGateway": add, "setDefaultGateway": make_default}.items():
            actual[(name, mutation)] = (
                "ok" if payload["userErrors"] == [] else payload["userErrors"][0]["code"]
            )
            wanted[(name, mutation)] = "FORBIDDEN" if name in ("rep", "viewer") else "ok"

    assert actual == wanted
    # Only the three allowed callers added one.
    assert [g["name"] for g in await gateways(api, world.a.caller("viewer"))] == [
        "By apikey",
        "Sandbox",
        "By owner",
        "By admin",
    ]


async def test_concurrent_default_changes_leave_exactly_one_default(api: Api, world: World) -> None:
    admin = world.a.caller("admin")

    # Each round is a race; one lost race is enough to show the fault.
    for round_ in range(5):
        adds = await asyncio.gather(
            *(
                api.post(
                    {
                        "query": ADD,
                        "variables": {
                            "i": {"kind": "sandbox", "name": f"G{round_}.{n}", "makeDefault": True}
                        },
                    },
                    admin,
                )
                for n in range(5)
            )
        )
        assert [r.json().get("errors") for r in adds] == [None] * 5
        assert [g["isDefault"] for g in await gateways(api, admin)].count(True) == 1
    ids = [g["id"] for g in await gateways(api, admin)][:5]
    for _ in range(5):
        sets = await asyncio.gather(
            *(api.post({"query": SET_DEFAULT, "variables": {"i": {"gatewayId": g}}}, admin) for g in ids)
        )
        assert [r.json().get("errors") for r in sets] == [None] * 5
        assert [g["isDefault"] for g in await gateways(api, admin)].count(True) == 1


# --- secrets --------------------------------------------------------------------------------------


async def test_the_schema_has_no_field_that_could_return_credentials(api: Api, world: World) -> None:
    data = await api.gql(
        '{ __type(name: "Gateway") { fields { name } } __schema { types { name kind fields { name } } } }',
        world.a.caller("viewer"),
    )

    assert [f["name"] for f in data["__type"]["fields"]] == [
        "id",
        "number",
        "name",
        "kind",
        "testMode",
        "isDefault",
        "createdAt",
        "webhookUrl",
        "receivesWebhooks",
        "currencies",
    ]
    output_fields = {
        f"{t['name']}.{f['name']}"
        for t in data["__schema"]["types"]
        if t["kind"] in ("OBJECT", "INTERFACE")
        for f in t["fields"] or []
    }
    suspicious = {
        name for name in output_fields if any(w in name.lower() for w in ("credential", "secretkey"))
    }
    assert suspicious == set()


async def test_the_secret_key_is_never_answered_logged_or_stored_in_clear(
    api: Api, world: World, app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # SQLAlchemy sets its own WARNING level
    admin = world.a.caller("admin")
    bodies = []

    response = await api.post(
        {
            "query": ADD,
            "variables": {"i": {"kind": "stripe", "name": "Stripe", "credentials": {"secretKey": TEST_KEY}}},
        },
        admin,
    )
    bodies.append(response.text)
    gateway_id = response.json()["data"]["addGateway"]["gateway"]["id"]
    bad = await api.post(
        {
            "query": ADD,
            "variables": {"i": {"kind": "stripe", "name": "Live", "credentials": {"secretKey": REFUSED_KEY}}},
        },
        admin,
    )
    bodies.append(bad.text)
    for query, variables in [
        (GATEWAYS, {}),
        (
            "query($id: ID!) { node(id: $id) { ... on Gateway { " + GATEWAY_FIELDS + " } } }",
            {"id": gateway_id},
        ),
        (SET_DEFAULT, {"i": {"gatewayId": gateway_id}}),
    ]:
        bodies.append((await api.post({"query": query, "variables": variables}, admin)).text)

    assert bad.json()["data"]["addGateway"]["userErrors"][0]["code"] == "INVALID"
    logs = caplog.text
    assert "sqlalchemy.engine" in logs  # the SQL sent, with its parameters, was captured too
    for key in (TEST_KEY, REFUSED_KEY):
        assert [key in body for body in bodies] == [False] * len(bodies)
        assert key not in logs
    async with resources(app).sessions() as db:
        rows = await db.exec(select(Gateway.id, Gateway.credentials).where(Gateway.kind == "stripe"))
        stored = dict(rows.all())
    assert list(stored) == [gateway_id]
    column = stored[gateway_id]
    assert column is not None
    assert TEST_KEY not in column
    assert "sk_test" not in column
    assert column.startswith("gAAAAA")  # a Fernet token


# --- gateways and cards ---------------------------------------------------------------------------


async def test_tokenize_through_another_accounts_gateway_is_not_found(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    theirs = (await gateways(api, world.b.caller("viewer")))[0]["id"]

    foreign = await tokenize_visa(api, rep, world.a.customer_id, theirs)
    missing = await tokenize_visa(api, rep, world.a.customer_id, MISSING_GATEWAY)

    assert foreign == missing
    assert foreign["paymentMethod"] is None
    assert problems(foreign) == [(["input", "gatewayId"], "NOT_FOUND")]


async def test_tokenize_through_a_named_gateway_uses_it(api: Api, world: World) -> None:
    second = await added(
        api, world.a.caller("admin"), kind="sandbox", name="Slow sandbox", credentials={"latencyMs": 20}
    )

    payload = await tokenize_visa(api, world.a.caller("rep"), world.a.customer_id, second["id"])

    assert payload["userErrors"] == []
    assert payload["paymentMethod"]["gateway"] == {"id": second["id"], "kind": "sandbox"}


@pytest.mark.parametrize("fault", ["server_error", "timeout_before"])
async def test_a_failing_sandbox_makes_tokenize_a_gateway_error(api: Api, world: World, fault: str) -> None:
    broken = await added(
        api, world.a.caller("admin"), kind="sandbox", name="Broken", credentials={"fault": fault}
    )

    payload = await tokenize_visa(api, world.a.caller("rep"), world.a.customer_id, broken["id"])

    assert payload["paymentMethod"] is None
    assert problems(payload) == [(["input", "card", "number"], "GATEWAY_ERROR")]
    data = await api.gql(CARDS_ON_FILE, world.a.caller("rep"), id=world.a.customer_id)
    assert data["customer"]["paymentMethods"] == []


async def test_a_sandbox_whose_answer_is_lost_after_tokenizing_keeps_no_card(api: Api, world: World) -> None:
    lost = await added(
        api, world.a.caller("admin"), kind="sandbox", name="Lossy", credentials={"fault": "timeout_after"}
    )

    payload = await tokenize_visa(api, world.a.caller("rep"), world.a.customer_id, lost["id"])

    assert problems(payload) == [(["input", "card", "number"], "GATEWAY_ERROR")]
