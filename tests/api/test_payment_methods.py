"""Cards on file over the API: tokenizeCard, setDefault/update/removePaymentMethod.

Cards go through the built-in sandbox gateway (DESIGN.md, "Sandbox gateway
test cards"): every test card tokenizes; the decline and failure outcomes
only apply when a card is charged. Validation follows DESIGN.md, Rules:
Cards; every expected failure is a userError with an exact field path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import PaymentMethod
from tests.helpers import Api, Caller, World, resources, without_throttle

THIS_YEAR = datetime.now(UTC).year
YEAR = THIS_YEAR + 3  # a comfortably valid expiry year
LAST_YEAR = THIS_YEAR - 1

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
AMEX = "378282246310005"

# (number, cvc, brand): DESIGN.md's sandbox test cards; all of them tokenize.
SANDBOX_CARDS = [
    (VISA, "123", "visa"),
    (MASTERCARD, "123", "mastercard"),
    (AMEX, "1234", "amex"),
    ("4000000000000002", "123", "visa"),
    ("4000000000009995", "123", "visa"),
    ("4000000000000069", "123", "visa"),
    ("4000000000009979", "123", "visa"),
    ("4000000000000119", "123", "visa"),
    ("4000000000000341", "123", "visa"),
]

MISSING = {
    "customer": "cus_0000000000000000000000",
    "paymentMethod": "pm_0000000000000000000000",
    "gateway": "gw_0000000000000000000000",
}

PM_FIELDS = """
  id type brand last4 expMonth expYear nameOnCard isDefault status
  gateway { kind } billingAddress { id city }
"""

TOKENIZE = f"""
mutation($i: TokenizeCardInput!) {{
  tokenizeCard(input: $i) {{ paymentMethod {{ {PM_FIELDS} }} userErrors {{ field code message }} }}
}}"""

SET_DEFAULT = f"""
mutation($i: SetDefaultPaymentMethodInput!) {{
  setDefaultPaymentMethod(input: $i) {{ paymentMethod {{ {PM_FIELDS} }} userErrors {{ field code message }} }}
}}"""

UPDATE = f"""
mutation($i: UpdatePaymentMethodInput!) {{
  updatePaymentMethod(input: $i) {{ paymentMethod {{ {PM_FIELDS} }} userErrors {{ field code message }} }}
}}"""

REMOVE = f"""
mutation($i: RemovePaymentMethodInput!) {{
  removePaymentMethod(input: $i) {{ paymentMethod {{ {PM_FIELDS} }} userErrors {{ field code message }} }}
}}"""

CARDS_ON_FILE = """
query($id: ID!, $removed: Boolean!) {
  customer(id: $id) {
    paymentMethods(includeRemoved: $removed) { id last4 isDefault status }
    defaultPaymentMethod { id last4 }
  }
}"""

CREATE_CUSTOMER = """
mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"""

ADD_ADDRESS = """
mutation($i: AddAddressInput!) { addAddress(input: $i) { address { id } userErrors { code } } }"""


def card(number: str, month: int = 12, year: int = YEAR, cvc: str | None = None) -> dict[str, Any]:
    return {"number": number, "expMonth": month, "expYear": year, "cvc": cvc}


async def tokenize(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """The tokenizeCard payload."""
    data = await api.gql(TOKENIZE, caller, i={"customerId": customer_id, **input})
    return dict(data["tokenizeCard"])


async def put_on_file(
    api: Api, caller: Caller, customer_id: str, number: str, **input: Any
) -> dict[str, Any]:
    """A card that must tokenize: its payment method."""
    payload = await tokenize(api, caller, customer_id, card=card(number), **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["paymentMethod"])


async def run(api: Api, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
    """The payload of a one-field mutation."""
    data = await api.gql(mutation, caller, i=input)
    (payload,) = data.values()
    return dict(payload)


def problems(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def cards_on_file(
    api: Api, caller: Caller, customer_id: str, *, removed: bool = False
) -> list[tuple[str, bool, str]]:
    """(last4, isDefault, status) of the customer's cards, in the API's order."""
    data = await api.gql(CARDS_ON_FILE, caller, id=customer_id, removed=removed)
    return [(m["last4"], m["isDefault"], m["status"]) for m in data["customer"]["paymentMethods"]]


async def default_card(api: Api, caller: Caller, customer_id: str) -> dict[str, Any] | None:
    data = await api.gql(CARDS_ON_FILE, caller, id=customer_id, removed=False)
    return data["customer"]["defaultPaymentMethod"]  # type: ignore[no-any-return]


async def new_customer(api: Api, caller: Caller, name: str) -> str:
    data = await api.gql(
        CREATE_CUSTOMER, caller, i={"firstName": name, "email": f"{name.lower()}@example.com"}
    )
    return str(data["createCustomer"]["customer"]["id"])


async def new_address(api: Api, caller: Caller, customer_id: str, city: str) -> str:
    data = await api.gql(
        ADD_ADDRESS,
        caller,
        i={"customerId": customer_id, "line1": "1 Main St", "city": city, "country": "US"},
    )
    return str(data["addAddress"]["address"]["id"])


async def set_expiry_in_db(app: Starlette, payment_method_id: str, month: int, year: int) -> None:
    """Age a card on file behind the API's back, as time passing would."""
    async with resources(app).sessions() as db:
        await db.exec(
            update(PaymentMethod)
            .where(PaymentMethod.id == payment_method_id)  # type: ignore[arg-type]
            .values(exp_month=month, exp_year=year)
        )
        await db.commit()


async def gateway_token_in_db(app: Starlette, payment_method_id: str) -> str:
    async with resources(app).sessions() as db:
        method = (await db.exec(select(PaymentMethod).where(PaymentMethod.id == payment_method_id))).one()
        return method.gateway_token


# --- tokenizing -----------------------------------------------------------------------------------


async def test_every_sandbox_test_card_tokenizes(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    rows = []
    for number, cvc, _brand in SANDBOX_CARDS:
        payload = await tokenize(api, rep, world.a.customer_id, card=card(number, 7, YEAR, cvc))
        assert payload["userErrors"] == [], number
        method = payload["paymentMethod"]
        assert method["id"].startswith("pm_")
        assert len(method["id"]) == 25
        rows.append(
            (
                method["type"],
                method["brand"],
                method["last4"],
                method["expMonth"],
                method["expYear"],
                method["status"],
                method["gateway"],
            )
        )

    assert rows == [
        ("CARD", brand, number[-4:], 7, YEAR, "ACTIVE", {"kind": "sandbox"})
        for number, _cvc, brand in SANDBOX_CARDS
    ]
    on_file = await cards_on_file(api, rep, world.a.customer_id)
    assert len(on_file) == len(SANDBOX_CARDS)


async def test_numbers_may_contain_spaces_and_dashes(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    typed = [
        ("4242 4242 4242 4242", None, "visa", "4242"),
        ("5555-5555-5555-4444", "321", "mastercard", "4444"),
        (" 3782-822463 10005 ", "4321", "amex", "0005"),
    ]

    found = []
    for number, cvc, _brand, _last4 in typed:
        payload = await tokenize(api, rep, world.a.customer_id, card=card(number, cvc=cvc))
        assert payload["userErrors"] == [], number
        found.append((payload["paymentMethod"]["brand"], payload["paymentMethod"]["last4"]))

    assert found == [(brand, last4) for _n, _c, brand, last4 in typed]


async def test_brand_is_read_from_the_number(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    numbers = {
        "2223003122003222": "mastercard",
        "6011111111111117": "discover",
        "36227206271667": "diners",
        "3566002020360505": "jcb",
        "6200000000000005": "unionpay",
        "9999999999999995": "unknown",
    }

    brands = {}
    for number in numbers:
        payload = await tokenize(api, rep, world.a.customer_id, card=card(number))
        assert payload["userErrors"] == [], number
        brands[number] = payload["paymentMethod"]["brand"]

    assert brands == numbers


async def test_a_card_expiring_this_month_is_still_active(api: Api, world: World) -> None:
    now = datetime.now(UTC)

    payload = await tokenize(
        api, world.a.caller("rep"), world.a.customer_id, card=card(VISA, now.month, now.year)
    )

    assert payload["userErrors"] == []
    assert payload["paymentMethod"]["status"] == "ACTIVE"


async def test_two_digit_expiry_year_is_read_as_20yy(api: Api, world: World) -> None:
    payload = await tokenize(
        api, world.a.caller("rep"), world.a.customer_id, card=card(VISA, 3, YEAR % 100, "123")
    )

    assert payload["userErrors"] == []
    assert (payload["paymentMethod"]["expMonth"], payload["paymentMethod"]["expYear"]) == (3, YEAR)


async def test_invalid_cards_are_userErrors_on_the_exact_field(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    cases = {
        "Luhn-invalid number": card("4242424242424241"),
        "too few digits": card("42424242"),
        "letters": card("4242 4242 4242 424x"),
        "expired last year": card(VISA, 12, LAST_YEAR),
        "expired two-digit year": card(VISA, 12, LAST_YEAR % 100),
        "month 13": card(VISA, 13),
        "month 0": card(VISA, 0),
        "2-digit CVC": card(VISA, cvc="12"),
        "4-digit CVC on a visa": card(VISA, cvc="1234"),
        "letters in CVC": card(VISA, cvc="12a"),
        "amex with a 3-digit CVC": card(AMEX, cvc="123"),
        "a name longer than a card keeps": {**card(VISA), "nameOnCard": "A" * 101},
    }
    number = ["input", "card", "number"]
    cvc = ["input", "card", "cvc"]

    actual = {}
    for name, given in cases.items():
        payload = await tokenize(api, rep, world.a.customer_id, card=given)
        assert payload["paymentMethod"] is None, name
        actual[name] = problems(payload)

    assert actual == {
        "Luhn-invalid number": [(number, "CARD_INVALID")],
        "too few digits": [(number, "CARD_INVALID")],
        "letters": [(number, "CARD_INVALID")],
        "expired last year": [(["input", "card", "expYear"], "CARD_EXPIRED")],
        "expired two-digit year": [(["input", "card", "expYear"], "CARD_EXPIRED")],
        "month 13": [(["input", "card", "expMonth"], "CARD_INVALID")],
        "month 0": [(["input", "card", "expMonth"], "CARD_INVALID")],
        "2-digit CVC": [(cvc, "CARD_INVALID")],
        "4-digit CVC on a visa": [(cvc, "CARD_INVALID")],
        "letters in CVC": [(cvc, "CARD_INVALID")],
        "amex with a 3-digit CVC": [(cvc, "CARD_INVALID")],
        "a name longer than a card keeps": [(["input", "card", "nameOnCard"], "INVALID")],
    }
    assert await cards_on_file(api, rep, world.a.customer_id, removed=True) == []


async def test_invalid_card_messages_never_repeat_the_number(api: Api, world: World) -> None:
    payload = await tokenize(
        api, world.a.caller("rep"), world.a.customer_id, card=card("4242424242424241", 13, YEAR, "12")
    )

    assert payload["userErrors"] == [
        {
            "field": ["input", "card", "number"],
            "code": "CARD_INVALID",
            "message": "This card number is not valid.",
        },
        {
            "field": ["input", "card", "expMonth"],
            "code": "CARD_INVALID",
            "message": "The expiry month must be 1 to 12.",
        },
        {
            "field": ["input", "card", "cvc"],
            "code": "CARD_INVALID",
            "message": "The security code has 3 digits.",
        },
    ]


async def test_exactly_one_of_card_and_gateway_token(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    neither = await tokenize(api, rep, world.a.customer_id)
    blank_token = await tokenize(api, rep, world.a.customer_id, gatewayToken="  ")
    both = await tokenize(api, rep, world.a.customer_id, card=card(VISA), gatewayToken="tok_whatever")

    for payload in (neither, blank_token, both):
        assert payload["paymentMethod"] is None
        assert problems(payload) == [(["input", "card"], "INVALID")]
    assert await cards_on_file(api, rep, world.a.customer_id, removed=True) == []


# --- the default card -----------------------------------------------------------------------------


async def test_first_card_is_the_default_even_when_not_asked(api: Api, world: World) -> None:
    rep = world.a.caller("rep")

    method = await put_on_file(api, rep, world.a.customer_id, VISA, makeDefault=False)

    assert method["isDefault"] is True
    assert await default_card(api, rep, world.a.customer_id) == {"id": method["id"], "last4": "4242"}


async def test_make_default_decides_whether_a_later_card_takes_over(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    await put_on_file(api, rep, world.a.customer_id, VISA)

    second = await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)
    assert second["isDefault"] is False
    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("4242", True, "ACTIVE"),
        ("4444", False, "ACTIVE"),
    ]

    third = await put_on_file(api, rep, world.a.customer_id, AMEX, makeDefault=True)
    assert third["isDefault"] is True
    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("0005", True, "ACTIVE"),
        ("4444", False, "ACTIVE"),
        ("4242", False, "ACTIVE"),
    ]
    assert await default_card(api, rep, world.a.customer_id) == {"id": third["id"], "last4": "0005"}


async def test_set_default_payment_method_moves_the_default(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    first = await put_on_file(api, rep, world.a.customer_id, VISA)
    second = await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)

    payload = await run(api, SET_DEFAULT, rep, paymentMethodId=second["id"])

    assert payload["userErrors"] == []
    assert (payload["paymentMethod"]["id"], payload["paymentMethod"]["isDefault"]) == (second["id"], True)
    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("4444", True, "ACTIVE"),
        ("4242", False, "ACTIVE"),
    ]
    # Making the default the default again changes nothing.
    again = await run(api, SET_DEFAULT, rep, paymentMethodId=second["id"])
    assert again["userErrors"] == []
    back = await run(api, SET_DEFAULT, rep, paymentMethodId=first["id"])
    assert back["paymentMethod"]["isDefault"] is True
    assert await default_card(api, rep, world.a.customer_id) == {"id": first["id"], "last4": "4242"}


# --- the same card twice --------------------------------------------------------------------------


async def test_the_same_card_again_is_the_same_payment_method_with_the_new_expiry(
    api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    first = await put_on_file(api, rep, world.a.customer_id, VISA)

    payload = await tokenize(
        api, rep, world.a.customer_id, card=card("4242-4242-4242-4242", 5, YEAR + 2, "999")
    )

    assert payload["userErrors"] == []
    again = payload["paymentMethod"]
    assert again["id"] == first["id"]
    assert (again["expMonth"], again["expYear"], again["isDefault"]) == (5, YEAR + 2, True)
    data = await api.gql(CARDS_ON_FILE, rep, id=world.a.customer_id, removed=True)
    assert [m["id"] for m in data["customer"]["paymentMethods"]] == [first["id"]]


async def test_the_same_card_again_with_make_default_becomes_the_default(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    await put_on_file(api, rep, world.a.customer_id, VISA)
    second = await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)

    again = await put_on_file(api, rep, world.a.customer_id, MASTERCARD)

    assert (again["id"], again["isDefault"]) == (second["id"], True)
    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("4444", True, "ACTIVE"),
        ("4242", False, "ACTIVE"),
    ]


async def test_the_same_card_for_another_customer_is_its_own_payment_method(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    other_customer = await new_customer(api, rep, "Other")
    mine = await put_on_file(api, rep, world.a.customer_id, VISA)

    theirs = await put_on_file(api, rep, other_customer, VISA)

    assert theirs["id"] != mine["id"]
    assert await cards_on_file(api, rep, world.a.customer_id) == [("4242", True, "ACTIVE")]
    assert await cards_on_file(api, rep, other_customer) == [("4242", True, "ACTIVE")]


async def test_cards_added_at_the_same_moment_are_all_kept_with_one_default(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    numbers = [VISA, MASTERCARD, AMEX, "6011111111111117", "3566002020360505"]

    # Several rounds: each is a race, and one lost race is enough to show the fault.
    for round_ in range(10):
        customer = await new_customer(api, rep, f"Race{round_}")
        responses = await asyncio.gather(
            *(
                api.post(
                    {"query": TOKENIZE, "variables": {"i": {"customerId": customer, "card": card(n)}}}, rep
                )
                for n in numbers
            )
        )

        assert [r.json().get("errors") for r in responses] == [None] * len(numbers)
        assert [r.json()["data"]["tokenizeCard"]["userErrors"] for r in responses] == [[]] * len(numbers)
        on_file = await cards_on_file(api, rep, customer)
        assert sorted(last4 for last4, _, _ in on_file) == sorted(n[-4:] for n in numbers)
        assert [is_default for _, is_default, _ in on_file] == [True] + [False] * (len(numbers) - 1)


# --- updating -------------------------------------------------------------------------------------


async def test_update_payment_method_takes_a_new_expiry_and_name(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    method = await put_on_file(api, rep, world.a.customer_id, VISA)

    payload = await run(
        api, UPDATE, rep, paymentMethodId=method["id"], expMonth=1, expYear=YEAR + 1, nameOnCard=" Ada L "
    )

    assert payload["userErrors"] == []
    updated = payload["paymentMethod"]
    assert (updated["id"], updated["expMonth"], updated["expYear"]) == (method["id"], 1, YEAR + 1)
    assert updated["nameOnCard"] == "Ada L"
    assert (updated["brand"], updated["last4"], updated["status"]) == ("visa", "4242", "ACTIVE")


async def test_update_payment_method_refuses_an_expired_or_invalid_expiry(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    method = await put_on_file(api, rep, world.a.customer_id, VISA)

    expired = await run(api, UPDATE, rep, paymentMethodId=method["id"], expMonth=1, expYear=LAST_YEAR)
    bad_month = await run(api, UPDATE, rep, paymentMethodId=method["id"], expMonth=13)

    assert expired["paymentMethod"] is None
    assert problems(expired) == [(["input", "expYear"], "CARD_EXPIRED")]
    assert bad_month["paymentMethod"] is None
    assert problems(bad_month) == [(["input", "expMonth"], "CARD_INVALID")]
    data = await api.gql(
        f"query($id: ID!) {{ node(id: $id) {{ ... on PaymentMethod {{ {PM_FIELDS} }} }} }}",
        rep,
        id=method["id"],
    )
    assert (data["node"]["expMonth"], data["node"]["expYear"]) == (12, YEAR)


async def test_billing_address_must_be_one_of_the_same_customers(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    method = await put_on_file(api, rep, world.a.customer_id, VISA)
    own_address = await new_address(api, rep, world.a.customer_id, "Springfield")
    other_customer = await new_customer(api, rep, "Neighbour")
    neighbours_address = await new_address(api, rep, other_customer, "Shelbyville")
    other_accounts_address = await new_address(api, world.b.caller("rep"), world.b.customer_id, "Ogdenville")

    ok = await run(api, UPDATE, rep, paymentMethodId=method["id"], billingAddressId=own_address)
    neighbours = await run(
        api, UPDATE, rep, paymentMethodId=method["id"], billingAddressId=neighbours_address
    )
    foreign = await run(
        api, UPDATE, rep, paymentMethodId=method["id"], billingAddressId=other_accounts_address
    )
    missing = await run(
        api, UPDATE, rep, paymentMethodId=method["id"], billingAddressId="addr_0000000000000000000000"
    )

    assert ok["userErrors"] == []
    assert ok["paymentMethod"]["billingAddress"] == {"id": own_address, "city": "Springfield"}
    for refused in (neighbours, foreign, missing):
        assert refused == {
            "paymentMethod": None,
            "userErrors": [
                {
                    "field": ["input", "billingAddressId"],
                    "code": "NOT_FOUND",
                    "message": "No address of this customer with this id.",
                }
            ],
        }
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on PaymentMethod { billingAddress { id } } } }",
        rep,
        id=method["id"],
    )
    assert data["node"] == {"billingAddress": {"id": own_address}}


# --- removing -------------------------------------------------------------------------------------


async def test_remove_payment_method_keeps_it_for_history_and_moves_the_default(
    api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    oldest = await put_on_file(api, rep, world.a.customer_id, VISA)
    await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)
    newest = await put_on_file(api, rep, world.a.customer_id, AMEX, makeDefault=False)

    payload = await run(api, REMOVE, rep, paymentMethodId=oldest["id"])

    assert payload["userErrors"] == []
    removed = payload["paymentMethod"]
    assert (removed["id"], removed["status"], removed["isDefault"]) == (oldest["id"], "REMOVED", False)
    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("0005", True, "ACTIVE"),
        ("4444", False, "ACTIVE"),
    ]
    assert await cards_on_file(api, rep, world.a.customer_id, removed=True) == [
        ("0005", True, "ACTIVE"),
        ("4444", False, "ACTIVE"),
        ("4242", False, "REMOVED"),
    ]
    assert await default_card(api, rep, world.a.customer_id) == {"id": newest["id"], "last4": "0005"}


async def test_a_removed_card_cannot_be_made_default_or_changed(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    method = await put_on_file(api, rep, world.a.customer_id, VISA)
    await run(api, REMOVE, rep, paymentMethodId=method["id"])

    as_default = await run(api, SET_DEFAULT, rep, paymentMethodId=method["id"])
    changed = await run(api, UPDATE, rep, paymentMethodId=method["id"], expMonth=1)
    removed_again = await run(api, REMOVE, rep, paymentMethodId=method["id"])

    assert as_default["paymentMethod"] is None
    assert problems(as_default) == [(["input", "paymentMethodId"], "INVALID_STATE")]
    assert problems(changed) == [(["input", "paymentMethodId"], "INVALID_STATE")]
    assert removed_again["userErrors"] == []
    assert removed_again["paymentMethod"]["status"] == "REMOVED"
    assert await default_card(api, rep, world.a.customer_id) is None
    assert await cards_on_file(api, rep, world.a.customer_id) == []


async def test_removing_the_default_skips_an_expired_card(api: Api, world: World, app: Starlette) -> None:
    rep = world.a.caller("rep")
    default = await put_on_file(api, rep, world.a.customer_id, VISA)
    older = await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)
    newest = await put_on_file(api, rep, world.a.customer_id, AMEX, makeDefault=False)
    await set_expiry_in_db(app, newest["id"], 1, 2020)

    await run(api, REMOVE, rep, paymentMethodId=default["id"])

    assert await default_card(api, rep, world.a.customer_id) == {"id": older["id"], "last4": "4444"}
    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("4444", True, "ACTIVE"),
        ("0005", False, "EXPIRED"),
    ]


# --- expiry ---------------------------------------------------------------------------------------


async def test_an_expired_card_on_file_is_expired_and_listed_after_active_ones(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")
    old = await put_on_file(api, rep, world.a.customer_id, VISA)
    await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)

    await set_expiry_in_db(app, old["id"], 12, LAST_YEAR)

    assert await cards_on_file(api, rep, world.a.customer_id) == [
        ("4444", False, "ACTIVE"),
        ("4242", True, "EXPIRED"),
    ]
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on PaymentMethod { status expYear } } }", rep, id=old["id"]
    )
    assert data["node"] == {"status": "EXPIRED", "expYear": LAST_YEAR}
    # A new expiry brings it back.
    renewed = await run(api, UPDATE, rep, paymentMethodId=old["id"], expMonth=12, expYear=YEAR)
    assert renewed["paymentMethod"]["status"] == "ACTIVE"


async def test_an_expired_card_cannot_become_the_default(api: Api, world: World, app: Starlette) -> None:
    rep = world.a.caller("rep")
    await put_on_file(api, rep, world.a.customer_id, VISA)
    expired = await put_on_file(api, rep, world.a.customer_id, MASTERCARD, makeDefault=False)
    await set_expiry_in_db(app, expired["id"], 1, 2020)

    payload = await run(api, SET_DEFAULT, rep, paymentMethodId=expired["id"])

    assert problems(payload) == [(["input", "paymentMethodId"], "INVALID_STATE")]


# --- gateway tokens -------------------------------------------------------------------------------


async def test_a_sandbox_token_of_the_accounts_gateway_tokenizes(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")
    original = await put_on_file(api, rep, world.a.customer_id, MASTERCARD)
    token = await gateway_token_in_db(app, original["id"])
    assert token.startswith("tok_")
    other_customer = await new_customer(api, rep, "Tokenized")

    payload = await tokenize(api, rep, other_customer, gatewayToken=token)

    assert payload["userErrors"] == []
    method = payload["paymentMethod"]
    assert method["id"] != original["id"]
    assert (method["type"], method["brand"], method["last4"], method["expMonth"], method["expYear"]) == (
        "CARD",
        "mastercard",
        "4444",
        12,
        YEAR,
    )
    assert (method["status"], method["isDefault"], method["gateway"]) == ("ACTIVE", True, {"kind": "sandbox"})
    assert await gateway_token_in_db(app, method["id"]) == token


async def test_the_same_gateway_token_twice_is_one_card(api: Api, world: World, app: Starlette) -> None:
    rep = world.a.caller("rep")
    original = await put_on_file(api, rep, world.a.customer_id, MASTERCARD)
    token = await gateway_token_in_db(app, original["id"])

    again = await tokenize(api, rep, world.a.customer_id, gatewayToken=token)

    assert again["userErrors"] == []
    assert again["paymentMethod"]["id"] == original["id"]
    assert await cards_on_file(api, rep, world.a.customer_id) == [("4444", True, "ACTIVE")]


async def test_a_token_the_sandbox_does_not_know_is_a_gateway_error(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")
    theirs = await put_on_file(api, world.b.caller("rep"), world.b.customer_id, VISA)
    other_accounts_token = await gateway_token_in_db(app, theirs["id"])

    unknown = await tokenize(api, rep, world.a.customer_id, gatewayToken="tok_0000000000000000000000")
    foreign = await tokenize(api, rep, world.a.customer_id, gatewayToken=other_accounts_token)

    for payload in (unknown, foreign):
        assert payload["paymentMethod"] is None
        assert problems(payload) == [(["input", "gatewayToken"], "GATEWAY_ERROR")]
    assert await cards_on_file(api, rep, world.a.customer_id, removed=True) == []


# --- who may --------------------------------------------------------------------------------------


async def test_viewers_may_not_touch_cards_reps_and_api_keys_may(api: Api, world: World) -> None:
    owner = world.a.caller("owner")
    actual: dict[tuple[str, str], str] = {}
    wanted: dict[tuple[str, str], str] = {}
    for name in ["owner", "admin", "rep", "apikey", "viewer"]:
        caller = world.a.caller(name)
        customer = await new_customer(api, owner, f"Roles{name}")
        # The card each caller works on is put there by the owner.
        target = await put_on_file(api, owner, customer, VISA)
        outcomes = {
            "tokenizeCard": await tokenize(api, caller, customer, card=card(MASTERCARD), makeDefault=False),
            "setDefaultPaymentMethod": await run(api, SET_DEFAULT, caller, paymentMethodId=target["id"]),
            "updatePaymentMethod": await run(api, UPDATE, caller, paymentMethodId=target["id"], expMonth=2),
            "removePaymentMethod": await run(api, REMOVE, caller, paymentMethodId=target["id"]),
        }
        for mutation, payload in outcomes.items():
            actual[(name, mutation)] = (
                "ok" if payload["userErrors"] == [] else " ".join(c for _f, c in problems(payload))
            )
            wanted[(name, mutation)] = "FORBIDDEN" if name == "viewer" else "ok"
            if name == "viewer":
                assert payload["paymentMethod"] is None
                assert payload["userErrors"][0]["field"] is None
        if name == "viewer":
            # Nothing the viewer asked for happened.
            assert await cards_on_file(api, owner, customer) == [("4242", True, "ACTIVE")]

    assert actual == wanted


async def test_other_accounts_ids_answer_exactly_like_missing_ones(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    theirs = await put_on_file(api, world.b.caller("rep"), world.b.customer_id, VISA)
    their_gateway = (await api.gql("{ gateways { id } }", world.b.caller("owner")))["gateways"][0]["id"]
    other = {"customer": world.b.customer_id, "paymentMethod": theirs["id"], "gateway": their_gateway}
    requests: dict[str, tuple[str, Callable[[dict[str, str]], dict[str, Any]], list[str]]] = {
        "tokenizeCard customerId": (
            TOKENIZE,
            lambda ids: {"customerId": ids["customer"], "card": card(VISA)},
            ["input", "customerId"],
        ),
        "tokenizeCard gatewayId": (
            TOKENIZE,
            lambda ids: {"customerId": world.a.customer_id, "card": card(VISA), "gatewayId": ids["gateway"]},
            ["input", "gatewayId"],
        ),
        "setDefaultPaymentMethod": (
            SET_DEFAULT,
            lambda ids: {"paymentMethodId": ids["paymentMethod"]},
            ["input", "paymentMethodId"],
        ),
        "updatePaymentMethod": (
            UPDATE,
            lambda ids: {"paymentMethodId": ids["paymentMethod"], "expMonth": 1},
            ["input", "paymentMethodId"],
        ),
        "removePaymentMethod": (
            REMOVE,
            lambda ids: {"paymentMethodId": ids["paymentMethod"]},
            ["input", "paymentMethodId"],
        ),
    }

    for name, (mutation, variables, field) in requests.items():
        foreign = await api.post({"query": mutation, "variables": {"i": variables(other)}}, rep)
        missing = await api.post({"query": mutation, "variables": {"i": variables(MISSING)}}, rep)
        assert foreign.status_code == missing.status_code == 200, name
        assert without_throttle(foreign.json()) == without_throttle(missing.json()), name
        (payload,) = foreign.json()["data"].values()
        assert problems(payload) == [(field, "NOT_FOUND")], name

    # Nothing of theirs changed, and node(id:) does not see it.
    assert await cards_on_file(api, world.b.caller("rep"), world.b.customer_id) == [("4242", True, "ACTIVE")]
    for node_id in (theirs["id"], their_gateway):
        data = await api.gql("query($id: ID!) { node(id: $id) { id } }", rep, id=node_id)
        assert data["node"] is None
        own = await api.gql("query($id: ID!) { node(id: $id) { id } }", world.b.caller("viewer"), id=node_id)
        assert own["node"] == {"id": node_id}
