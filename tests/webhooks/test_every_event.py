"""Every event type is produced by the action that causes it and arrives at an endpoint for "*".

The actions are the event feed's own scenarios (tests.events.test_events), run against an account
with an endpoint on a real receiver; the receiver must get exactly the feed's events, each once,
signed, in the API's shape. transaction.disputed comes with Stripe's webhooks (issue 17, part 4).
"""

from __future__ import annotations

import json

import httpx
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette

from paydesk.events.types import EVENT_TYPES
from tests.events import test_events as scenarios
from tests.helpers import Api, World
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_webhooks import deliver, make_endpoint

NOT_YET = {"transaction.disputed"}


async def test_every_event_type_arrives(
    app: Starlette, api: Api, world: World, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    admin = world.a.caller("admin")
    _, secret = await make_endpoint(api, admin, receiver.url(), ["*"])
    feed_before = {e["id"] for e in await scenarios.events(api, admin, first=100)}

    await scenarios.test_customers_and_cards(api, world)
    await scenarios.test_every_sale_outcome_and_action_is_an_event(app, api, world)
    await scenarios.test_a_subscription_from_sale_to_cancellation(app, api, world)
    await scenarios.test_a_hard_decline_makes_the_order_past_due_and_a_plan_completes(app, api, world)
    await scenarios.test_payment_requests_and_card_links(app, api, world, http)
    for _ in range(10):  # the job's passes, until one finds nothing left to send
        done = await deliver(app)
        if not (done.fanned_out or done.succeeded or done.failed):
            break

    feed = [e for e in await scenarios.events(api, admin, first=100) if e["id"] not in feed_before]
    received = [Webhook(secret).verify(r.body, r.headers) for r in receiver.requests]
    assert sorted(e["id"] for e in received) == sorted(e["id"] for e in feed)
    assert {e["type"] for e in received} == set(EVENT_TYPES) - NOT_YET
    by_id = {e["id"]: e for e in feed}
    for body in received:
        assert body["data"] == by_id[body["id"]]["data"]
        assert body["actor"] == by_id[body["id"]]["actor"]
    assert all(json.loads(r.body)["createdAt"] for r in receiver.requests)
