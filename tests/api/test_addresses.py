"""updateAddress: only the given fields change, checked exactly as addAddress checks them."""

from __future__ import annotations

from typing import Any

from tests.api.test_customers import ADD_ADDRESS
from tests.helpers import Api, Caller, World, without_throttle

UPDATE_ADDRESS = """
mutation($i: UpdateAddressInput!) {
  updateAddress(input: $i) {
    address { id line1 line2 city state postalCode country }
    userErrors { field code message }
  }
}"""
ADDRESSES = (
    "query($id: ID!) { customer(id: $id) { addresses { id line1 line2 city state postalCode country } } }"
)
FULL = {
    "line1": "350 Fifth Avenue",
    "line2": "Floor 86",
    "city": "New York",
    "state": "NY",
    "postalCode": "10118",
    "country": "US",
}


async def add_address(api: Api, caller: Caller, customer_id: str, **fields: Any) -> dict[str, Any]:
    data = await api.gql(ADD_ADDRESS, caller, i={"customerId": customer_id, **(fields or FULL)})
    assert data["addAddress"]["userErrors"] == []
    return dict(data["addAddress"]["address"])


async def update(api: Api, caller: Caller, address_id: str, **changes: Any) -> dict[str, Any]:
    data = await api.gql(UPDATE_ADDRESS, caller, i={"addressId": address_id, **changes})
    return dict(data["updateAddress"])


async def stored(api: Api, caller: Caller, customer_id: str) -> list[dict[str, Any]]:
    return list((await api.gql(ADDRESSES, caller, id=customer_id))["customer"]["addresses"])


async def test_update_address_changes_only_the_given_fields(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    address = await add_address(api, rep, world.a.customer_id)

    payload = await update(api, rep, address["id"], city=" Brooklyn ", postalCode="11201", country="us")

    changed = {**FULL, "id": address["id"], "city": "Brooklyn", "postalCode": "11201", "country": "US"}
    assert payload == {"address": changed, "userErrors": []}
    assert await stored(api, rep, world.a.customer_id) == [changed]


async def test_update_address_null_clears_optional_fields(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    address = await add_address(api, rep, world.a.customer_id)

    payload = await update(api, rep, address["id"], line2=None, state=None, postalCode=None)

    cleared = {**FULL, "id": address["id"], "line2": None, "state": None, "postalCode": None}
    assert payload == {"address": cleared, "userErrors": []}
    assert await stored(api, rep, world.a.customer_id) == [cleared]


async def test_update_address_validates_like_add_address_and_writes_nothing(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    address = await add_address(api, rep, world.a.customer_id)
    bad = {"line1": " ", "line2": "x" * 201, "city": None, "state": "y" * 101, "postalCode": "z" * 21}
    added = await api.gql(
        ADD_ADDRESS, rep, i={"customerId": world.a.customer_id, **bad, "city": "", "country": "XX"}
    )

    payload = await update(api, rep, address["id"], **bad, country="XX")

    assert payload["address"] is None
    assert payload["userErrors"] == added["addAddress"]["userErrors"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "line1"], "REQUIRED"),
        (["input", "line2"], "INVALID"),
        (["input", "city"], "REQUIRED"),
        (["input", "state"], "INVALID"),
        (["input", "postalCode"], "INVALID"),
        (["input", "country"], "INVALID"),
    ]
    assert await stored(api, rep, world.a.customer_id) == [{**FULL, "id": address["id"]}]


async def test_update_address_required_fields_cannot_be_cleared(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    address = await add_address(api, rep, world.a.customer_id)

    payload = await update(api, rep, address["id"], line1=None, country=None)

    assert payload["userErrors"] == [
        {"field": ["input", "line1"], "code": "REQUIRED", "message": "Line 1 is required."},
        {"field": ["input", "country"], "code": "REQUIRED", "message": "Country is required."},
    ]
    assert await stored(api, rep, world.a.customer_id) == [{**FULL, "id": address["id"]}]


async def test_update_address_roles_and_other_accounts(api: Api, world: World) -> None:
    own = await add_address(api, world.a.caller("rep"), world.a.customer_id)
    other = await add_address(api, world.b.caller("rep"), world.b.customer_id)
    missing = "addr_0000000000000000000000"
    outcomes: dict[tuple[str, str], Any] = {}
    for name in ["owner", "admin", "rep", "viewer", "apikey"]:
        for target, address_id in {"own": own["id"], "other": other["id"], "missing": missing}.items():
            payload = await update(api, world.a.caller(name), address_id, line2="Suite 5")
            outcomes[(name, target)] = (
                "ok"
                if not payload["userErrors"]
                else [(e["field"], e["code"]) for e in payload["userErrors"]]
            )
    not_found = [(["input", "addressId"], "NOT_FOUND")]
    expected: dict[tuple[str, str], Any] = {}
    for name in ["owner", "admin", "rep", "apikey"]:
        expected.update({(name, "own"): "ok", (name, "other"): not_found, (name, "missing"): not_found})
    expected.update({("viewer", t): [(None, "FORBIDDEN")] for t in ["own", "other", "missing"]})
    assert outcomes == expected
    # Another account's address answers exactly like a missing one, and stays as it was.
    admin = world.a.caller("admin")
    as_other = await api.post(
        {"query": UPDATE_ADDRESS, "variables": {"i": {"addressId": other["id"]}}}, admin
    )
    as_missing = await api.post({"query": UPDATE_ADDRESS, "variables": {"i": {"addressId": missing}}}, admin)
    assert without_throttle(as_other.json()) == without_throttle(as_missing.json())
    assert await stored(api, world.b.caller("rep"), world.b.customer_id) == [{**FULL, "id": other["id"]}]
    response = await api.post({"query": UPDATE_ADDRESS, "variables": {"i": {"addressId": own["id"]}}})
    assert response.status_code == 401
