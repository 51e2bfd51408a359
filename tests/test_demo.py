"""The demo account `make run` seeds: what a new install shows, on both databases."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk.demo import seed_demo
from paydesk.models import Commission, Customer, Refund, Transaction
from paydesk.transactions.service import Services
from tests.helpers import resources


def services(app: Starlette) -> Services:
    res = resources(app)
    return Services(res.sessions, res.gateways, res.secret, res.mailer, res.settings.public_url)


async def test_the_demo_has_sales_in_every_everyday_state_and_a_referral(app: Starlette) -> None:
    async with resources(app).sessions() as db:
        assert await seed_demo(db, services(app)) is True
    async with resources(app).sessions() as db:
        again = await seed_demo(db, services(app))
        sales = list(await db.exec(select(Transaction).order_by(col(Transaction.created_at))))
        refunds = list(await db.exec(select(Refund)))
        commissions = list(await db.exec(select(Commission)))
        names = {c.id: c.first_name for c in await db.exec(select(Customer))}

    assert again is False
    assert [(names[s.customer_id], s.origin, s.status) for s in sales] == [
        ("Grace", "LOGGED", "PAID"),
        ("Ada", "CHARGED", "PAID"),
        ("Lena", "CHARGED", "PARTIALLY_REFUNDED"),
        ("Carlos", "CHARGED", "DECLINED"),
    ]
    assert [(r.amount, r.status, r.reason) for r in refunds] == [(2450, "SUCCEEDED", "One lantern returned")]
    ada_sale = sales[1]
    # 10 % of $249.99, half-up in cents.
    assert [(c.transaction_id, c.amount) for c in commissions] == [(ada_sale.id, 2500)]
