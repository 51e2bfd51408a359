"""Referral partners and the commission a sale owes them, over the API.

A partner earns a percent of each paid sale of a customer they referred
(rounded half-up in the minor unit), or a fixed amount in one currency
(nothing on a sale in another). The commission is recorded when the sale is
paid (charged, logged or marked paid), follows refunds pro rata (never below
0.00; a void makes it 0.00), and keeps its rate when the partner changes
until ``rerunCommission`` computes it again from the customer's partner as
it is now. Partners are readable by name and by ``node``, only in their
account.
"""

from __future__ import annotations

from typing import Any

from tests.actions.common import (
    MARK_PAID,
    REFUND,
    RERUN,
    VOID,
    act,
    declined_charge,
    paid_charge,
    paid_log,
    read,
)
from tests.api.test_sales import new_customer, run
from tests.helpers import Api, Caller, World

PARTNER = "id name email commissionPercent commissionAmount { amount currency }"
CREATE_PARTNER = f"""
mutation($i: CreatePartnerInput!) {{
  createPartner(input: $i) {{ partner {{ {PARTNER} }} userErrors {{ field code message }} }}
}}"""
UPDATE_PARTNER = f"""
mutation($i: UpdatePartnerInput!) {{
  updatePartner(input: $i) {{ partner {{ {PARTNER} }} userErrors {{ field code message }} }}
}}"""
SET_REFERRER = """
mutation($i: SetCustomerReferrerInput!) {
  setCustomerReferrer(input: $i) { customer { id referredBy { id name } } userErrors { field code message } }
}"""
PARTNERS = "{ partners { id name } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Partner { name commissionPercent } } }"
REFERRED_BY = "query($id: ID!) { customer(id: $id) { referredBy { id name } } }"


# --- helpers --------------------------------------------------------------------------------------


async def partner(api: Api, admin: Caller, name: str, **rate: Any) -> str:
    payload = await run(api, CREATE_PARTNER, admin, name=name, **rate)
    assert payload["userErrors"] == [], payload
    return str(payload["partner"]["id"])


async def refer(api: Api, admin: Caller, customer_id: str, partner_id: str | None) -> dict[str, Any]:
    payload = await run(api, SET_REFERRER, admin, customerId=customer_id, partnerId=partner_id)
    assert payload["userErrors"] == [], payload
    return dict(payload["customer"])


async def referred_customer(api: Api, admin: Caller, name: str, partner_id: str) -> str:
    customer_id = await new_customer(api, admin, name)
    await refer(api, admin, customer_id, partner_id)
    return customer_id


def owed(sale: dict[str, Any]) -> str | None:
    """The commission the sale owes now, as a decimal string; None when it owes none."""
    commission = sale["commission"]
    return None if commission is None else str(commission["amount"]["amount"])


def gross(sale: dict[str, Any]) -> int:
    return int(sale["commission"]["gross"]["minorUnits"])


def events(sale: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in sale["events"] if e["kind"] == kind]


async def refunded(api: Api, admin: Caller, sale_id: str, amount: str | None = None) -> dict[str, Any]:
    payload = await act(api, REFUND, admin, transactionId=sale_id, **({"amount": amount} if amount else {}))
    assert payload["userErrors"] == [], payload
    return dict(payload["transaction"])


async def rerun(api: Api, admin: Caller, sale_id: str) -> dict[str, Any]:
    payload = await act(api, RERUN, admin, transactionId=sale_id)
    assert payload["userErrors"] == [], payload
    return dict(payload["transaction"])


# --- partners -------------------------------------------------------------------------------------


async def test_partners_with_a_percent_or_a_fixed_amount(api: Api, world: World) -> None:
    admin, other = world.a.caller("admin"), world.b.caller("admin")
    by_percent = await run(api, CREATE_PARTNER, admin, name="Zoe Ref", commissionPercent="10")
    assert by_percent["userErrors"] == [], by_percent
    assert by_percent["partner"]["id"].startswith("ptr_")
    assert by_percent["partner"]["commissionPercent"] == "10"
    assert by_percent["partner"]["commissionAmount"] is None
    fixed = await run(
        api,
        CREATE_PARTNER,
        admin,
        name="Adam Ref",
        email="adam@ref.test",
        commissionAmount={"amount": "5.00", "currency": "USD"},
    )
    assert fixed["userErrors"] == [], fixed
    assert fixed["partner"]["commissionPercent"] is None
    assert fixed["partner"]["commissionAmount"] == {"amount": "5.00", "currency": "USD"}
    assert fixed["partner"]["email"] == "adam@ref.test"
    zoe, adam = by_percent["partner"]["id"], fixed["partner"]["id"]

    assert (await api.gql(PARTNERS, admin))["partners"] == [
        {"id": adam, "name": "Adam Ref"},
        {"id": zoe, "name": "Zoe Ref"},
    ]
    assert (await api.gql(PARTNERS, other))["partners"] == []
    assert (await api.gql(NODE, admin, id=zoe))["node"] == {
        "id": zoe,
        "name": "Zoe Ref",
        "commissionPercent": "10",
    }
    assert (await api.gql(NODE, other, id=zoe))["node"] is None

    customer = world.a.customer_id
    assert (await api.gql(REFERRED_BY, admin, id=customer))["customer"]["referredBy"] is None
    assert (await refer(api, admin, customer, zoe))["referredBy"] == {"id": zoe, "name": "Zoe Ref"}
    assert (await api.gql(REFERRED_BY, admin, id=customer))["customer"]["referredBy"]["id"] == zoe
    assert (await refer(api, admin, customer, None))["referredBy"] is None
    assert (await api.gql(REFERRED_BY, admin, id=customer))["customer"]["referredBy"] is None

    # Another account's partner, or its customer, is not there for account b.
    foreign = await run(api, SET_REFERRER, other, customerId=world.b.customer_id, partnerId=zoe)
    assert [(e["field"], e["code"]) for e in foreign["userErrors"]] == [(["input", "partnerId"], "NOT_FOUND")]
    reach = await run(api, SET_REFERRER, other, customerId=customer, partnerId=None)
    assert [e["code"] for e in reach["userErrors"]] == ["NOT_FOUND"]
    sneaky = await run(api, UPDATE_PARTNER, other, id=zoe, name="Taken")
    assert [e["code"] for e in sneaky["userErrors"]] == ["NOT_FOUND"]
    assert (await api.gql(NODE, admin, id=zoe))["node"]["name"] == "Zoe Ref"


# Each: what createPartner gets, and the (field, code) pairs it must answer with.
PERCENT = ["input", "commissionPercent"]
INVALID_PARTNERS: list[tuple[dict[str, Any], list[tuple[list[str], str]]]] = [
    ({"name": "Both", "commissionPercent": "10", "commissionAmount": {"amount": "5.00", "currency": "USD"}},
     [(PERCENT, "INVALID")]),
    ({"name": "Neither"}, [(PERCENT, "INVALID")]),
    ({"name": "Zero", "commissionPercent": "0"}, [(PERCENT, "INVALID")]),
    ({"name": "Negative", "commissionPercent": "-5"}, [(PERCENT, "INVALID")]),
    ({"name": "Over", "commissionPercent": "100.01"}, [(PERCENT, "INVALID")]),
    ({"name": "Three decimals", "commissionPercent": "12.345"}, [(PERCENT, "INVALID")]),
    ({"name": "Zero amount", "commissionAmount": {"amount": "0", "currency": "USD"}},
     [(["input", "commissionAmount", "amount"], "INVALID")]),
    ({"name": "Cents of cents", "commissionAmount": {"amount": "5.001", "currency": "USD"}},
     [(["input", "commissionAmount", "amount"], "INVALID")]),
    ({"name": "No currency", "commissionAmount": {"amount": "5.00", "currency": "ZZZ"}},
     [(["input", "commissionAmount", "currency"], "INVALID")]),
]  # fmt: skip


async def test_partner_validation(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    for given, expected in INVALID_PARTNERS:
        payload = await run(api, CREATE_PARTNER, admin, **given)
        assert payload["partner"] is None, given
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected, (given, payload)
    for blank in ("", "   "):
        payload = await run(api, CREATE_PARTNER, admin, name=blank, commissionPercent="10")
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] in (
            [(["input", "name"], "REQUIRED")],
            [(["input", "name"], "INVALID")],
        ), payload
    assert (await api.gql(PARTNERS, admin))["partners"] == [], "nothing invalid was kept"

    # The edges that are fine: 100 %, two decimals.
    assert await partner(api, admin, "All", commissionPercent="100")
    kept = await partner(api, admin, "Fine", commissionPercent="12.25")
    changed = await run(api, UPDATE_PARTNER, admin, id=kept, commissionPercent="0")
    assert [(e["field"], e["code"]) for e in changed["userErrors"]] == [(PERCENT, "INVALID")]
    assert (await api.gql(NODE, admin, id=kept))["node"]["commissionPercent"] == "12.25"


# --- recording ------------------------------------------------------------------------------------


async def test_paid_sales_of_a_referred_customer_record_a_commission(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    ten = await partner(api, admin, "Ten", commissionPercent="10")
    five = await partner(api, admin, "Five", commissionAmount={"amount": "5.00", "currency": "USD"})
    by_ten = await referred_customer(api, admin, "Tena", ten)
    by_five = await referred_customer(api, admin, "Fiva", five)

    for customer, partner_id, maker, total, expected in (
        (by_ten, ten, paid_charge, "100.00", "10.00"),
        (by_ten, ten, paid_log, "100.00", "10.00"),
        (by_five, five, paid_charge, "100.00", "5.00"),
        (by_five, five, paid_log, "40.00", "5.00"),
    ):
        sale = await read(api, admin, (await maker(api, admin, customer, total))["id"])
        assert owed(sale) == expected, (maker.__name__, total, sale["commission"])
        assert sale["commission"]["amount"]["currency"] == "USD"
        assert sale["commission"]["partner"] == {"id": partner_id}
        assert [e["amount"]["minorUnits"] for e in events(sale, "commission_recorded")] == [gross(sale)]

    plain = await read(api, admin, (await paid_charge(api, admin, world.a.customer_id))["id"])
    assert plain["commission"] is None
    assert events(plain, "commission_recorded") == []


async def test_a_fixed_rate_earns_nothing_on_a_sale_in_another_currency(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    five = await partner(api, admin, "Five", commissionAmount={"amount": "5.00", "currency": "USD"})
    ten = await partner(api, admin, "Ten", commissionPercent="10")
    by_five = await referred_customer(api, admin, "Fiva", five)
    by_ten = await referred_customer(api, admin, "Tena", ten)

    euro = await read(api, admin, (await paid_charge(api, admin, by_five, currency="EUR"))["id"])
    assert euro["total"]["currency"] == "EUR"
    assert euro["commission"] is None
    assert events(euro, "commission_recorded") == []
    # A percent earns in the sale's currency.
    percent = await read(api, admin, (await paid_charge(api, admin, by_ten, currency="EUR"))["id"])
    assert percent["commission"]["amount"] == {"amount": "10.00", "currency": "EUR", "minorUnits": 1000}


async def test_marking_a_declined_sale_paid_records_its_commission(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    ten = await partner(api, admin, "Ten", commissionPercent="10")
    customer = await referred_customer(api, admin, "Tena", ten)
    sale = await declined_charge(api, admin, customer)

    not_paid = await act(api, RERUN, admin, transactionId=sale["id"])
    assert [(e["field"], e["code"]) for e in not_paid["userErrors"]] == [
        (["input", "transactionId"], "INVALID_STATE")
    ]
    assert (await read(api, admin, sale["id"]))["commission"] is None

    marked = await act(api, MARK_PAID, admin, transactionId=sale["id"], note="paid by cheque")
    assert marked["userErrors"] == [], marked
    assert marked["transaction"]["status"] == "PAID"
    assert owed(marked["transaction"]) == "10.00"
    assert len(events(marked["transaction"], "commission_recorded")) == 1


# --- following refunds ----------------------------------------------------------------------------


async def test_refunds_scale_the_commission_pro_rata_and_a_void_ends_it(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    ten = await partner(api, admin, "Ten", commissionPercent="10")
    five = await partner(api, admin, "Five", commissionAmount={"amount": "5.00", "currency": "USD"})
    by_ten = await referred_customer(api, admin, "Tena", ten)
    by_five = await referred_customer(api, admin, "Fiva", five)

    sale = await paid_charge(api, admin, by_ten)
    part = await refunded(api, admin, sale["id"], "30.00")
    assert (part["status"], owed(part), gross(part)) == ("PARTIALLY_REFUNDED", "7.00", 1000)
    rest = await refunded(api, admin, sale["id"])
    assert (rest["status"], owed(rest), gross(rest)) == ("REFUNDED", "0.00", 1000)
    assert rest["commission"]["amount"]["minorUnits"] == 0
    # Re-run on a refunded sale: still nothing owed, never less.
    assert owed(await rerun(api, admin, sale["id"])) == "0.00"

    logged = await paid_log(api, admin, by_five)
    assert owed(await refunded(api, admin, logged["id"], "30.00")) == "3.50"

    for maker, customer in ((paid_charge, by_ten), (paid_log, by_five)):
        paid = await maker(api, admin, customer)
        voided = await act(api, VOID, admin, transactionId=paid["id"])
        assert voided["userErrors"] == [], voided
        assert voided["transaction"]["status"] == "VOIDED"
        assert owed(voided["transaction"]) == "0.00", maker.__name__
        assert gross(voided["transaction"]) > 0


async def test_commissions_round_half_up_in_the_minor_unit(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    eighth = await referred_customer(
        api, admin, "Eighth", await partner(api, admin, "Eighth", commissionPercent="12.5")
    )
    tenth = await referred_customer(
        api, admin, "Tenth", await partner(api, admin, "Tenth", commissionPercent="10")
    )

    # (customer, total, refund, gross, owed after the refund)
    for customer, total, refund, whole, left in (
        # 12.5% of 33.33 = 4.16625 -> 4.17; of the 23.33 kept 2.91625 -> 2.92.
        (eighth, "33.33", "10.00", "4.17", "2.92"),
        # 12.5% of 33.32 = 4.165 exactly -> 4.17 (half-up, not half-even); 2.915 kept -> 2.92.
        (eighth, "33.32", "10.00", "4.17", "2.92"),
        # 10% of the 99.85 kept = 9.985 exactly -> 9.99.
        (tenth, "100.00", "0.15", "10.00", "9.99"),
    ):
        sale = await paid_charge(api, admin, customer, total)
        assert owed(await read(api, admin, sale["id"])) == whole, total
        after = await refunded(api, admin, sale["id"], refund)
        assert owed(after) == left, (total, refund, after["commission"])


# --- re-running -----------------------------------------------------------------------------------


async def test_a_new_rate_applies_to_a_recorded_sale_only_when_re_run(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    ten = await partner(api, admin, "Ten", commissionPercent="10")
    customer = await referred_customer(api, admin, "Tena", ten)
    sale = await paid_charge(api, admin, customer)
    assert owed(await refunded(api, admin, sale["id"], "30.00")) == "7.00"

    changed = await run(api, UPDATE_PARTNER, admin, id=ten, commissionPercent="20")
    assert changed["userErrors"] == [], changed
    assert changed["partner"]["commissionPercent"] == "20"
    kept = await read(api, admin, sale["id"])
    assert (owed(kept), gross(kept)) == ("7.00", 1000), "a recorded commission keeps its rate"
    assert events(kept, "commission_rerun") == []

    again = await rerun(api, admin, sale["id"])
    assert (owed(again), gross(again)) == ("14.00", 2000), "20% of 100.00, less the 30% refunded"
    assert [e["amount"]["minorUnits"] for e in events(again, "commission_rerun")] == [1400]
    assert again["status"] == "PARTIALLY_REFUNDED"

    fixed = await run(
        api, UPDATE_PARTNER, admin, id=ten, commissionAmount={"amount": "5.00", "currency": "USD"}
    )
    assert fixed["userErrors"] == [], fixed
    assert (fixed["partner"]["commissionPercent"], fixed["partner"]["commissionAmount"]["amount"]) == (
        None,
        "5.00",
    )
    assert owed(await rerun(api, admin, sale["id"])) == "3.50"

    # A later sale earns at the rate as it is now.
    assert owed(await read(api, admin, (await paid_charge(api, admin, customer))["id"])) == "5.00"


async def test_re_run_follows_the_customer_s_referrer_as_it_is_now(api: Api, world: World) -> None:
    admin = world.a.caller("admin")
    ten = await partner(api, admin, "Ten", commissionPercent="10")
    customer = await referred_customer(api, admin, "Tena", ten)
    sale = await paid_charge(api, admin, customer)

    await refer(api, admin, customer, None)
    assert owed(await read(api, admin, sale["id"])) == "10.00", "recorded until re-run"
    dropped = await rerun(api, admin, sale["id"])
    assert dropped["commission"] is None
    (event,) = events(dropped, "commission_rerun")
    assert event["amount"] is None

    # Referred after the sale: a re-run gives the new partner their commission.
    later = await partner(api, admin, "Later", commissionPercent="25")
    await refer(api, admin, customer, later)
    added = await rerun(api, admin, sale["id"])
    assert owed(added) == "25.00"
    assert added["commission"]["partner"] == {"id": later}
    assert len(events(added, "commission_rerun")) == 2
