"""The demo account that `make run` seeds on first run, so a new install has something to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.accounts.service import create_account
from paydesk.auth import repository as auth_repo
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.auth.tokens import api_secret_hash
from paydesk.billing.runner import Runner
from paydesk.billing.schedule import BillingUnit, today_in
from paydesk.clock import utcnow
from paydesk.customers.service import AddressFields, add_address, add_comment, create_customer
from paydesk.models import Account, ApiKey, Product
from paydesk.offers.lines import LineInput, LineKind
from paydesk.offers.service import save_offer
from paydesk.payment_methods.service import CardFields, Tokenize, tokenize_card
from paydesk.products.service import PriceInput, create_product
from paydesk.referrals.service import PartnerFields, RateInput, create_partner, set_referrer
from paydesk.subscriptions import service as subscriptions
from paydesk.transactions.orders import OrderInput
from paydesk.transactions.refunds import RefundInput, refund_transaction
from paydesk.transactions.service import ChargeInput, LogInput, Services, charge_now, log_transaction
from paydesk.unit_of_work import end_phase

DEMO_EMAIL = "owner@demo.paydesk.test"
DEMO_PASSWORD = "paydesk-demo"
DEMO_ACCOUNT = "Demo Outdoor Supply Co."
# The demo's API key (ADMIN), fixed so docs/classic-api.md's curl examples work as written. For
# development only: it exists in the demo account alone, which nothing but `paydesk seed-demo` makes.
DEMO_APP_ID = "app_demo"
DEMO_API_SECRET = "pdk_demo_development_only"


@dataclass(frozen=True)
class DemoCustomer:
    first_name: str
    last_name: str
    email: str
    phone: str
    address: AddressFields
    comment: str


CUSTOMERS = [
    DemoCustomer(
        "Ada",
        "Lovelace",
        "ada@example.com",
        "+44 20 7946 0018",
        AddressFields("12 St James's Square", "London", "GB", postal_code="SW1Y 4JH"),
        "Prefers invoices by email; annual plan renewal in March.",
    ),
    DemoCustomer(
        "Grace",
        "Hopper",
        "grace@example.com",
        "+1 212 555 0142",
        AddressFields("350 Fifth Avenue", "New York", "US", state="NY", postal_code="10118"),
        "Bought the trade-show bundle; asked about a payment plan.",
    ),
    DemoCustomer(
        "Kenji",
        "Watanabe",
        "kenji@example.jp",
        "+81 3-1234-5678",
        AddressFields("1-1 Marunouchi", "Chiyoda-ku, Tokyo", "JP", postal_code="100-0005"),
        "Pays in JPY.",
    ),
    DemoCustomer(
        "Fatima",
        "Al-Sabah",
        "fatima@example.kw",
        "+965 2222 3333",
        AddressFields("Arabian Gulf Street", "Kuwait City", "KW"),
        "Wholesale customer; amounts in KWD.",
    ),
    DemoCustomer(
        "Lena",
        "Müller",
        "lena.mueller@example.de",
        "+49 30 123456",
        AddressFields("Unter den Linden 5", "Berlin", "DE", postal_code="10117"),
        "Called about a duplicate charge last year; resolved.",
    ),
    DemoCustomer(
        "Carlos",
        "Mendoza",
        "carlos@example.mx",
        "+52 55 1234 5678",
        AddressFields("Av. Reforma 222", "Ciudad de México", "MX", postal_code="06600"),
        "Referred by a partner shop.",
    ),
]


# Sandbox test cards, so every demo customer can be charged at once (the last one always declines).
DEMO_CARDS = [
    CardFields("4242424242424242", 12, 2030, "123", "Ada Lovelace"),
    CardFields("5555555555554444", 6, 2031, "123", "Grace Hopper"),
    CardFields("378282246310005", 3, 2029, "1234", "Kenji Watanabe"),
    CardFields("4242424242424242", 9, 2032, "123", "Fatima Al-Sabah"),
    CardFields("5555555555554444", 1, 2030, "123", "Lena Müller"),
    CardFields("4000000000000341", 11, 2030, "123", "Carlos Mendoza"),
]


async def seed_demo(session: AsyncSession, services: Services) -> bool:
    """Create the demo account once; False when it is already there."""
    if await auth_repo.user_by_email(session, DEMO_EMAIL) is not None:
        return False
    created = await create_account(
        session, services.secret, name=DEMO_ACCOUNT, owner_email=DEMO_EMAIL, owner_password=DEMO_PASSWORD
    )
    owner = Principal(created.account.id, Role.OWNER, user_id=created.owner.id)
    secret_hash = api_secret_hash(services.secret, DEMO_API_SECRET)
    session.add(
        ApiKey(id=DEMO_APP_ID, account_id=owner.account_id, secret_hash=secret_hash, role=Role.ADMIN.value)
    )
    customer_ids = []
    for demo, card in zip(CUSTOMERS, DEMO_CARDS, strict=True):
        fields: dict[str, str | None] = {
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            "email": demo.email,
            "phone": demo.phone,
        }
        customer = await create_customer(session, owner, fields)
        customer_ids.append(customer.id)
        await add_address(session, owner, customer.id, demo.address)
        await add_comment(session, owner, customer.id, demo.comment)
        await tokenize_card(
            session, services.gateways, services.secret, owner, Tokenize(customer_id=customer.id, card=card)
        )
    await _catalog_and_history(session, services, owner, customer_ids)
    return True


async def _catalog_and_history(
    session: AsyncSession, services: Services, owner: Principal, customer_ids: list[str]
) -> None:
    """Products, two offers, a referral partner, and sales: logged, charged, refunded in part, declined."""
    made = {}
    for name, amount, sku in DEMO_PRODUCTS:
        made[name] = await create_product(session, owner, name=name, price=PriceInput(amount, "USD"), sku=sku)
    bundle = await save_offer(
        session,
        owner,
        name="Base camp bundle",
        currency="USD",
        lines=[
            LineInput(product_id=made[name].id)
            for name in ("Two-person tent", "Sleeping bag", "Camp lantern")
        ],
    )
    await save_offer(
        session,
        owner,
        name="Gear club and canoe plan",
        currency="USD",
        lines=[
            LineInput(
                product_id=made["Gear club membership"].id, kind=LineKind.SUBSCRIPTION, unit=BillingUnit.MONTH
            ),
            LineInput(
                description="Canoe, in six payments",
                unit_price="150.00",
                kind=LineKind.PAYMENT_PLAN,
                unit=BillingUnit.MONTH,
                payment_count=6,
                first_payment="100.00",
            ),
        ],
    )
    await end_phase(session, "seeded")
    ada, grace, kenji, _fatima, lena, carlos = customer_ids
    trade_show = utcnow() - timedelta(days=12)
    await log_transaction(
        session,
        services,
        owner,
        LogInput(OrderInput(customer_id=grace, offer_id=bundle.id), transaction_date=trade_show),
    )
    await end_phase(session, "seeded")
    # Ada came through a partner, who earns 10 % of her paid sales.
    guides = await create_partner(
        session,
        owner,
        PartnerFields(
            name="Trail Guides Collective", email="hello@trailguides.test", rate=RateInput(Decimal(10))
        ),
    )
    await set_referrer(session, owner, ada, guides.id)
    await end_phase(session, "seeded")
    sales = []
    for customer_id, lines in (
        (ada, [LineInput(product_id=made["Two-person tent"].id)]),
        (lena, [LineInput(product_id=made["Camp lantern"].id, quantity=2)]),
        (carlos, [LineInput(product_id=made["Sleeping bag"].id)]),  # his card always declines
    ):
        sale = await charge_now(
            session, services, owner, ChargeInput(OrderInput(customer_id=customer_id, lines=lines))
        )
        await end_phase(session, "seeded")
        sales.append(sale)
    # Lena brought one lantern back.
    await refund_transaction(
        session, services, owner, RefundInput(sales[1].id, Decimal("24.50"), reason="One lantern returned")
    )
    await end_phase(session, "seeded")
    await _open_orders(session, services, owner, ada, grace, kenji, made)


async def _open_orders(
    session: AsyncSession,
    services: Services,
    owner: Principal,
    ada: str,
    grace: str,
    kenji: str,
    made: dict[str, Product],
) -> None:
    """Subscriptions and a plan in every everyday state: active, a plan under way, paused, past due."""
    club = LineInput(
        product_id=made["Gear club membership"].id, kind=LineKind.SUBSCRIPTION, unit=BillingUnit.MONTH
    )
    canoe = LineInput(
        description="Canoe, in six payments",
        unit_price="150.00",
        kind=LineKind.PAYMENT_PLAN,
        unit=BillingUnit.MONTH,
        payment_count=6,
        first_payment="100.00",
    )
    # Ada: the club (active) and the canoe plan (1 of 6 paid).
    await charge_now(session, services, owner, ChargeInput(OrderInput(customer_id=ada, lines=[club, canoe])))
    await end_phase(session, "seeded")
    # Grace: the club, paused for a month.
    await charge_now(session, services, owner, ChargeInput(OrderInput(customer_id=grace, lines=[club])))
    await end_phase(session, "seeded")
    (grace_club,) = await subscriptions.of_customers(session, owner.account_id, [grace])
    now = utcnow()
    await subscriptions.pause(session, owner, grace_club.id, (now + timedelta(days=30)).date(), now=now)
    await end_phase(session, "seeded")
    # Kenji: the club, then a card that has expired at the bank, charged today: past due (a hard decline).
    await charge_now(session, services, owner, ChargeInput(OrderInput(customer_id=kenji, lines=[club])))
    await end_phase(session, "seeded")
    expired = await tokenize_card(
        session,
        services.gateways,
        services.secret,
        owner,
        Tokenize(
            customer_id=kenji,
            card=CardFields("4000000000000069", 5, 2031, "123", "Kenji Watanabe"),
            make_default=False,
        ),
    )
    (kenji_club,) = await subscriptions.of_customers(session, owner.account_id, [kenji])
    await subscriptions.use_card(session, kenji_club, expired)
    account = await session.get(Account, owner.account_id)
    assert account is not None
    await subscriptions.move_next_charge(session, kenji_club, today_in(account.timezone, now), now=now)
    session.add(kenji_club)
    await end_phase(session, "seeded")
    await Runner(services).run_once()


DEMO_PRODUCTS = [
    ("Two-person tent", "249.99", "TENT-2P"),
    ("Sleeping bag", "89.00", "BAG-3S"),
    ("Camp lantern", "24.50", "LANT-LED"),
    ("Gear club membership", "9.99", "CLUB-M"),
]
