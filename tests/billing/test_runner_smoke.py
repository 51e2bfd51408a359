"""The billing runner charges a due installment once, and the API shows the order move on."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from paydesk.billing.runner import Runner
from paydesk.clock import utcnow
from paydesk.transactions.service import Services
from tests.api.test_sales import card, charged
from tests.helpers import Api, World, resources

SUBS = """
query($id: ID!) {
  customer(id: $id) {
    subscriptions {
      id status nextChargeDate paymentsRemaining unit quantity
      unitPrice { amount } credit { amount } balanceRemaining { amount }
      transactions { id status total { amount } }
      dunning { attempts }
    }
  }
}"""


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def test_a_monthly_subscription_and_a_plan_are_charged_when_due(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    lines = [
        {"description": "Club", "unitPrice": "9.99", "kind": "SUBSCRIPTION", "unit": "MONTH"},
        {
            "description": "Canoe",
            "unitPrice": "50.00",
            "kind": "PAYMENT_PLAN",
            "unit": "MONTH",
            "paymentCount": 3,
        },
    ]
    sale = await charged(api, rep, customer, lines=lines, card=card("4242424242424242"))
    assert sale["status"] == "PAID"
    before = (await api.gql(SUBS, rep, id=customer))["customer"]["subscriptions"]
    assert sorted(s["paymentsRemaining"] or 0 for s in before) == [0, 2]

    later = utcnow() + timedelta(days=32)
    result = await Runner(services(app), clock=lambda: later).run_once()
    again = await Runner(services(app), clock=lambda: later).run_once()

    assert (result.charged, again.charged) == (2, 0)
    after = {
        s["unitPrice"]["amount"]: s
        for s in (await api.gql(SUBS, rep, id=customer))["customer"]["subscriptions"]
    }
    assert [t["status"] for t in after["9.99"]["transactions"]] == ["PAID", "PAID"]
    assert after["50.00"]["paymentsRemaining"] == 1
    assert after["50.00"]["balanceRemaining"]["amount"] == "50.00"
