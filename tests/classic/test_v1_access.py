"""The /1/ endpoints' gate and refusals: GET /1/objects, credentials, roles, the shared rate limit, and
malformed processManual bodies (code 0, result_code 2 naming the key, HTTP 200, nothing written)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from tests.api.test_sales import sandbox_charges
from tests.classic.client import YEAR, Classic, Numbers, row_counts
from tests.classic.test_access import UNAUTHENTICATED, new_key
from tests.classic.v1 import V1, manual, priced
from tests.helpers import Api, Caller, World


async def test_objects_70_and_46_list_the_gateways_and_templates_of_payments_php(
    world: World, classic: Classic, v1: V1
) -> None:
    key = world.a.caller("apikey")

    gateways, templates = await v1.objects(key, 70), await v1.objects(key, 46)
    unknown, missing = await v1.objects(key, 5), await v1.objects(key, None)

    assert gateways.json() == {
        "code": 0,
        "data": (await classic.call(key, "list_gateways"))["gateways"],
        "account_id": world.a.account_id,
    }
    assert templates.json() == {
        "code": 0,
        "data": (await classic.call(key, "list_invoices"))["invoices"],
        "account_id": world.a.account_id,
    }
    assert unknown.json()["data"] == {
        "result_code": 2,
        "message": "objectID: is not an object type listed here; use one of 70, 46.",
    }
    assert missing.json()["data"] == {"result_code": 2, "message": "objectID: is required."}
    assert {r.status_code for r in (gateways, templates, unknown, missing)} == {200}


def two_prices(n: Numbers) -> Any:
    return priced(manual(n, expire_year=YEAR), {"price": "1"}, {"price": "2"})


MALFORMED = {
    "two price entries": (two_prices, "offer.products[0].price: give exactly one price entry."),
    "no price entry": (
        lambda n: priced(manual(n, expire_year=YEAR), price=[]),
        "offer.products[0].price: give exactly one price entry.",
    ),
    "unknown contact": (
        lambda n: manual(n, expire_year=YEAR, contact_id=999),
        "contact_id: no contact of this account has number 999.",
    ),
    "unknown product": (
        lambda n: priced(manual(n, expire_year=YEAR), id=999),
        "offer.products[0].id: no product of this account has number 999.",
    ),
    "unknown gateway": (
        lambda n: manual(n, expire_year=YEAR, gateway_id=999),
        "gateway_id: no gateway of this account has number 999.",
    ),
    "unknown template": (
        lambda n: manual(n, expire_year=YEAR, invoice_template=999),
        "invoice_template: no invoice of this account has number 999.",
    ),
    "bad JSON": (lambda n: '{"contact_id": 1,', "body: is not valid JSON."),
    "not an object": (lambda n: "[1, 2]", "body: must be a JSON object."),
    "quantity a word": (
        lambda n: priced(manual(n, expire_year=YEAR), quantity="one"),
        "offer.products[0].quantity: must be a whole number of at most 18 digits.",
    ),
    "offer a list": (lambda n: manual(n, expire_year=YEAR, offer=[]), "offer: must be a JSON object."),
    "price not a number": (
        lambda n: priced(manual(n, expire_year=YEAR), {"price": "lots", "payment_count": 1}),
        "offer.products[0].price[0].price: must be a decimal amount such as 49.00.",
    ),
    "unknown unit": (
        lambda n: priced(
            manual(n, expire_year=YEAR), {"price": "1", "payment_count": 0, "unit": "fortnight"}
        ),
        "offer.products[0].price[0].unit: must be one of day, week, month, quarter, year.",
    ),
    "no unit for a subscription": (
        lambda n: priced(manual(n, expire_year=YEAR), {"price": "1", "payment_count": 0}),
        None,
    ),
    "trans_date a word": (
        lambda n: manual(n, chargeNow="log", trans_date="yesterday"),
        "trans_date: must be a whole number of at most 18 digits.",
    ),
    "delay too long": (
        lambda n: priced(
            manual(n, expire_year=YEAR, delay=731), {"price": "1", "payment_count": 0, "unit": "month"}
        ),
        "delay: A trial is 0 to 730 days.",
    ),
    "taxes asked for": (
        lambda n: manual(n, expire_year=YEAR, hasTaxes=True),
        "hasTaxes: must be false: no taxes or shipping are charged here.",
    ),
    "another object type": (
        lambda n: manual(n, expire_year=YEAR, objectID=7),
        "objectID: must be 0: contacts are who pay.",
    ),
    "a bad card number": (
        lambda n: manual(
            n,
            expire_year=YEAR,
            payer={"ccnumber": "4111111111111112", "expire_month": 5, "expire_year": YEAR},
        ),
        None,
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
async def test_each_malformed_body_is_code_0_result_2_naming_its_key_and_writes_nothing(
    app: Starlette, world: World, v1: V1, numbers: Numbers, case: str
) -> None:
    make, message = MALFORMED[case]
    before = await row_counts(app)

    response = await v1.post(world.a.caller("apikey"), make(numbers))

    assert response.status_code == 200
    answer = response.json()
    assert (answer["code"], answer["data"]["result_code"], answer["account_id"]) == (0, 2, world.a.account_id)
    if message is not None:
        assert answer["data"]["message"] == message
    else:
        key = answer["data"]["message"].split(":")[0]
        assert key in ("offer.products[0].price[0].unit", "payer.ccnumber"), answer
    assert await row_counts(app) == before
    assert await sandbox_charges(app) == []


async def test_missing_or_wrong_credentials_are_401_json(
    app: Starlette, world: World, v1: V1, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")
    wrong = Caller("x", {"Api-Appid": key.headers["Api-Appid"], "Api-Key": "nope"})
    before = await row_counts(app)

    responses = [
        await v1.post(None, manual(numbers, expire_year=YEAR)),
        await v1.post(wrong, manual(numbers, expire_year=YEAR)),
        await v1.objects(None, 70),
        await v1.objects(wrong, 46),
    ]

    assert [(r.status_code, r.json()) for r in responses] == [(401, {"code": 1, "data": UNAUTHENTICATED})] * 4
    assert await row_counts(app) == before


async def test_a_viewer_key_may_list_but_not_process(
    app: Starlette, api: Api, world: World, v1: V1, numbers: Numbers
) -> None:
    viewer, rep = await new_key(api, world, "VIEWER"), await new_key(api, world, "REP")
    before = await row_counts(app)

    refused = await v1.post(viewer, manual(numbers, expire_year=YEAR))
    listed = await v1.objects(viewer, 70)

    assert (refused.status_code, refused.json()) == (
        403,
        {
            "code": 1,
            "data": {
                "result_code": 2,
                "message": "processManual needs an API key with the REP role or higher; this key is VIEWER.",
            },
        },
    )
    assert await row_counts(app) == before
    assert listed.json()["code"] == 0
    assert (await v1.process(rep, manual(numbers, expire_year=YEAR)))["result_code"] == 1


@pytest.mark.parametrize("settings_overrides", [{"rate_limit": "5/minute"}])
async def test_the_rate_limit_is_shared_with_payments_php_and_graphql(
    app: Starlette, api: Api, world: World, classic: Classic, v1: V1, numbers: Numbers
) -> None:
    key = world.a.caller("apikey")  # the numbers fixture listed with it twice: 3 of 5 are left

    graphql = await api.post({"query": "{ __typename }"}, key)
    listed = await v1.objects(key, 46)
    sold = await v1.post(key, manual(numbers, expire_year=YEAR))
    refused = await v1.post(key, manual(numbers, expire_year=YEAR))

    assert [r.headers["x-rate-limit-remaining"] for r in (graphql, listed, sold)] == ["2", "1", "0"]
    assert (refused.status_code, refused.json()) == (
        429,
        {
            "code": 1,
            "data": {"result_code": 4, "message": "Rate limit reached; retry after the window resets."},
        },
    )
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert len(await sandbox_charges(app)) == 1


async def test_other_methods_are_405_json(world: World, http: Any) -> None:
    response = await http.get("/1/transaction/processManual", headers=world.a.caller("apikey").headers)

    assert (response.status_code, response.json(), response.headers["allow"]) == (
        405,
        {"code": 1, "data": {"result_code": 2, "message": "method: post the JSON body."}},
        "POST",
    )
