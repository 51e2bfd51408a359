"""Payment requests over the API: createPaymentRequest, cancelPaymentRequest, paymentRequest, node(id:) and
Customer.paymentRequests.

A request is for exactly one of an amount (with its own currency), lines or
a saved offer, priced when it is made. It is OPEN until paid, cancelled,
locked or past its expiry; expiry applies on every read and is written by
the jobs' ``expire_due``. With sendEmail the customer gets the link by email,
sent by the outbox job once the request commits (DATA_DIR/outbox when no
SMTP server is configured). Where a test needs the
request paid, it pays on the hosted page like a payer's browser would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.billing.jobs import run_pass
from paydesk.billing.runner import Runner
from paydesk.models import OutgoingEmail, PaymentRequest
from paydesk.payment_requests.service import expire_due
from paydesk.transactions.service import Services
from paydesk.web.security import CSRF_FIELD
from tests.api.test_card_links import customer_without_email
from tests.api.test_sales import create_product, put_on_file, sandbox_charges, save_offer
from tests.helpers import Api, Caller, World, deliver_outbox, resources, without_throttle
from tests.net import free_port
from tests.web.pages import inputs

YEAR = datetime.now(UTC).year + 3
VISA = "4242424242424242"
MISSING = "preq_0000000000000000000000"
URL_PREFIX = "http://127.0.0.1:8000/pay/"

MONEY = "amount currency minorUnits"
FIELDS = f"""
  id status description allowCoupon expiresAt failedAttempts createdAt paidAt cancelledAt lastSentAt url
  amount {{ {MONEY} }} subtotal {{ {MONEY} }} discount {{ {MONEY} }}
  lines {{
    description quantity kind unit paymentCount product {{ id }}
    unitPrice {{ {MONEY} }} firstPayment {{ {MONEY} }}
  }}
  customer {{ id }}
  transaction {{ id status total {{ minorUnits currency }} }}
"""
CREATE = f"""
mutation($i: CreatePaymentRequestInput!) {{
  createPaymentRequest(input: $i) {{ paymentRequest {{ {FIELDS} }} userErrors {{ field code message }} }}
}}"""
CANCEL = f"""
mutation($i: CancelPaymentRequestInput!) {{
  cancelPaymentRequest(input: $i) {{ paymentRequest {{ {FIELDS} }} userErrors {{ field code message }} }}
}}"""
READ = f"query($id: ID!) {{ paymentRequest(id: $id) {{ {FIELDS} }} }}"
NODE = f"query($id: ID!) {{ node(id: $id) {{ __typename ... on PaymentRequest {{ {FIELDS} }} }} }}"
LIST = """
query($id: ID!, $first: Int!, $after: String) {
  customer(id: $id) {
    paymentRequests(first: $first, after: $after) {
      edges { cursor node { id status } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
      totalCount
    }
  }
}"""
SUBSCRIPTIONS = """
query($id: ID!) {
  customer(id: $id) {
    subscriptions {
      kind status description quantity unit paymentsRemaining nextChargeDate
      unitPrice { minorUnits currency }
      paymentMethod { id last4 status }
      transactions { id }
    }
  }
}"""
CARDS = "query($id: ID!) { customer(id: $id) { paymentMethods(includeRemoved: true) { id last4 status } } }"


# --- helpers --------------------------------------------------------------------------------------


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def problems(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def create(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """The createPaymentRequest payload."""
    data = await api.gql(CREATE, caller, i={"customerId": customer_id, **input})
    return dict(data["createPaymentRequest"])


async def created(api: Api, caller: Caller, customer_id: str, **input: Any) -> dict[str, Any]:
    """A request that must be made."""
    payload = await create(api, caller, customer_id, **input)
    assert payload["userErrors"] == [], payload
    return dict(payload["paymentRequest"])


async def cancel(api: Api, caller: Caller, request_id: str) -> dict[str, Any]:
    return dict((await api.gql(CANCEL, caller, i={"id": request_id}))["cancelPaymentRequest"])


async def read(api: Api, caller: Caller, request_id: str) -> dict[str, Any] | None:
    found = (await api.gql(READ, caller, id=request_id))["paymentRequest"]
    return dict(found) if found is not None else None


async def listed(api: Api, caller: Caller, customer_id: str, first: int, after: str | None = None) -> Any:
    return (await api.gql(LIST, caller, id=customer_id, first=first, after=after))["customer"][
        "paymentRequests"
    ]


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def move_expiry(app: Starlette, request_id: str, when: datetime) -> None:
    """Set the request's expiry behind the API's back, as time passing would."""
    async with resources(app).sessions() as db:
        await db.exec(
            update(PaymentRequest).where(col(PaymentRequest.id) == request_id).values(expires_at=when)
        )
        await db.commit()


async def stored_status(app: Starlette, request_id: str) -> str:
    """The status column as written, before expiry-on-read."""
    async with resources(app).sessions() as db:
        row = (await db.exec(select(PaymentRequest).where(col(PaymentRequest.id) == request_id))).one()
        return row.status


async def pay_on_page(app: Starlette, url: str, number: str = VISA, **fields: str) -> httpx.Response:
    """Open the request's page in a fresh browser and pay with a new card."""
    path = httpx.URL(url).path
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        page = await browser.get(path)
        assert page.status_code == 200, page.text
        shown = inputs(page.text)
        form = {
            CSRF_FIELD: shown[CSRF_FIELD]["value"],
            "attempt": shown["attempt"]["value"],
            "payment_method": "new",
            "name": "Ada Lovelace",
            "number": number,
            "exp_month": "12",
            "exp_year": str(YEAR),
            "cvc": "123",
            "action": "pay",
        }
        response = await browser.post(path, data=form | fields)
    assert number not in response.text
    return response


def outbox(app: Starlette) -> list[Path]:
    folder = resources(app).settings.data_dir / "outbox"
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def read_email(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- creating -------------------------------------------------------------------------------------


async def test_a_request_for_an_amount_with_the_defaults_and_exact_currencies(api: Api, world: World) -> None:
    before = datetime.now(UTC)

    made = await created(api, world.a.caller("rep"), world.a.customer_id, amount=usd("25.00"))

    assert made["id"].startswith("preq_")
    assert len(made["id"]) == 27
    assert made["url"].startswith(URL_PREFIX)
    assert len(made["url"].removeprefix(URL_PREFIX)) >= 40
    assert made["status"] == "OPEN"
    assert made["amount"] == made["subtotal"] == {"amount": "25.00", "currency": "USD", "minorUnits": 2500}
    assert made["discount"] == {"amount": "0.00", "currency": "USD", "minorUnits": 0}
    assert made["lines"] == [
        {
            "description": "Payment",
            "quantity": 1,
            "kind": "SINGLE",
            "unit": None,
            "paymentCount": None,
            "product": None,
            "unitPrice": {"amount": "25.00", "currency": "USD", "minorUnits": 2500},
            "firstPayment": None,
        }
    ]
    assert (made["description"], made["allowCoupon"], made["failedAttempts"]) == (None, False, 0)
    assert (made["paidAt"], made["cancelledAt"], made["lastSentAt"], made["transaction"]) == (None,) * 4
    assert made["customer"] == {"id": world.a.customer_id}
    assert abs(parse(made["expiresAt"]) - (before + timedelta(days=7))) < timedelta(minutes=1)
    assert abs(parse(made["createdAt"]) - before) < timedelta(minutes=1)
    # The same request read back, by every role of the account.
    assert await read(api, world.a.caller("viewer"), made["id"]) == made
    # Currencies with no or three decimals are kept exactly; the line takes the description.
    rep = world.a.caller("rep")
    yen = await created(
        api, rep, world.a.customer_id, amount={"amount": "1000", "currency": "jpy"}, description=" Tea "
    )
    dinar = await created(
        api, rep, world.a.customer_id, amount={"amount": 12.345, "currency": "KWD"}, currency="kwd"
    )
    assert yen["amount"] == {"amount": "1000", "currency": "JPY", "minorUnits": 1000}
    assert (yen["description"], yen["lines"][0]["description"]) == ("Tea", "Tea")
    assert dinar["amount"] == {"amount": "12.345", "currency": "KWD", "minorUnits": 12345}


async def test_a_request_for_lines(api: Api, world: World) -> None:
    admin, rep = world.a.caller("admin"), world.a.caller("rep")
    widget = await create_product(api, admin, "Widget", "20.00")

    made = await created(
        api,
        rep,
        world.a.customer_id,
        lines=[{"productId": widget, "quantity": 2}, {"description": "Setup", "unitPrice": "15.50"}],
        description="Your order",
        allowCoupon=True,
    )

    assert made["amount"]["minorUnits"] == made["subtotal"]["minorUnits"] == 5550
    assert [
        (line["description"], line["quantity"], line["unitPrice"]["minorUnits"], line["product"])
        for line in made["lines"]
    ] == [("Widget", 2, 2000, {"id": widget}), ("Setup", 1, 1550, None)]
    assert (made["description"], made["allowCoupon"]) == ("Your order", True)


async def test_a_request_for_a_saved_offer_keeps_its_recurring_lines(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    offer = await save_offer(
        api,
        rep,
        [
            {"description": "Kit", "unitPrice": "30.00"},
            {"description": "Club", "unitPrice": "10.00", "kind": "SUBSCRIPTION", "unit": "MONTH"},
            {
                "description": "Course",
                "unitPrice": "50.00",
                "kind": "PAYMENT_PLAN",
                "unit": "WEEK",
                "paymentCount": 3,
                "firstPayment": "80.00",
            },
        ],
        currency="EUR",
    )

    made = await created(api, rep, world.a.customer_id, offerId=offer)

    # The first charge: the kit, the club's first month, the course's first payment.
    assert made["amount"] == {"amount": "120.00", "currency": "EUR", "minorUnits": 12000}
    assert [
        (line["description"], line["kind"], line["unit"], line["paymentCount"], line["unitPrice"]["amount"])
        for line in made["lines"]
    ] == [
        ("Kit", "SINGLE", None, None, "30.00"),
        ("Club", "SUBSCRIPTION", "MONTH", None, "10.00"),
        ("Course", "PAYMENT_PLAN", "WEEK", 3, "50.00"),
    ]
    assert made["lines"][2]["firstPayment"] == {"amount": "80.00", "currency": "EUR", "minorUnits": 8000}


async def test_exactly_one_of_an_amount_lines_or_an_offer(api: Api, world: World) -> None:
    rep = world.a.caller("rep")
    offer = await save_offer(api, rep, [{"description": "Kit", "unitPrice": "30.00"}])
    line = [{"description": "Kit", "unitPrice": "30.00"}]
    cases: dict[str, dict[str, Any]] = {
        "none": {},
        "amount and lines": {"amount": usd("1.00"), "lines": line},
        "amount and offer": {"amount": usd("1.00"), "offerId": offer},
        "lines and offer": {"lines": line, "offerId": offer},
        "all three": {"amount": usd("1.00"), "lines": line, "offerId": offer},
    }

    actual = {}
    for name, input in cases.items():
        payload = await create(api, rep, world.a.customer_id, **input)
        assert payload["paymentRequest"] is None, name
        actual[name] = problems(payload)

    assert actual == {name: [(["input", "amount"], "INVALID")] for name in cases}
    assert (await listed(api, rep, world.a.customer_id, 10))["totalCount"] == 0


async def test_refusals_name_their_field(api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    now = datetime.now(UTC)
    cases: dict[str, tuple[dict[str, Any], list[tuple[list[str] | None, str]]]] = {
        "currency beside the amount differs": (
            {"amount": usd("10.00"), "currency": "EUR"},
            [(["input", "currency"], "INVALID")],
        ),
        "not a currency": (
            {"amount": {"amount": "10", "currency": "XYZ"}},
            [(["input", "amount", "currency"], "INVALID")],
        ),
        "zero": ({"amount": usd("0")}, [(["input", "amount", "amount"], "INVALID")]),
        "negative": ({"amount": usd("-5.00")}, [(["input", "amount", "amount"], "INVALID")]),
        "too many decimals": ({"amount": usd("1.234")}, [(["input", "amount", "amount"], "INVALID")]),
        "half a yen": (
            {"amount": {"amount": "1.5", "currency": "JPY"}},
            [(["input", "amount", "amount"], "INVALID")],
        ),
        "expiry past": (
            {"amount": usd("1.00"), "expiresAt": (now - timedelta(minutes=1)).isoformat()},
            [(["input", "expiresAt"], "INVALID")],
        ),
        "expiry without a time zone": (
            {"amount": usd("1.00"), "expiresAt": (now + timedelta(days=1)).replace(tzinfo=None).isoformat()},
            [(["input", "expiresAt"], "INVALID")],
        ),
        "expiry over a year": (
            {"amount": usd("1.00"), "expiresAt": (now + timedelta(days=366)).isoformat()},
            [(["input", "expiresAt"], "INVALID")],
        ),
        "bad line": (
            {"lines": [{"description": "Kit", "unitPrice": "1.234"}]},
            [(["input", "lines", "0", "unitPrice"], "INVALID")],
        ),
        "unknown offer": ({"offerId": "offer_0000000000000000000000"}, [(["input", "offerId"], "NOT_FOUND")]),
    }

    actual = {}
    for name, (input, _wanted) in cases.items():
        payload = await create(api, rep, customer, **input)
        assert payload["paymentRequest"] is None, name
        actual[name] = problems(payload)

    assert actual == {name: wanted for name, (_input, wanted) in cases.items()}
    assert (await listed(api, rep, customer, 10))["totalCount"] == 0
    # Just inside the limits is fine, and the amount's own currency may be repeated.
    kept = (now + timedelta(days=364)).replace(microsecond=0)
    made = await created(api, rep, customer, amount=usd("0.01"), currency="usd", expiresAt=kept.isoformat())
    assert (parse(made["expiresAt"]), made["amount"]["minorUnits"]) == (kept, 1)


# --- email ----------------------------------------------------------------------------------------


async def test_send_email_mails_the_link(api: Api, world: World, app: Starlette) -> None:
    made = await created(
        api,
        world.a.caller("rep"),
        world.a.customer_id,
        amount=usd("25.00"),
        description="Spring tune-up",
        sendEmail=True,
    )
    assert outbox(app) == []  # queued with the request, sent by the outbox job once it commits
    assert made["lastSentAt"] is None
    await deliver_outbox(app)

    (path,) = outbox(app)
    message = read_email(path)
    assert message["To"] == "c@alpha.test"
    assert message["Subject"] == "Account alpha requests a payment of $25.00"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert made["url"] in text.get_content()
    assert "Hello Cus," in text.get_content()
    assert "for Spring tune-up" in text.get_content()
    assert made["url"] in html.get_content()
    async with resources(app).sessions() as db:
        request = await db.get(PaymentRequest, made["id"])
        assert request is not None
        assert request.last_sent_at is not None
    # Without sendEmail nothing is mailed.
    quiet = await created(api, world.a.caller("rep"), world.a.customer_id, amount=usd("5.00"))
    assert quiet["lastSentAt"] is None
    assert len(outbox(app)) == 1


async def test_send_email_to_a_customer_without_email_makes_no_request(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")
    customer_id = await customer_without_email(api, rep)

    payload = await create(api, rep, customer_id, amount=usd("25.00"), sendEmail=True)

    assert payload == {
        "paymentRequest": None,
        "userErrors": [
            {
                "field": ["input", "sendEmail"],
                "code": "INVALID",
                "message": "The customer has no email address to send the link to.",
            }
        ],
    }
    assert (await listed(api, rep, customer_id, 10))["totalCount"] == 0
    assert outbox(app) == []
    await created(api, rep, customer_id, amount=usd("25.00"))


@pytest.mark.parametrize("settings_overrides", [{"smtp_url": f"smtp://127.0.0.1:{free_port()}"}])
async def test_a_request_whose_mail_server_is_down_is_made_and_its_email_tried_again_later(
    api: Api, world: World, app: Starlette
) -> None:
    rep = world.a.caller("rep")

    made = await created(api, rep, world.a.customer_id, amount=usd("25.00"), sendEmail=True)
    delivered = await deliver_outbox(app)

    assert (await listed(api, rep, world.a.customer_id, 10))["totalCount"] == 1
    assert (delivered.sent, delivered.retrying) == (0, 1)
    async with resources(app).sessions() as db:
        (email,) = await db.exec(select(OutgoingEmail))
        request = await db.get(PaymentRequest, made["id"])
    assert (email.status, email.purpose, email.subject_id) == ("PENDING", "payment_request", made["id"])
    assert email.next_attempt_at > datetime.now(UTC)
    assert request is not None
    assert request.last_sent_at is None


# --- cancelling -----------------------------------------------------------------------------------


async def test_cancel_an_open_request_only(app: Starlette, api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    opened = await created(api, rep, customer, amount=usd("10.00"))
    expired = await created(api, rep, customer, amount=usd("11.00"))
    paid = await created(api, rep, customer, amount=usd("12.00"))
    await move_expiry(app, expired["id"], datetime.now(UTC) - timedelta(seconds=1))
    assert (await pay_on_page(app, paid["url"])).status_code == 200

    first = await cancel(api, rep, opened["id"])
    again = await cancel(api, rep, opened["id"])
    of_expired = await cancel(api, rep, expired["id"])
    of_paid = await cancel(api, rep, paid["id"])
    of_missing = await cancel(api, rep, MISSING)

    assert first["userErrors"] == []
    cancelled = first["paymentRequest"]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["cancelledAt"] is not None
    assert {k: v for k, v in cancelled.items() if k not in ("status", "cancelledAt")} == {
        k: v for k, v in opened.items() if k not in ("status", "cancelledAt")
    }
    assert again == {
        "paymentRequest": None,
        "userErrors": [
            {
                "field": ["input", "id"],
                "code": "INVALID_STATE",
                "message": "This request is cancelled; only an open one can be cancelled.",
            }
        ],
    }
    assert problems(of_expired) == problems(of_paid) == [(["input", "id"], "INVALID_STATE")]
    assert problems(of_missing) == [(["input", "id"], "NOT_FOUND")]
    states = {r["id"]: r["status"] for r in [await read(api, rep, x["id"]) or {} for x in (expired, paid)]}
    assert states == {expired["id"]: "EXPIRED", paid["id"]: "PAID"}
    assert await stored_status(app, expired["id"]) == "OPEN"  # cancelling it wrote nothing


# --- expiry ---------------------------------------------------------------------------------------


async def test_expiry_applies_on_read_and_expire_due_writes_it(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    late = await created(api, rep, customer, amount=usd("10.00"))
    fresh = await created(api, rep, customer, amount=usd("11.00"))
    gone = await created(api, rep, customer, amount=usd("12.00"))
    assert (await cancel(api, rep, gone["id"]))["userErrors"] == []
    await move_expiry(app, late["id"], datetime.now(UTC) - timedelta(seconds=1))
    await move_expiry(app, gone["id"], datetime.now(UTC) - timedelta(seconds=1))

    on_read = await read(api, rep, late["id"])
    in_list = await listed(api, rep, customer, 10)
    stored_before = await stored_status(app, late["id"])
    count = await expire_due(services(app))
    count_again = await expire_due(services(app))

    assert on_read is not None
    assert on_read["status"] == "EXPIRED"
    assert [edge["node"]["status"] for edge in in_list["edges"]] == ["CANCELLED", "OPEN", "EXPIRED"]
    assert stored_before == "OPEN"
    assert (count, count_again) == (1, 0)
    assert [await stored_status(app, r["id"]) for r in (late, fresh, gone)] == [
        "EXPIRED",
        "OPEN",
        "CANCELLED",
    ]
    assert (await read(api, rep, late["id"]) or {})["status"] == "EXPIRED"


async def test_the_jobs_pass_expires_requests_past_their_expiry(
    app: Starlette, api: Api, world: World
) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    week = await created(api, rep, customer, amount=usd("10.00"))
    month = await created(
        api,
        rep,
        customer,
        amount=usd("11.00"),
        expiresAt=(datetime.now(UTC) + timedelta(days=30)).isoformat(),
    )
    eight_days_on = datetime.now(UTC) + timedelta(days=8)

    await run_pass(Runner(services(app), clock=lambda: eight_days_on))

    assert await stored_status(app, week["id"]) == "EXPIRED"
    assert await stored_status(app, month["id"]) == "OPEN"


# --- reading --------------------------------------------------------------------------------------


async def test_a_customers_requests_page_newest_first(api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    made = [await created(api, rep, customer, amount=usd(f"{n}.00")) for n in range(1, 6)]
    await created(api, world.b.caller("rep"), world.b.customer_id, amount=usd("9.00"))
    newest_first = [r["id"] for r in reversed(made)]

    first = await listed(api, rep, customer, 2)
    second = await listed(api, rep, customer, 2, first["pageInfo"]["endCursor"])
    last = await listed(api, rep, customer, 2, second["pageInfo"]["endCursor"])
    whole = await listed(api, rep, customer, 100)
    too_many = await api.post({"query": LIST, "variables": {"id": customer, "first": 101}}, rep)

    pages = [first, second, last]
    assert [[edge["node"]["id"] for edge in page["edges"]] for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:],
    ]
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, True, False]
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    assert {page["totalCount"] for page in pages} == {5}
    assert [edge["node"]["id"] for edge in whole["edges"]] == newest_first
    assert too_many.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_node_resolves_a_request_and_another_accounts_is_like_a_missing_one(
    api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    mine = await created(api, rep, world.a.customer_id, amount=usd("10.00"))
    theirs = await created(api, world.b.caller("rep"), world.b.customer_id, amount=usd("10.00"))

    node = (await api.gql(NODE, world.a.caller("viewer"), id=mine["id"]))["node"]
    foreign_node = (await api.gql(NODE, rep, id=theirs["id"]))["node"]
    missing_node = (await api.gql(NODE, rep, id=MISSING))["node"]
    for_their_customer = await create(api, rep, world.b.customer_id, amount=usd("1.00"))
    for_no_customer = await create(api, rep, "cus_0000000000000000000000", amount=usd("1.00"))
    foreign_cancel = await api.post({"query": CANCEL, "variables": {"i": {"id": theirs["id"]}}}, rep)
    missing_cancel = await api.post({"query": CANCEL, "variables": {"i": {"id": MISSING}}}, rep)

    assert node == {"__typename": "PaymentRequest", **mine}
    assert foreign_node is None
    assert missing_node is None
    assert await read(api, rep, theirs["id"]) is None
    assert await read(api, rep, MISSING) is None
    assert without_throttle(foreign_cancel.json()) == without_throttle(missing_cancel.json())
    assert problems(foreign_cancel.json()["data"]["cancelPaymentRequest"]) == [(["input", "id"], "NOT_FOUND")]
    assert (await read(api, world.b.caller("rep"), theirs["id"]) or {})["status"] == "OPEN"
    assert (await api.gql(LIST, rep, id=world.b.customer_id, first=10))["customer"] is None
    assert for_their_customer == for_no_customer
    assert problems(for_their_customer) == [(["input", "customerId"], "NOT_FOUND")]
    assert (await listed(api, world.b.caller("rep"), world.b.customer_id, 10))["totalCount"] == 1


async def test_viewers_may_read_but_not_make_or_cancel_requests(api: Api, world: World) -> None:
    actual: dict[tuple[str, str], str] = {}
    wanted: dict[tuple[str, str], str] = {}
    for name in ["owner", "admin", "rep", "apikey", "viewer"]:
        caller = world.a.caller(name)
        target = await created(api, world.a.caller("owner"), world.a.customer_id, amount=usd("3.00"))
        outcomes = {
            "createPaymentRequest": await create(api, caller, world.a.customer_id, amount=usd("2.00")),
            "cancelPaymentRequest": await cancel(api, caller, target["id"]),
        }
        for mutation, payload in outcomes.items():
            actual[(name, mutation)] = (
                "ok" if payload["userErrors"] == [] else payload["userErrors"][0]["code"]
            )
            wanted[(name, mutation)] = "FORBIDDEN" if name == "viewer" else "ok"
            if name == "viewer":
                assert payload["paymentRequest"] is None
                assert payload["userErrors"][0]["field"] is None
        if name == "viewer":
            assert (await read(api, caller, target["id"]) or {})["status"] == "OPEN"

    assert actual == wanted
    # The owner's five targets, and one request per allowed caller.
    assert (await listed(api, world.a.caller("viewer"), world.a.customer_id, 100))["totalCount"] == 5 + 4


# --- paid on the page -----------------------------------------------------------------------------


async def test_an_offer_paid_on_the_page_opens_its_orders(app: Starlette, api: Api, world: World) -> None:
    rep, customer = world.a.caller("rep"), world.a.customer_id
    offer = await save_offer(
        api,
        rep,
        [
            {"description": "Kit", "unitPrice": "30.00"},
            {
                "description": "Club",
                "quantity": 2,
                "unitPrice": "10.00",
                "kind": "SUBSCRIPTION",
                "unit": "MONTH",
            },
            {
                "description": "Course",
                "unitPrice": "50.00",
                "kind": "PAYMENT_PLAN",
                "unit": "WEEK",
                "paymentCount": 3,
            },
        ],
    )
    made = await created(api, rep, customer, offerId=offer)

    page = await pay_on_page(app, made["url"])

    assert page.status_code == 200, page.text
    assert "your payment went through" in page.text
    state = await read(api, rep, made["id"])
    assert state is not None
    assert state["status"] == "PAID"
    assert state["paidAt"] is not None
    sale = state["transaction"]
    assert sale["status"] == "PAID"
    assert sale["total"] == {"minorUnits": 10000, "currency": "USD"}
    charges = await sandbox_charges(app, sale["id"])
    assert [(c.amount, c.currency, c.status) for c in charges] == [(10000, "USD", "succeeded")]
    orders = (await api.gql(SUBSCRIPTIONS, rep, id=customer))["customer"]["subscriptions"]
    by_kind = {order["kind"]: order for order in orders}
    assert set(by_kind) == {"SUBSCRIPTION", "PAYMENT_PLAN"}
    club, course = by_kind["SUBSCRIPTION"], by_kind["PAYMENT_PLAN"]
    assert (club["status"], club["description"], club["quantity"], club["unit"]) == (
        "ACTIVE",
        "Club",
        2,
        "MONTH",
    )
    assert club["unitPrice"] == {"minorUnits": 1000, "currency": "USD"}
    assert (course["status"], course["description"], course["paymentsRemaining"]) == ("ACTIVE", "Course", 2)
    assert {o["transactions"][0]["id"] for o in orders} == {sale["id"]}
    # Recurring lines are charged again later: the card that opened them has to stay chargeable.
    assert {o["paymentMethod"]["last4"] for o in orders} == {"4242"}
    assert {o["paymentMethod"]["status"] for o in orders} == {"ACTIVE"}


async def test_a_card_typed_in_for_one_payment_is_not_kept_unless_asked(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    once = await created(api, rep, world.a.customer_id, amount=usd("10.00"))
    kept = await created(api, rep, world.a.customer_id, amount=usd("11.00"))

    assert (await pay_on_page(app, once["url"], "5555555555554444")).status_code == 200
    assert (await pay_on_page(app, kept["url"], VISA, keep_card="yes")).status_code == 200

    cards = (await api.gql(CARDS, rep, id=world.a.customer_id))["customer"]["paymentMethods"]
    assert sorted((card["last4"], card["status"]) for card in cards) == [
        ("4242", "ACTIVE"),
        ("4444", "REMOVED"),
    ]
    # A card on file is offered on the next request's page.
    later = await created(api, rep, world.a.customer_id, amount=usd("12.00"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        page = await browser.get(httpx.URL(later["url"]).path)
    assert "Visa ending in 4242" in page.text
    assert "4444" not in page.text


async def test_a_card_on_file_put_there_by_staff_is_kept_after_paying(
    app: Starlette, api: Api, world: World
) -> None:
    rep = world.a.caller("rep")
    method = await put_on_file(api, rep, world.a.customer_id, VISA)
    made = await created(api, rep, world.a.customer_id, amount=usd("10.00"))

    # The same card typed in again matches the one on file: paying once must not take it off file.
    assert (await pay_on_page(app, made["url"], VISA, payment_method="new")).status_code == 200

    cards = (await api.gql(CARDS, rep, id=world.a.customer_id))["customer"]["paymentMethods"]
    assert [(card["id"], card["status"]) for card in cards] == [(method["id"], "ACTIVE")]
