"""Webhook endpoints and delivery, to a real HTTP receiver on loopback (tests.webhooks.receiver).

Endpoints are ADMIN work; the whsec_ secret shows once and is kept encrypted. Deliveries are job
work after commit, signed per Standard Webhooks (checked with the ``standardwebhooks`` library),
retried on the backoff schedule for 3 days (an injected clock), then the endpoint is disabled and
its owners emailed. Two workers deliver each event once per endpoint; in production, internal
addresses are refused when the endpoint is made and again at each delivery.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette

from paydesk.events import feed
from paydesk.models import Event, OutgoingEmail, WebhookDelivery, WebhookEndpoint
from paydesk.outbox import webhooks as job
from paydesk.outbox.webhooks import WebhookPass
from tests.api.test_sales import run
from tests.helpers import Api, Caller, World, deliver_outbox, resources
from tests.webhooks.receiver import Receiver

ENDPOINT = "webhookEndpoint { id url events description enabled createdAt }"
CREATE = f"""
mutation($i: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $i) {{ {ENDPOINT} secret userErrors {{ field code message }} }}
}}"""
UPDATE = f"""
mutation($i: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(input: $i) {{ {ENDPOINT} secret userErrors {{ field code }} }}
}}"""
DELETE = f"""
mutation($i: DeleteWebhookEndpointInput!) {{
  deleteWebhookEndpoint(input: $i) {{ {ENDPOINT} userErrors {{ field code }} }}
}}"""
ROTATE = f"""
mutation($i: RotateWebhookSecretInput!) {{
  rotateWebhookSecret(input: $i) {{ {ENDPOINT} secret userErrors {{ field code }} }}
}}"""
REDELIVER = """
mutation($i: RedeliverEventInput!) {
  redeliverEvent(input: $i) { delivery { id attempt status event { id type } } userErrors { field code } }
}"""
ENDPOINTS = """
{ webhookEndpoints { id url events enabled
    deliveries(first: 50) { edges { node { id attempt status responseStatus durationMs createdAt nextAttemptAt
      event { id type } } } } } }"""
CREATE_CUSTOMER = """
mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }"""


async def make_endpoint(
    api: Api, caller: Caller, url: str, events: list[str] | None = None
) -> tuple[str, str]:
    payload = await run(api, CREATE, caller, url=url, events=events or ["*"], description="CRM sync")
    assert payload["userErrors"] == [], payload
    return str(payload["webhookEndpoint"]["id"]), str(payload["secret"])


async def new_customer(api: Api, caller: Caller, name: str = "Ada") -> str:
    made = await run(api, CREATE_CUSTOMER, caller, firstName=name)
    assert made["userErrors"] == []
    return str(made["customer"]["id"])


async def deliver(app: Starlette, now: datetime | None = None, *, allow_private: bool = True) -> WebhookPass:
    res = resources(app)
    return await job.deliver_webhooks(
        res.sessions, res.webhook_http, res.secret, allow_private=allow_private, now=now
    )


def bodies(found: Receiver) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in found.requests]


async def deliveries(app: Starlette) -> list[WebhookDelivery]:
    async with resources(app).sessions() as db:
        query = select(WebhookDelivery).order_by(
            col(WebhookDelivery.created_at), col(WebhookDelivery.attempt)
        )
        return list(await db.exec(query))


# --- endpoints ------------------------------------------------------------------------------------


async def test_an_admin_makes_an_endpoint_and_sees_its_secret_once(
    app: Starlette, api: Api, world: World
) -> None:
    admin = world.a.caller("admin")

    payload = await run(
        api, CREATE, admin, url="https://hooks.example.test/paydesk", events=["transaction.paid"]
    )
    listed = (await api.gql(ENDPOINTS, admin))["webhookEndpoints"]

    assert payload["userErrors"] == []
    secret = payload["secret"]
    assert secret.startswith("whsec_")
    endpoint = payload["webhookEndpoint"]
    assert endpoint["id"].startswith("whep_")
    assert (endpoint["url"], endpoint["events"], endpoint["enabled"]) == (
        "https://hooks.example.test/paydesk",
        ["transaction.paid"],
        True,
    )
    assert [e["id"] for e in listed] == [endpoint["id"]]
    async with resources(app).sessions() as db:
        (row,) = await db.exec(select(WebhookEndpoint))
    assert secret not in row.secret_encrypted
    assert secret[6:] not in row.secret_encrypted
    renamed = await run(api, UPDATE, admin, id=endpoint["id"], description="Fulfilment")
    assert renamed["secret"] is None
    assert (await api.gql(ENDPOINTS, world.b.caller("admin")))["webhookEndpoints"] == []


async def test_unknown_types_and_bad_urls_are_named_at_their_place(api: Api, world: World) -> None:
    admin = world.a.caller("admin")

    wrong = await run(
        api,
        CREATE,
        admin,
        url="https://hooks.example.test/",
        events=["transaction.paid", "transaction.payed", "*"],
    )
    no_scheme = await run(api, CREATE, admin, url="ftp://hooks.example.test/", events=["*"])
    credentials = await run(api, CREATE, admin, url="https://user:pw@hooks.example.test/", events=["*"])
    nothing = await run(api, CREATE, admin, url="https://hooks.example.test/", events=[])

    assert [(e["field"], e["code"]) for e in wrong["userErrors"]] == [(["input", "events", "1"], "INVALID")]
    assert [(e["field"], e["code"]) for e in no_scheme["userErrors"]] == [(["input", "url"], "INVALID")]
    assert [(e["field"], e["code"]) for e in credentials["userErrors"]] == [(["input", "url"], "INVALID")]
    assert [(e["field"], e["code"]) for e in nothing["userErrors"]] == [(["input", "events"], "REQUIRED")]
    assert (await api.gql(ENDPOINTS, admin))["webhookEndpoints"] == []


async def test_only_admins_and_owners_manage_or_read_endpoints(api: Api, world: World) -> None:
    endpoint_id, _ = await make_endpoint(api, world.a.caller("owner"), "https://hooks.example.test/")

    for role in ("rep", "viewer"):
        caller = world.a.caller(role)
        made = await run(api, CREATE, caller, url="https://hooks.example.test/", events=["*"])
        rotated = await run(api, ROTATE, caller, id=endpoint_id)
        assert [e["code"] for e in made["userErrors"]] == ["FORBIDDEN"], role
        assert (rotated["secret"], [e["code"] for e in rotated["userErrors"]]) == (None, ["FORBIDDEN"]), role
        response = await api.post({"query": ENDPOINTS}, caller)
        body = response.json()
        assert response.status_code == 200
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], role
    elsewhere = await run(api, ROTATE, world.b.caller("admin"), id=endpoint_id)
    assert [(e["field"], e["code"]) for e in elsewhere["userErrors"]] == [(["input", "id"], "NOT_FOUND")]


# --- delivery -------------------------------------------------------------------------------------


async def test_an_event_arrives_signed_with_the_event_in_the_api_s_shape(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    _, secret = await make_endpoint(api, admin, receiver.url())
    customer_id = await new_customer(api, admin)

    done = await deliver(app)

    assert (done.succeeded, done.failed) == (1, 0)
    (request,) = receiver.requests
    assert request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    verified = Webhook(secret).verify(request.body, request.headers)
    assert verified["type"] == "customer.created"
    assert verified["data"]["id"] == customer_id
    assert set(verified) == {"id", "type", "createdAt", "actor", "data"}
    assert verified["actor"]["type"] == "USER"
    assert request.headers["webhook-id"] == verified["id"]
    assert abs(int(request.headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 60
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(request.body, request.headers)
    (endpoint,) = (await api.gql(ENDPOINTS, admin))["webhookEndpoints"]
    (attempt,) = [edge["node"] for edge in endpoint["deliveries"]["edges"]]
    assert (attempt["attempt"], attempt["status"], attempt["responseStatus"]) == (1, "SUCCEEDED", 200)
    assert attempt["event"] == {"id": verified["id"], "type": "customer.created"}
    assert attempt["durationMs"] >= 0
    assert attempt["nextAttemptAt"] is None
    assert (await deliver(app)).succeeded == 0  # once


async def test_only_the_types_an_endpoint_names_and_only_events_after_it_was_made(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await new_customer(api, admin, "Before")
    await make_endpoint(api, admin, receiver.url(), ["customer.updated"])
    customer_id = await new_customer(api, admin, "After")
    await run(
        api,
        "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } } }",
        admin,
        customerId=customer_id,
        lastName="Lovelace",
    )

    await deliver(app)

    assert [(b["type"], b["data"]["lastName"]) for b in bodies(receiver)] == [
        ("customer.updated", "Lovelace")
    ]


async def test_a_change_that_rolls_back_sends_nothing(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await make_endpoint(api, admin, receiver.url())

    refused = await run(api, CREATE_CUSTOMER, admin, email="not an address")
    done = await deliver(app)

    assert refused["userErrors"] != []
    assert (done.fanned_out, done.succeeded) == (0, 0)
    assert receiver.requests == []


async def test_a_failing_receiver_gets_the_event_again_on_the_backoff_schedule(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await make_endpoint(api, admin, receiver.url())
    await new_customer(api, admin)
    receiver.statuses = [500, 502, 200]
    now = datetime.now(UTC)

    first = await deliver(app, now)
    early = await deliver(app, now + timedelta(seconds=4))
    second = await deliver(app, now + timedelta(seconds=6))
    too_soon = await deliver(app, now + timedelta(seconds=6, minutes=4))
    third = await deliver(app, now + timedelta(seconds=6, minutes=6))

    assert [(p.succeeded, p.failed) for p in (first, early, second, too_soon, third)] == [
        (0, 1),
        (0, 0),
        (0, 1),
        (0, 0),
        (1, 0),
    ]
    attempts = await deliveries(app)
    assert [(d.attempt, d.status, d.response_status) for d in attempts] == [
        (1, "FAILED", 500),
        (2, "FAILED", 502),
        (3, "SUCCEEDED", 200),
    ]
    first_wait = attempts[0].next_attempt_at
    assert first_wait is not None
    assert timedelta(seconds=4.5) <= first_wait - now <= timedelta(seconds=5.5)
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # the same event each time
    assert attempts[0].error == "receiver says no"


async def test_after_three_days_of_failures_the_endpoint_is_disabled_and_its_owners_emailed(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    endpoint_id, _ = await make_endpoint(api, admin, receiver.url())
    await new_customer(api, admin)
    receiver.statuses = [503]
    at = datetime.now(UTC)
    for _ in range(40):
        await deliver(app, at)
        async with resources(app).sessions() as db:
            endpoint = await db.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        if not endpoint.enabled:
            break
        at += timedelta(hours=10, minutes=30)

    assert endpoint.enabled is False
    assert timedelta(days=3) <= at - datetime.now(UTC) <= timedelta(days=3, hours=13)
    attempts = await deliveries(app)
    assert [d.attempt for d in attempts] == list(range(1, len(attempts) + 1))
    assert all(d.status == "FAILED" for d in attempts)
    assert attempts[-1].next_attempt_at is None
    async with resources(app).sessions() as db:
        (email,) = await db.exec(
            select(OutgoingEmail).where(col(OutgoingEmail.purpose) == "webhook_disabled")
        )
    assert email.recipient == "owner@alpha.test"
    assert (await deliver_outbox(app)).sent >= 1
    (listed,) = (await api.gql(ENDPOINTS, admin))["webhookEndpoints"]
    assert listed["enabled"] is False
    await new_customer(api, admin, "Later")
    assert (await deliver(app, at + timedelta(hours=1))).fanned_out == 0  # a disabled endpoint gets nothing
    enabled = await run(api, UPDATE, admin, id=endpoint_id, enabled=True)
    assert enabled["webhookEndpoint"]["enabled"] is True


async def test_two_workers_deliver_each_event_once_per_endpoint(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await make_endpoint(api, admin, receiver.url("/one"))
    await make_endpoint(api, admin, receiver.url("/two"))
    for n in range(5):
        await new_customer(api, admin, f"Payer {n}")

    one, two = await asyncio.gather(deliver(app), deliver(app))

    assert one.succeeded + two.succeeded == 10
    by_path: dict[str, list[str]] = {}
    for request in receiver.requests:
        by_path.setdefault(request.path, []).append(request.headers["webhook-id"])
    assert {path: len(ids) for path, ids in by_path.items()} == {"/one": 5, "/two": 5}
    assert all(len(set(ids)) == 5 for ids in by_path.values())
    assert (await deliver(app)).succeeded == 0


async def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    endpoint_id, old = await make_endpoint(api, admin, receiver.url())
    rotated = await run(api, ROTATE, admin, id=endpoint_id)
    new = rotated["secret"]
    await new_customer(api, admin)

    await deliver(app)

    assert new.startswith("whsec_")
    assert new != old
    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(request.body, request.headers)
    assert Webhook(new).verify(request.body, request.headers)
    await new_customer(api, admin, "Next day")
    await deliver(app, datetime.now(UTC) + timedelta(hours=25))
    later = receiver.requests[-1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(
            later.body, later.headers | {"webhook-timestamp": str(int(datetime.now(UTC).timestamp()))}
        )


async def test_redeliver_sends_an_event_again_and_deleting_stops_deliveries(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    endpoint_id, _ = await make_endpoint(api, admin, receiver.url())
    await new_customer(api, admin)
    await deliver(app)
    event_id = json.loads(receiver.requests[0].body)["id"]

    again = await run(api, REDELIVER, admin, eventId=event_id, endpointId=endpoint_id)
    await deliver(app)

    assert again["userErrors"] == []
    assert (again["delivery"]["attempt"], again["delivery"]["status"]) == (2, "PENDING")
    assert [r.headers["webhook-id"] for r in receiver.requests] == [event_id, event_id]
    foreign = await run(api, REDELIVER, world.b.caller("admin"), eventId=event_id, endpointId=endpoint_id)
    assert [(e["field"], e["code"]) for e in foreign["userErrors"]] == [
        (["input", "endpointId"], "NOT_FOUND")
    ]
    deleted = await run(api, DELETE, admin, id=endpoint_id)
    assert deleted["userErrors"] == []
    await new_customer(api, admin, "After delete")
    assert (await deliver(app)).fanned_out == 0
    assert len(receiver.requests) == 2
    assert (await api.gql(ENDPOINTS, admin))["webhookEndpoints"] == []


@pytest.mark.parametrize("settings_overrides", [{"env": "production"}])
async def test_production_refuses_internal_receivers_when_made_and_when_delivering(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    refused = []
    for url in (
        receiver.url(),
        "http://localhost:8000/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://metadata.google.internal/",
    ):
        payload = await run(api, CREATE, admin, url=url, events=["*"])
        refused.append([(e["field"], e["code"]) for e in payload["userErrors"]])
    assert refused == [[(["input", "url"], "INVALID")]] * 7

    # An endpoint whose name resolved to a public address when it was made, and to loopback now
    # (DNS rebinding), is refused at delivery: the request never reaches the receiver.
    async with resources(app).sessions() as db:
        db.add(
            WebhookEndpoint(
                id="whep_" + "r" * 22,
                account_id=world.a.account_id,
                url=receiver.url(),
                events="*",
                secret_encrypted=(await _encrypted_secret(app)),
            )
        )
        await db.commit()
    await new_customer(api, admin)

    done = await deliver(app, allow_private=False)

    assert (done.succeeded, done.failed) == (0, 1)
    assert receiver.requests == []
    (attempt, retry) = await deliveries(app)
    assert attempt.error is not None
    assert "internal addresses" in attempt.error
    assert retry.status == "PENDING"


async def _encrypted_secret(app: Starlette) -> str:
    from paydesk.crypto import encrypt_text
    from paydesk.webhooks.service import SECRETS
    from paydesk.webhooks.signing import new_secret

    return encrypt_text(resources(app).secret, SECRETS, new_secret())


@pytest.mark.parametrize("settings_overrides", [{"jobs": True, "jobs_interval": 60}])
async def test_a_serving_process_sends_the_first_attempt_within_seconds_of_the_commit(
    api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await make_endpoint(api, admin, receiver.url(), ["customer.created"])

    await new_customer(api, admin, "Prompt")

    # The jobs' next pass is a minute away: the commit's bell sends it.
    deadline = asyncio.get_running_loop().time() + 10
    while not receiver.requests:
        assert asyncio.get_running_loop().time() < deadline, "the event arrived within seconds"
        await asyncio.sleep(0.05)
    assert json.loads(receiver.requests[0].body)["data"]["firstName"] == "Prompt"


async def test_pruning_an_event_takes_its_attempts_with_it(
    app: Starlette, api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await make_endpoint(api, admin, receiver.url())
    await new_customer(api, admin, "Old")
    await deliver(app)
    res = resources(app)
    async with res.sessions() as db:
        await db.exec(update(Event).values(created_at=datetime.now(UTC) - timedelta(days=31)))
        await db.commit()
    await new_customer(api, admin, "New")
    await deliver(app)

    await feed.prune(res.sessions, datetime.now(UTC))

    (endpoint,) = (await api.gql(ENDPOINTS, admin))["webhookEndpoints"]
    shown = [edge["node"]["event"]["type"] for edge in endpoint["deliveries"]["edges"]]
    assert shown == ["customer.created"]
    assert len(await deliveries(app)) == 1


@pytest.mark.parametrize("settings_overrides", [{"jobs": True, "jobs_interval": 60}])
async def test_a_serving_process_makes_the_first_retry_seconds_after_a_failure_not_on_its_next_pass(
    api: Api, world: World, receiver: Receiver
) -> None:
    admin = world.a.caller("admin")
    await make_endpoint(api, admin, receiver.url(), ["customer.created"])
    receiver.statuses = [503, 200]

    await new_customer(api, admin, "Retried")

    # The jobs' next pass is a minute away: the outbox loop wakes when the retry is due (5 s, +-10 %).
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while len(receiver.requests) < 2:
        assert loop.time() < deadline, "the retry came within seconds"
        await asyncio.sleep(0.05)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
