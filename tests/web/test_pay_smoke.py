"""First checks of the hosted checkout: a request is paid once with a new card."""

from __future__ import annotations

import httpx

from tests.helpers import Api, World
from tests.web.pages import Payer

CREATE = """
mutation($i: CreatePaymentRequestInput!) {
  createPaymentRequest(input: $i) {
    paymentRequest { id url status amount { amount currency } transaction { id status } }
    userErrors { field code message }
  }
}"""
READ = "query($id: ID!) { paymentRequest(id: $id) { status transaction { id status total { amount } } } }"


async def test_a_request_is_paid_once(api: Api, world: World, payer: Payer) -> None:
    rep = world.a.caller("rep")
    made = (
        await api.gql(
            CREATE,
            rep,
            i={"customerId": world.a.customer_id, "amount": {"amount": "25.00", "currency": "USD"}},
        )
    )["createPaymentRequest"]
    assert made["userErrors"] == [], made
    path = httpx.URL(made["paymentRequest"]["url"]).path
    page = await payer.get(path)
    assert page.status_code == 200, page.text
    assert "$25.00" in page.text
    token = await payer.open_form(path)
    form = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2031", "cvc": "123"}
    form |= {"csrf_token": token, "attempt": "0", "payment_method": "new"}
    done = await payer.post(path, form)
    assert done.status_code == 200, done.text
    assert "your payment went through" in done.text
    again = await payer.post(path, form)  # the same form sent twice
    assert "This payment has been made" in again.text
    state = (await api.gql(READ, rep, id=made["paymentRequest"]["id"]))["paymentRequest"]
    assert state["status"] == "PAID"
    assert state["transaction"]["status"] == "PAID"
