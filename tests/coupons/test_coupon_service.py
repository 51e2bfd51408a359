"""Coupon rules in the service: creation, when a coupon applies, what it takes off, and the cap."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import func, select
from starlette.applications import Starlette

from paydesk import ids
from paydesk.accounts.service import create_account
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.clock import utcnow
from paydesk.coupons import service as coupons
from paydesk.customers.service import create_customer
from paydesk.errors import DomainError
from paydesk.models import Coupon, CouponRedemption, Transaction
from paydesk.products.service import PriceInput
from paydesk.resources import Resources
from tests.helpers import PASSWORD, resources

Outcome = list[tuple[tuple[str | int, ...] | None, str]] | None
USED_UP = [(("coupon_code",), "COUPON_INVALID")]


@dataclass
class Shop:
    res: Resources
    owner: Principal
    customer_id: str
    other_customer_id: str
    # A customer of another account.
    foreign_customer_id: str
    foreign_owner: Principal


async def _account(res: Resources, label: str) -> tuple[Principal, str, str]:
    async with res.sessions() as db:
        created = await create_account(
            db, res.secret, name=label, owner_email=f"owner@{label}.test", owner_password=PASSWORD
        )
        owner = Principal(created.account.id, Role.OWNER, user_id=created.owner.id)
        first = await create_customer(db, owner, {"first_name": "Ann", "email": f"ann@{label}.test"})
        second = await create_customer(db, owner, {"first_name": "Bob", "email": f"bob@{label}.test"})
        await db.commit()
    return owner, first.id, second.id


@pytest.fixture
async def shop(app: Starlette) -> Shop:
    res = resources(app)
    owner, customer, other = await _account(res, "alpha")
    foreign_owner, foreign, _ = await _account(res, "beta")
    return Shop(res, owner, customer, other, foreign, foreign_owner)


async def create(shop: Shop, principal: Principal | None = None, **fields: Any) -> Coupon:
    async with shop.res.sessions() as db:
        coupon = await coupons.create_coupon(db, principal or shop.owner, **fields)
        await db.commit()
        return coupon


async def problems_of(shop: Shop, **fields: Any) -> list[tuple[tuple[str | int, ...] | None, str]]:
    with pytest.raises(DomainError) as caught:
        await create(shop, **fields)
    return [(p.field, p.code.value) for p in caught.value.problems]


async def sales(shop: Shop, count: int, customer_id: str | None = None) -> list[str]:
    """Minimal PAID sales to redeem coupons against (a redemption names its sale)."""
    made = [ids.new_id(ids.TRANSACTION) for _ in range(count)]
    async with shop.res.sessions() as db:
        for sale_id in made:
            db.add(
                Transaction(
                    id=sale_id,
                    account_id=shop.owner.account_id,
                    customer_id=customer_id or shop.customer_id,
                    status="PAID",
                    origin="LOGGED",
                    currency="USD",
                    subtotal=1000,
                    discount=100,
                    total=900,
                )
            )
        await db.commit()
    return made


async def redeem(shop: Shop, coupon_id: str, sale_id: str, amount: int = 100) -> Outcome:
    """One redemption in its own session and transaction: None, or why it was refused."""
    async with shop.res.sessions() as db:
        try:
            await coupons.redeem(
                db,
                coupon_id,
                transaction_id=sale_id,
                customer_id=shop.customer_id,
                amount=amount,
                currency="USD",
            )
        except DomainError as error:
            await db.rollback()
            return [(p.field, p.code.value) for p in error.problems]
        await db.commit()
        return None


async def applicable(
    shop: Shop,
    code: str,
    *,
    customer_id: str | None = None,
    currency: str = "USD",
    now: datetime | None = None,
) -> Coupon:
    async with shop.res.sessions() as db:
        return await coupons.applicable_coupon(
            db,
            shop.owner.account_id,
            code,
            customer_id=customer_id or shop.customer_id,
            currency=currency,
            now=now or utcnow(),
        )


async def refusal(shop: Shop, code: str, **kwargs: Any) -> tuple[tuple[str | int, ...] | None, str, str]:
    with pytest.raises(DomainError) as caught:
        await applicable(shop, code, **kwargs)
    [problem] = caught.value.problems
    return problem.field, problem.code.value, problem.message


async def test_percent_and_amount_coupons_are_kept_exactly(shop: Shop) -> None:
    expires = utcnow() + timedelta(days=30)

    percent = await create(
        shop, code=" Save12_5 ", percent_off=Decimal("12.50"), expires_at=expires, max_redemptions=3
    )
    amount = await create(
        shop, code="FIVE-OFF", amount_off=PriceInput("5.00", "usd"), customer_id=shop.customer_id
    )

    assert percent.id.startswith("cpn_")
    assert (percent.code, percent.code_key, percent.percent_off, percent.amount_off) == (
        "Save12_5",
        "SAVE12_5",
        "12.5",
        None,
    )
    assert (percent.expires_at, percent.max_redemptions, percent.times_redeemed) == (expires, 3, 0)
    assert (amount.percent_off, amount.amount_off, amount.amount_currency, amount.customer_id) == (
        None,
        500,
        "USD",
        shop.customer_id,
    )
    assert (amount.expires_at, amount.max_redemptions) == (None, None)
    full = await create(shop, code="ALL", percent_off=Decimal("100"))
    assert full.percent_off == "100"


async def test_creation_rules(shop: Shop) -> None:
    await create(shop, code="Taken", percent_off=Decimal(10))
    past = utcnow() - timedelta(minutes=1)
    usd = Decimal(5)
    cases: dict[str, tuple[dict[str, Any], list[tuple[tuple[str, ...], str]]]] = {
        "short code": ({"code": "ab", "percent_off": usd}, [(("code",), "INVALID")]),
        "long code": ({"code": "x" * 65, "percent_off": usd}, [(("code",), "INVALID")]),
        "space in code": ({"code": "SAVE 10", "percent_off": usd}, [(("code",), "INVALID")]),
        "punctuation in code": ({"code": "SAVE10!", "percent_off": usd}, [(("code",), "INVALID")]),
        "taken in another case": ({"code": "tAKEN", "percent_off": usd}, [(("code",), "INVALID")]),
        "neither": ({"code": "NONE"}, [(("percent_off",), "INVALID")]),
        "both": (
            {"code": "BOTH", "percent_off": usd, "amount_off": PriceInput("1", "USD")},
            [(("percent_off",), "INVALID")],
        ),
        "zero percent": ({"code": "P0-X", "percent_off": Decimal(0)}, [(("percent_off",), "INVALID")]),
        "over 100": ({"code": "P101", "percent_off": Decimal("100.01")}, [(("percent_off",), "INVALID")]),
        "3 decimals": ({"code": "P3D", "percent_off": Decimal("12.345")}, [(("percent_off",), "INVALID")]),
        "negative percent": ({"code": "PNEG", "percent_off": Decimal(-5)}, [(("percent_off",), "INVALID")]),
        "NaN percent": ({"code": "PNAN", "percent_off": Decimal("NaN")}, [(("percent_off",), "INVALID")]),
        "infinite percent": (
            {"code": "PINF", "percent_off": Decimal("Infinity")},
            [(("percent_off",), "INVALID")],
        ),
        "zero amount": (
            {"code": "A0-X", "amount_off": PriceInput("0", "USD")},
            [(("amount_off", "amount"), "INVALID")],
        ),
        "negative amount": (
            {"code": "ANEG", "amount_off": PriceInput("-1", "USD")},
            [(("amount_off", "amount"), "INVALID")],
        ),
        "cents too fine": (
            {"code": "AC-X", "amount_off": PriceInput("1.001", "USD")},
            [(("amount_off", "amount"), "INVALID")],
        ),
        "yen with decimals": (
            {"code": "AY-X", "amount_off": PriceInput("1.5", "JPY")},
            [(("amount_off", "amount"), "INVALID")],
        ),
        "no currency": (
            {"code": "AX-X", "amount_off": PriceInput("1", "ABC")},
            [(("amount_off", "currency"), "INVALID")],
        ),
        "unknown customer": (
            {"code": "C1-X", "percent_off": usd, "customer_id": "cus_" + "x" * 22},
            [(("customer_id",), "NOT_FOUND")],
        ),
        "another account's customer": (
            {"code": "C2-X", "percent_off": usd, "customer_id": shop.foreign_customer_id},
            [(("customer_id",), "NOT_FOUND")],
        ),
        "expired": ({"code": "E1-X", "percent_off": usd, "expires_at": past}, [(("expires_at",), "INVALID")]),
        "naive expiry": (
            {"code": "E2-X", "percent_off": usd, "expires_at": datetime(2999, 1, 1)},
            [(("expires_at",), "INVALID")],
        ),
        "no redemptions": (
            {"code": "M0-X", "percent_off": usd, "max_redemptions": 0},
            [(("max_redemptions",), "INVALID")],
        ),
        "everything at once": (
            {"code": "?", "max_redemptions": -1, "customer_id": shop.foreign_customer_id},
            [
                (("code",), "INVALID"),
                (("percent_off",), "INVALID"),
                (("customer_id",), "NOT_FOUND"),
                (("max_redemptions",), "INVALID"),
            ],
        ),
    }

    found = {name: await problems_of(shop, **fields) for name, (fields, _) in cases.items()}

    assert found == {name: expected for name, (_, expected) in cases.items()}


async def test_codes_are_unique_per_account_only(shop: Shop) -> None:
    await create(shop, code="WELCOME", percent_off=Decimal(10))

    other = await create(shop, shop.foreign_owner, code="welcome", percent_off=Decimal(20))

    assert other.code_key == "WELCOME"
    mine = await applicable(shop, "Welcome")
    assert mine.percent_off == "10"


async def test_an_applicable_coupon_is_found_ignoring_case(shop: Shop) -> None:
    made = await create(
        shop,
        code="Summer-24",
        amount_off=PriceInput("5", "USD"),
        customer_id=shop.customer_id,
        expires_at=utcnow() + timedelta(hours=1),
        max_redemptions=2,
    )

    found = await applicable(shop, " summer-24 ", currency="usd")

    assert found.id == made.id


async def test_each_reason_a_coupon_does_not_apply(shop: Shop) -> None:
    now = utcnow()
    await create(shop, code="SHORT", percent_off=Decimal(10), expires_at=now + timedelta(hours=1))
    once = await create(shop, code="ONCE", percent_off=Decimal(10), max_redemptions=1)
    await create(shop, code="ANN-ONLY", percent_off=Decimal(10), customer_id=shop.customer_id)
    await create(shop, code="EURO", amount_off=PriceInput("5", "EUR"))
    await create(shop, shop.foreign_owner, code="THEIRS", percent_off=Decimal(10))
    [sale] = await sales(shop, 1)
    assert await redeem(shop, once.id, sale) is None

    found = {
        "unknown": await refusal(shop, "NOPE"),
        "another account's": await refusal(shop, "theirs"),
        "expired": await refusal(shop, "short", now=now + timedelta(hours=2)),
        "used up": await refusal(shop, "ONCE"),
        "another customer": await refusal(shop, "ANN-ONLY", customer_id=shop.other_customer_id),
        "another currency": await refusal(shop, "EURO", currency="USD"),
    }

    field, code = ("coupon_code",), "COUPON_INVALID"
    expires = (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    assert found == {
        "unknown": (field, code, "There is no coupon with this code."),
        "another account's": (field, code, "There is no coupon with this code."),
        "expired": (field, code, f"This coupon expired on {expires} UTC."),
        "used up": (field, code, "This coupon is used up."),
        "another customer": (field, code, "This coupon is for another customer."),
        "another currency": (field, code, "This coupon takes EUR off; the sale is in USD."),
    }
    # Right up to the expiry it still applies, and Ann may use her coupon.
    assert (await applicable(shop, "SHORT", now=now + timedelta(minutes=59))).code == "SHORT"
    assert (await applicable(shop, "ANN-ONLY")).code == "ANN-ONLY"


async def test_discounts_round_half_up_and_amounts_stop_at_the_subtotal(shop: Shop) -> None:
    twelve_and_a_half = await create(shop, code="P125", percent_off=Decimal("12.5"))
    ten = await create(shop, code="P10", percent_off=Decimal(10))
    five_dollars = await create(shop, code="A500", amount_off=PriceInput("5.00", "USD"))

    assert coupons.discount_of(twelve_and_a_half, 999) == 125  # 124.875 cents
    assert coupons.discount_of(twelve_and_a_half, 4) == 1  # 0.5 cents
    assert coupons.discount_of(ten, 1999) == 200  # 199.9 cents
    assert coupons.discount_of(ten, 0) == 0
    assert coupons.discount_of(five_dollars, 1999) == 500
    assert coupons.discount_of(five_dollars, 300) == 300


async def test_redemptions_are_recorded_and_listed_newest_first(shop: Shop) -> None:
    first = await create(shop, code="FIRST", percent_off=Decimal(10))
    second = await create(shop, code="SECOND", amount_off=PriceInput("1", "USD"))
    theirs = await create(shop, shop.foreign_owner, code="THEIRS", percent_off=Decimal(10))
    early, late = await sales(shop, 2)
    [bobs] = await sales(shop, 1, shop.other_customer_id)

    assert await redeem(shop, first.id, early, amount=90) is None
    assert await redeem(shop, second.id, late, amount=100) is None
    async with shop.res.sessions() as db:
        await coupons.redeem(
            db, first.id, transaction_id=bobs, customer_id=shop.other_customer_id, amount=90, currency="USD"
        )
        await db.commit()

    async with shop.res.sessions() as db:
        mine = await coupons.redemptions_of(db, shop.owner.account_id, [shop.customer_id])
        both = await coupons.redemptions_of(
            db, shop.owner.account_id, [shop.customer_id, shop.other_customer_id]
        )
        foreign = await coupons.redemptions_of(db, shop.foreign_owner.account_id, [shop.customer_id])
        found = await coupons.coupons_by_ids(db, shop.owner.account_id, [first.id, theirs.id, second.id])

    assert [(r.coupon_id, r.transaction_id, r.amount, r.currency) for r in mine] == [
        (second.id, late, 100, "USD"),
        (first.id, early, 90, "USD"),
    ]
    assert [r.transaction_id for r in both] == [bobs, late, early]
    assert foreign == []
    assert sorted((c.code, c.times_redeemed) for c in found) == [("FIRST", 2), ("SECOND", 1)]


async def test_the_cap_holds_under_concurrent_redemptions(shop: Shop) -> None:
    coupon = await create(shop, code="FIRST5", percent_off=Decimal(10), max_redemptions=5)
    sale_ids = await sales(shop, 20)

    outcomes = await asyncio.gather(*(redeem(shop, coupon.id, sale_id) for sale_id in sale_ids))

    assert (outcomes.count(None), outcomes.count(USED_UP)) == (5, 15)
    async with shop.res.sessions() as db:
        stored = await db.get(Coupon, coupon.id)
        recorded = (
            await db.exec(
                select(func.count())
                .select_from(CouponRedemption)
                .where(CouponRedemption.coupon_id == coupon.id)
            )
        ).one()
    assert stored is not None
    assert (stored.times_redeemed, recorded) == (5, 5)


async def test_an_unlimited_coupon_counts_every_redemption(shop: Shop) -> None:
    coupon = await create(shop, code="ALWAYS", amount_off=PriceInput("1", "USD"))
    sale_ids = await sales(shop, 8)

    outcomes = await asyncio.gather(*(redeem(shop, coupon.id, sale_id) for sale_id in sale_ids))

    assert outcomes == [None] * 8
    async with shop.res.sessions() as db:
        stored = await db.get(Coupon, coupon.id)
    assert stored is not None
    assert stored.times_redeemed == 8
