"""A card put on file through a link that says so takes over the customer's open orders."""

from __future__ import annotations

from sqlmodel import select
from starlette.applications import Starlette

from paydesk.models import Subscription
from tests.helpers import Api, World, resources
from tests.web.pages import Payer, link_state, new_link

CHARGE = """
mutation($i: ChargeNowInput!) {
  chargeNow(input: $i) { transaction { status paymentMethod { id } } userErrors { field code } }
}"""
CLUB = {"description": "Gear club", "unitPrice": "9.99", "kind": "SUBSCRIPTION", "unit": "MONTH"}


async def open_order_cards(app: Starlette, customer_id: str) -> list[str | None]:
    async with resources(app).sessions() as db:
        rows = await db.exec(select(Subscription).where(Subscription.customer_id == customer_id))
        return [row.payment_method_id for row in rows]


async def subscribe(api: Api, world: World) -> str:
    old_card = {"number": "5555555555554444", "expMonth": 12, "expYear": 2031, "cvc": "123"}
    data = await api.gql(
        CHARGE,
        world.a.caller("rep"),
        i={"customerId": world.a.customer_id, "lines": [CLUB], "card": old_card},
    )
    assert data["chargeNow"]["transaction"]["status"] == "PAID"
    return str(data["chargeNow"]["transaction"]["paymentMethod"]["id"])


async def test_the_new_card_takes_over_open_orders_when_the_link_says_so(
    app: Starlette, api: Api, world: World, payer: Payer
) -> None:
    old = await subscribe(api, world)
    link = await new_link(api, world, takes_over=True)

    response = await payer.send_card(link.path, number="4242 4242 4242 4242")

    assert response.status_code == 200, response.text
    added = (await link_state(api, world, link))["paymentMethod"]["id"]
    assert added != old
    assert await open_order_cards(app, world.a.customer_id) == [added]


async def test_open_orders_keep_their_card_otherwise(
    app: Starlette, api: Api, world: World, payer: Payer
) -> None:
    old = await subscribe(api, world)
    link = await new_link(api, world)

    response = await payer.send_card(link.path, number="4242 4242 4242 4242")

    assert response.status_code == 200, response.text
    assert await open_order_cards(app, world.a.customer_id) == [old]
