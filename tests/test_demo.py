"""The demo account `make run` seeds: sales, refunds, a referral and open orders in every everyday state."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.demo import seed_demo
from paydesk.models import Commission, Customer, Refund, Subscription, Transaction
from paydesk.transactions.service import Services
from paydesk.unit_of_work import unit_of_work
from tests.helpers import resources


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def test_the_demo_has_sales_in_every_everyday_state_and_a_referral(app: Starlette) -> None:
    async with unit_of_work(resources(app).sessions) as db:
        assert await seed_demo(db, services(app)) is True
    async with unit_of_work(resources(app).sessions) as db:
        again = await seed_demo(db, services(app))
        sales = list(await db.exec(select(Transaction).order_by(col(Transaction.created_at))))
        refunds = list(await db.exec(select(Refund)))
        commissions = list(await db.exec(select(Commission)))
        names = {c.id: c.first_name for c in await db.exec(select(Customer))}
        orders = list(await db.exec(select(Subscription)))

    assert again is False
    assert [(names[s.customer_id], s.origin, s.status) for s in sales] == [
        ("Grace", "LOGGED", "PAID"),
        ("Ada", "CHARGED", "PAID"),
        ("Lena", "CHARGED", "PARTIALLY_REFUNDED"),
        ("Carlos", "CHARGED", "DECLINED"),
        ("Ada", "CHARGED", "PAID"),  # the club and the canoe plan
        ("Grace", "CHARGED", "PAID"),  # the club, then paused
        ("Kenji", "CHARGED", "PAID"),  # the club
        ("Kenji", "CHARGED", "DECLINED"),  # its installment on an expired card: a hard decline
    ]
    assert sorted((names[o.customer_id], o.kind, o.status) for o in orders) == [
        ("Ada", "PAYMENT_PLAN", "ACTIVE"),
        ("Ada", "SUBSCRIPTION", "ACTIVE"),
        ("Grace", "SUBSCRIPTION", "PAUSED"),
        ("Kenji", "SUBSCRIPTION", "PAST_DUE"),
    ]
    assert [(r.amount, r.status, r.reason) for r in refunds] == [(2450, "SUCCEEDED", "One lantern returned")]
    # 10 % of Ada's $249.99 tent and of her $109.99 club and first canoe payment, half-up in cents.
    assert {(c.transaction_id, c.amount) for c in commissions} == {(sales[1].id, 2500), (sales[4].id, 1100)}
