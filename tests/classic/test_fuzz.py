"""Random ``data`` thrown at reqType=sale: every answer is JSON with a result code 1 to 7, never a 5xx.

The data mixes the sale's own keys (with values that are right, wrong in
type, out of range or nested junk) with arbitrary JSON, so that most
examples get deep into the body before something refuses them, and some
sell. One app serves all the examples of a test run.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.classic.client import YEAR, Classic, Numbers
from tests.helpers import World

# Values a classic integration could plausibly send, right or wrong, beside arbitrary ones.
WORDS = st.sampled_from(
    [
        "1",
        "2",
        "49.00",
        "49.001",
        "-1",
        "0",
        "1e400",
        "NaN",
        "yes",
        "no",
        "single",
        "subscription",
        "payment_plan",
        "week",
        "month",
        "fortnight",
        "4242424242424242",
        "4000000000000002",
        "4242424242424241",
        "cus_nothing",
        "",
        " ",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | WORDS
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


def mostly(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` three times in four, so examples get deep into the body before something refuses them."""
    # Hypothesis favours the first choice (its simplest), so that is the usual one.
    return st.sampled_from([usual, usual, usual, other]).flatmap(lambda chosen: chosen)


def sale_data(numbers: Numbers) -> st.SearchStrategy[Any]:
    """Sale bodies: the real keys with good, bad or junk values, or junk alone."""
    good = st.sampled_from([numbers.contact, str(numbers.product), 1])
    reference = mostly(good, SCALARS | st.sampled_from([999, "gw_nothing"]))
    product = st.fixed_dictionaries(
        {"id": reference},
        optional={
            "quantity": mostly(st.sampled_from([1, "2", 0, -3, 10**9]), SCALARS),
            "price": mostly(st.sampled_from(["49.00", 35, "0.5", "1.234"]), SCALARS),
            "type": mostly(st.sampled_from(["single", "subscription", "payment_plan"]), SCALARS),
            "unit": mostly(st.sampled_from(["day", "week", "month", "quarter", "year"]), SCALARS),
            "payment_count": mostly(st.sampled_from([2, "4", 1, 361]), SCALARS),
        },
    )
    card = st.fixed_dictionaries(
        {
            "card_number": mostly(st.sampled_from(["4242424242424242", "4000000000000002"]), SCALARS),
            "card_expire_month": mostly(st.sampled_from([12, "5", 13]), SCALARS),
            "card_expire_year": mostly(st.sampled_from([YEAR, 2017, str(YEAR)]), SCALARS),
        },
        optional={
            "card_code": mostly(st.sampled_from(["123", 123, "12345"]), SCALARS),
            "contact_email": mostly(st.sampled_from(["a@b.test", "nope"]), SCALARS),
            "contact_country": mostly(st.sampled_from(["US", "ZZ"]), SCALARS),
            "contact_address": SCALARS,
            "contact_city": SCALARS,
        },
    )
    products = st.lists(product, min_size=1, max_size=3)
    body = st.fixed_dictionaries(
        {"contact_id": reference, "products": mostly(products, JUNK), "card_details": mostly(card, JUNK)},
        optional={
            "use_card_on_file": mostly(st.sampled_from(["yes", True, "no"]), SCALARS),
            "gateway_id": reference,
            "invoice_id": reference,
            "idempotency_key": st.text(max_size=300) | SCALARS,
        },
    )
    return mostly(body, JUNK)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_random_data_gets_a_result_code_and_never_a_5xx(
    world: World, classic: Classic, numbers: Numbers, data: st.DataObject
) -> None:
    body = data.draw(sale_data(numbers))
    # One example in eight sends text that is probably not JSON at all.
    as_json = data.draw(st.sampled_from([True] * 7 + [False]))
    text = json.dumps(body) if as_json else data.draw(st.text(max_size=40))

    response = await classic.post(world.a.caller("apikey"), "sale", text)

    assert response.status_code == 200, response.text
    assert response.json()["result_code"] in range(1, 8), response.text
    assert response.json()["result_code"] != 4, response.text
