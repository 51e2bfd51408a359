"""Plain records read for the API's pages hold what the ORM models hold, in the same order."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

from sqlmodel import col, select
from starlette.applications import Starlette

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.auth.roles import Role
from paydesk.clock import utcnow
from paydesk.customers import repository as customer_rows
from paydesk.customers.records import AddressRecord, CommentRecord, CustomerRecord
from paydesk.invoices import repository as invoice_rows
from paydesk.invoices.records import InvoiceRecord
from paydesk.models import (
    Address,
    Comment,
    Customer,
    Gateway,
    Invoice,
    PaymentMethod,
    PaymentRequest,
    Transaction,
    User,
)
from paydesk.pagination import PageRequest, Position
from paydesk.payment_methods import service as payment_methods
from paydesk.payment_methods.records import CardRecord
from paydesk.payment_requests import repository as request_rows
from paydesk.payment_requests import service as payment_requests
from paydesk.payment_requests.records import RequestRecord
from paydesk.transactions import repository as repo
from paydesk.transactions.records import SaleRecord
from paydesk.transactions.state import facts_from
from tests.api.test_read_statements import _seed
from tests.helpers import World, resources


async def test_card_records_are_the_cards_in_the_same_order(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    async with resources(app).sessions() as db:
        gateway = (await db.exec(select(Gateway).where(Gateway.account_id == account_id))).first()
        assert gateway is not None
        customer_ids = []
        for n in range(3):
            customer = Customer(id=ids.new_id(ids.CUSTOMER), account_id=account_id, first_name=f"C{n}")
            customer_ids.append(customer.id)
            db.add(customer)
            await db.flush()
            # Default, expired, removed, plain; a year without a month, and no expiry at all.
            for i, (month, year, default, removed) in enumerate(
                (
                    (12, 2099, True, False),
                    (1, 2001, False, False),
                    (6, 2098, False, True),
                    (None, None, False, False),
                )
            ):
                db.add(
                    PaymentMethod(
                        id=ids.new_id(ids.PAYMENT_METHOD), account_id=account_id, customer_id=customer.id,
                        gateway_id=gateway.id, gateway_token=f"tok_{n}_{i}", brand="visa", last4=f"{n}{i}42",
                        exp_month=month, exp_year=year, is_default=default, name_on_card="A B" if i else None,
                        removed_at=utcnow() - timedelta(days=1) if removed else None,
                        created_at=utcnow() - timedelta(minutes=i),
                    )
                )  # fmt: skip
        await db.commit()

    principal = Principal(account_id, Role.OWNER)
    names = [f.name for f in fields(CardRecord)]
    async with resources(app).sessions() as db:
        for removed in (False, True):
            models = await payment_methods.payment_methods_of(
                db, principal, customer_ids, include_removed=removed
            )
            records = await payment_methods.card_records_of(
                db, principal, customer_ids, include_removed=removed
            )
            assert len(models) == (12 if removed else 9)
            assert records == [CardRecord(*(getattr(m, name) for name in names)) for m in models]
            assert [payment_methods.status_of(r) for r in records] == [
                payment_methods.status_of(m) for m in models
            ]


async def test_sale_records_are_the_sales_and_give_the_same_facts(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    first = await _seed(app, account_id, customers=2, sales=3)
    names = [f.name for f in fields(SaleRecord)]
    async with resources(app).sessions() as db:
        sale = (await db.exec(select(Transaction).where(Transaction.customer_id == first))).first()
        assert sale is not None
        sale.dispute_id, sale.dispute_amount, sale.dispute_status = "dp_1", 100, "needs_response"
        sale.disputed_at = sale.marked_paid_at = utcnow()
        await db.commit()

    async with resources(app).sessions() as db:
        pages = [
            await repo.page(db, account_id, PageRequest(2, None), customer_id=first),
            await repo.page(db, account_id, PageRequest(10, None), by_transaction_date=True),
        ]
        customers = list(await db.exec(select(Customer.id).where(Customer.account_id == account_id)))
        newest = await repo.newest_of_customers(db, account_id, customers, ["PAID", "PARTIALLY_REFUNDED"])
        assert [len(rows) for rows, _ in pages] == [3, 6]  # one more than asked for, when there is one
        assert [total for _, total in pages] == [3, 6]
        assert len(newest) == 2
        for records in (pages[0][0], pages[1][0], newest):
            models = {
                m.id: m
                for m in await db.exec(
                    select(Transaction).where(col(Transaction.id).in_([r.id for r in records]))
                )
            }
            for record in records:
                model = models[record.id]
                assert record == SaleRecord(*(getattr(model, name) for name in names))
                for refunded in (0, 500):
                    facts = {
                        "refunded": refunded,
                        "has_refunds": True,
                        "has_invoice": False,
                        "void_window": None,
                    }
                    assert facts_from(record, **facts) == facts_from(model, **facts)


async def test_customer_records_are_the_customers_in_the_same_order(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    await _seed(app, account_id, customers=4, sales=0)
    names = [f.name for f in fields(CustomerRecord)]
    async with resources(app).sessions() as db:
        models = {m.id: m for m in await db.exec(select(Customer).where(Customer.account_id == account_id))}
        for search in (None, "C2"):
            records, total = await customer_rows.page(db, account_id, PageRequest(10, None), search)
            assert [(total, len(records))] == ([(len(models),) * 2] if search is None else [(1, 1)])
            assert records == [
                CustomerRecord(*(getattr(models[r.id], name) for name in names)) for r in records
            ]
            assert [r.id for r in records] == sorted(
                (r.id for r in records), key=lambda i: (models[i].created_at, i), reverse=True
            )


async def test_customers_by_id_and_addresses_are_records_of_the_account(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    await _seed(app, account_id, customers=3, sales=0)
    async with resources(app).sessions() as db:
        customers = list(await db.exec(select(Customer).where(Customer.account_id == account_id)))
        for n, customer in enumerate(customers):
            for i in range(n):
                db.add(
                    Address(
                        id=ids.new_id(ids.ADDRESS), account_id=account_id, customer_id=customer.id,
                        line1=f"{i} Main St", line2="Apt 2" if i else None, city="Springfield",
                        state="IL" if i else None, postal_code="62701", country="US",
                        created_at=utcnow() - timedelta(minutes=10 - i),
                    )
                )  # fmt: skip
        await db.commit()
    wanted = [c.id for c in customers] + ["cus_unknown"]
    names = [f.name for f in fields(CustomerRecord)]
    address_names = [f.name for f in fields(AddressRecord)]
    async with resources(app).sessions() as db:
        records = await customer_rows.records_by_ids(db, account_id, wanted)
        foreign = await customer_rows.records_by_ids(db, world.b.account_id, wanted)
        models = {m.id: m for m in await customer_rows.get_many(db, account_id, wanted)}
        addresses = await customer_rows.addresses_of(db, account_id, wanted)
        address_models = list(
            await db.exec(
                select(Address)
                .where(Address.account_id == account_id)
                .order_by(col(Address.created_at), col(Address.id))
            )
        )
        foreign_addresses = await customer_rows.addresses_of(db, world.b.account_id, wanted)
    assert sorted(records, key=lambda r: r.id) == [
        CustomerRecord(*(getattr(models[i], name) for name in names)) for i in sorted(models)
    ]
    assert len(records) == len(customers)
    assert foreign == []
    assert addresses == [AddressRecord(*(getattr(m, name) for name in address_names)) for m in address_models]
    assert len(addresses) == sum(range(len(customers)))
    assert foreign_addresses == []


async def test_comment_records_are_the_comments_with_their_counts(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    first = await _seed(app, account_id, customers=2, sales=0)
    async with resources(app).sessions() as db:
        user = (await db.exec(select(User).where(User.account_id == account_id))).first()
        assert user is not None
        for n in range(5):
            db.add(
                Comment(
                    id=ids.new_id(ids.COMMENT), account_id=account_id, customer_id=first, body=f"note {n}",
                    author_id=user.id if n % 2 else None, created_at=utcnow() - timedelta(minutes=n),
                )
            )  # fmt: skip
        await db.commit()
    names = [f.name for f in fields(CommentRecord)]
    async with resources(app).sessions() as db:
        models = {m.id: m for m in await db.exec(select(Comment).where(Comment.customer_id == first))}
        firsts = await customer_rows.first_comments(db, account_id, [first], 3)
        after = await customer_rows.comments_after(db, account_id, first, PageRequest(10, None))
    assert [total for _, total in firsts] == [5, 5, 5]
    newest = sorted(models.values(), key=lambda m: (m.created_at, m.id), reverse=True)
    expected = [CommentRecord(*(getattr(m, name) for name in names)) for m in newest]
    assert [record for record, _ in firsts] == expected[:3]
    assert after == expected


async def test_invoice_records_are_the_invoices_with_their_counts(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    first = await _seed(app, account_id, customers=2, sales=3)
    async with resources(app).sessions() as db:
        sales = list(await db.exec(select(Transaction).where(Transaction.account_id == account_id)))
        for n, sale in enumerate(sales):
            db.add(
                Invoice(
                    id=ids.new_id(ids.INVOICE), account_id=account_id, transaction_id=sale.id,
                    customer_id=sale.customer_id, sequence=n + 1, number=f"INV-{n + 1:06d}", total=sale.total,
                    currency=sale.currency, token_hash=f"hash{n}", token_encrypted=f"secret{n}",
                    issued_at=utcnow() - timedelta(minutes=n), last_sent_at=utcnow() if n % 2 else None,
                )
            )  # fmt: skip
        await db.commit()
    names = [f.name for f in fields(InvoiceRecord)]
    customers = sorted({sale.customer_id for sale in sales}, key=lambda c: c != first)
    async with resources(app).sessions() as db:
        models = {m.id: m for m in await db.exec(select(Invoice).where(Invoice.account_id == account_id))}
        firsts = await invoice_rows.first_invoices(db, account_id, customers, 2)
        after = await invoice_rows.invoices_after(db, account_id, first, PageRequest(10, None))
        foreign = await invoice_rows.first_invoices(db, world.b.account_id, customers, 2)
    newest = sorted(models.values(), key=lambda m: (m.issued_at, m.id), reverse=True)
    expected = [InvoiceRecord(*(getattr(m, name) for name in names)) for m in newest]
    # The newest two of each customer, newest first across both; each with its customer's 3.
    two_each = [
        r for i, r in enumerate(expected) if [e.customer_id for e in expected[:i]].count(r.customer_id) < 2
    ]
    assert firsts == [(record, 3) for record in two_each]
    assert len(two_each) == 4
    assert after == [r for r in expected if r.customer_id == first]
    assert foreign == []


async def test_request_records_are_the_requests_with_the_same_status(app: Starlette, world: World) -> None:
    account_id = world.a.account_id
    first = await _seed(app, account_id, customers=1, sales=0)
    now = utcnow()
    async with resources(app).sessions() as db:
        # Open, open past its expiry (EXPIRED on read), paid, cancelled.
        for n, (status, expires) in enumerate((("OPEN", 1), ("OPEN", -1), ("PAID", 1), ("CANCELLED", 1))):
            db.add(
                PaymentRequest(
                    id=ids.new_id(ids.PAYMENT_REQUEST), account_id=account_id, customer_id=first,
                    token_hash=f"hash{n}", token_encrypted=f"secret{n}", status=status, currency="USD",
                    subtotal=1000 + n, discount=n, total=1000, description=f"r{n}" if n % 2 else None,
                    lines_json="[]", allow_coupon=bool(n % 2), expires_at=now + timedelta(days=expires),
                    failed_attempts=n, created_at=now - timedelta(minutes=n),
                    paid_at=now if status == "PAID" else None,
                    cancelled_at=now if status == "CANCELLED" else None,
                )
            )  # fmt: skip
        await db.commit()
    names = [f.name for f in fields(RequestRecord)]
    async with resources(app).sessions() as db:
        models = list(await db.exec(select(PaymentRequest).where(PaymentRequest.customer_id == first)))
        firsts, total = await request_rows.page(db, account_id, first, PageRequest(2, None))
        everything, _ = await request_rows.page(db, account_id, first, PageRequest(10, None))
        last = firsts[1]
        after, after_total = await request_rows.page(
            db, account_id, first, PageRequest(10, Position(last.created_at, last.id))
        )
        foreign, foreign_total = await request_rows.page(db, world.b.account_id, first, PageRequest(10, None))
    newest = sorted(models, key=lambda m: (m.created_at, m.id), reverse=True)
    expected = [RequestRecord(*(getattr(m, name) for name in names)) for m in newest]
    assert (firsts, total) == (expected[:3], 4)
    assert everything == expected
    assert (after, after_total) == (expected[2:], 4)
    assert (foreign, foreign_total) == ([], 0)
    assert [payment_requests.status_of(r, now) for r in expected] == [
        payment_requests.status_of(m, now) for m in newest
    ]
    assert [payment_requests.status_of(r, now).value for r in expected] == [
        "OPEN",
        "EXPIRED",
        "PAID",
        "CANCELLED",
    ]
