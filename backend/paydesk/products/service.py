"""Products: what the account sells, at a price in one currency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.errors import ErrorCode, Problems, not_found
from paydesk.models import Product
from paydesk.money import Money, MoneyError, is_currency
from paydesk.products import repository as repo
from paydesk.products.delivery import clean_delivery
from paydesk.validation import clean_required, clean_text

UNSET: object = object()


@dataclass(frozen=True)
class PriceInput:
    amount: object
    currency: str


def _price(problems: Problems, price: PriceInput) -> Money | None:
    code = price.currency.strip().upper()
    if not is_currency(code):
        problems.add(ErrorCode.INVALID, f"{price.currency!r} is no ISO 4217 currency.", ("price", "currency"))
        return None
    try:
        money = Money.parse(price.amount, code)
    except MoneyError as error:
        problems.add(ErrorCode.INVALID, f"{str(error)[:1].upper()}{str(error)[1:]}.", ("price", "amount"))
        return None
    if money.minor_units < 0:
        problems.add(ErrorCode.INVALID, "A price cannot be negative.", ("price", "amount"))
        return None
    return money


async def _check_sku(
    problems: Problems, session: AsyncSession, account_id: str, sku: str | None, own: str | None
) -> None:
    if sku is None:
        return
    other = await repo.active_with_sku(session, account_id, sku)
    if other is not None and other.id != own:
        problems.add(ErrorCode.INVALID, "Another product has this SKU.", ("sku",))


async def create_product(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    price: PriceInput,
    sku: str | None = None,
    description: str | None = None,
    delivery: tuple[str | None, str | None] | None = None,
) -> Product:
    problems = Problems()
    clean_name = clean_required(problems, name, ("name",), max_length=200, label="Name")
    money = _price(problems, price)
    clean_sku = clean_text(problems, sku, ("sku",), max_length=64, label="SKU")
    clean_description = clean_text(
        problems, description, ("description",), max_length=2000, label="Description"
    )
    await _check_sku(problems, session, principal.account_id, clean_sku, None)
    email = clean_delivery(problems, *delivery) if delivery is not None else None
    problems.raise_any()
    assert money is not None
    product = Product(
        id=ids.new_id(ids.PRODUCT),
        account_id=principal.account_id,
        name=clean_name,
        price=money.minor_units,
        currency=money.currency,
        sku=clean_sku,
        description=clean_description,
        delivery_subject=email[0] if email else None,
        delivery_body=email[1] if email else None,
    )
    session.add(product)
    await session.flush()
    return product


async def update_product(
    session: AsyncSession,
    principal: Principal,
    product_id: str,
    *,
    name: str | None = None,
    price: PriceInput | None = None,
    sku: object = UNSET,
    description: object = UNSET,
    delivery: tuple[str | None, str | None] | object | None = UNSET,
) -> Product:
    """Change the given fields; saved offers and past sales keep the price they had."""
    product = await _own(session, principal, product_id)
    problems = Problems()
    if name is not None:
        product.name = clean_required(problems, name, ("name",), max_length=200, label="Name")
    if price is not None and (money := _price(problems, price)) is not None:
        product.price, product.currency = money.minor_units, money.currency
    if sku is not UNSET:
        product.sku = clean_text(
            problems, sku if isinstance(sku, str) else None, ("sku",), max_length=64, label="SKU"
        )
        await _check_sku(problems, session, principal.account_id, product.sku, product.id)
    if description is not UNSET:
        text = description if isinstance(description, str) else None
        product.description = clean_text(
            problems, text, ("description",), max_length=2000, label="Description"
        )
    if delivery is not UNSET:
        email = clean_delivery(problems, *delivery) if isinstance(delivery, tuple) else None
        product.delivery_subject, product.delivery_body = email if email else (None, None)
    problems.raise_any()
    product.updated_at = utcnow()
    session.add(product)
    await session.flush()
    return product


async def archive_product(session: AsyncSession, principal: Principal, product_id: str) -> Product:
    """Take a product out of the pickers; offers and sales that name it keep resolving it."""
    product = await _own(session, principal, product_id)
    if product.archived_at is None:
        product.archived_at = product.updated_at = utcnow()
        session.add(product)
        await session.flush()
    return product


async def _own(session: AsyncSession, principal: Principal, product_id: str) -> Product:
    product = await repo.get(session, principal.account_id, product_id)
    if product is None:
        raise not_found("product", ("product_id",))
    return product


async def list_products(
    session: AsyncSession, principal: Principal, *, include_archived: bool = False
) -> list[Product]:
    return await repo.of_account(session, principal.account_id, include_archived=include_archived)


async def products_by_ids(
    session: AsyncSession, principal: Principal, product_ids: Sequence[str]
) -> list[Product]:
    return await repo.get_many(session, principal.account_id, product_ids)
