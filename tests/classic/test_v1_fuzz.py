"""Random processManual bodies: every answer is HTTP 200 with ``code`` 0 and a result code 1 to 7, never a
5xx and never our own failure (code 4).

The bodies keep processManual's shape (contact, template, gateway, the offer's products with their price
entries, payer, billing address, delay, chargeNow) with values that are right, wrong in type, out of range
or nested junk, beside arbitrary JSON, so most examples get deep into the body before something refuses
them, and some charge or log. One app serves all the examples of a test run.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.classic.client import YEAR, Numbers
from tests.classic.test_fuzz import JUNK, SCALARS, mostly
from tests.classic.v1 import V1
from tests.helpers import World


def manual_body(numbers: Numbers) -> st.SearchStrategy[Any]:
    """processManual bodies: the real keys with good, bad or junk values, or junk alone."""
    reference = mostly(st.sampled_from([numbers.contact, numbers.product, 1]), SCALARS | st.just(999))
    price = st.fixed_dictionaries(
        {
            "price": mostly(st.sampled_from(["49", 35, "0.5", "1.234", "-3"]), SCALARS),
            "payment_count": mostly(st.sampled_from([1, 0, 4, "2", 361, -1]), SCALARS),
            "unit": mostly(st.sampled_from(["day", "week", "month", "quarter", "year"]), SCALARS),
        }
    )
    product = st.fixed_dictionaries(
        {"id": reference, "price": mostly(st.lists(price, min_size=1, max_size=2), JUNK)},
        optional={
            "quantity": mostly(st.sampled_from([1, "2", 0, -3, 10**9]), SCALARS),
            "type": mostly(st.sampled_from(["single", "subscription", "payment_plan"]), SCALARS),
            "tax": st.booleans(),
            "shipping": st.booleans(),
        },
    )
    payer = st.fixed_dictionaries(
        {
            "ccnumber": mostly(st.sampled_from([4242424242424242, "4000000000000002"]), SCALARS),
            "expire_month": mostly(st.sampled_from([12, "5", 13]), SCALARS),
            "expire_year": mostly(st.sampled_from([YEAR, 2017, str(YEAR)]), SCALARS),
        },
        optional={"code": mostly(st.sampled_from([123, "123", "12345"]), SCALARS)},
    )
    address = st.fixed_dictionaries(
        {
            "address": mostly(st.just("123 Test st"), SCALARS),
            "city": mostly(st.just("Santa Barbara"), SCALARS),
            "country": mostly(st.sampled_from(["US", "ZZ"]), SCALARS),
        },
        optional={"zip": SCALARS, "state": SCALARS, "address2": SCALARS},
    )
    body = st.fixed_dictionaries(
        {
            "contact_id": reference,
            "chargeNow": mostly(st.sampled_from(["chargeNow", "no"]), SCALARS),
            "offer": mostly(
                st.fixed_dictionaries({"products": st.lists(product, min_size=1, max_size=2)}), JUNK
            ),
        },
        optional={
            "payer": mostly(payer, JUNK),
            "billing_address": mostly(address, JUNK),
            "invoice_template": reference,
            "gateway_id": reference,
            "trans_date": mostly(st.sampled_from([1431551200, "1431551200", 4102444800, -1]), SCALARS),
            "delay": mostly(st.sampled_from([0, 14, "7", 731, -1]), SCALARS),
            "objectID": mostly(st.just(0), SCALARS),
            "hasTaxes": st.booleans(),
            "hasShipping": st.booleans(),
        },
    )
    return mostly(body, JUNK)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_random_bodies_get_a_result_code_and_never_a_5xx(
    world: World, v1: V1, numbers: Numbers, data: st.DataObject
) -> None:
    body = data.draw(manual_body(numbers))
    # One example in eight sends text that is probably not JSON at all.
    as_json = data.draw(st.sampled_from([True] * 7 + [False]))
    text = json.dumps(body) if as_json else data.draw(st.text(max_size=40))

    response = await v1.post(world.a.caller("apikey"), text)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["code"] == 0, response.text
    assert answer["data"]["result_code"] in range(1, 8), response.text
    assert answer["data"]["result_code"] != 4, response.text
