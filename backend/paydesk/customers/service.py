"""The rules for customers, their addresses and comments.

Every function takes the caller's principal and works inside its account:
another account's customer is simply not found. Which roles may call what is
declared by the API layer that exposes these functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids, numbers
from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.customers import repository as repo
from paydesk.customers.records import AddressRecord, CommentRecord, CustomerRecord
from paydesk.errors import ErrorCode, FieldPath, Problems, not_found
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.models import Address, Comment, Customer
from paydesk.pagination import Page, PageRequest
from paydesk.validation import clean_country, clean_email, clean_phone, clean_required, clean_text

NAME_LENGTH = 100
COMMENT_LENGTH = 5000
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")


@dataclass(frozen=True)
class AddressFields:
    line1: str
    city: str
    country: str
    line2: str | None = None
    state: str | None = None
    postal_code: str | None = None


def clean_contact(
    problems: Problems, fields: Mapping[str, str | None], at: FieldPath = ()
) -> dict[str, str | None]:
    """The checks of every contact field given in ``fields``; problems at ``(*at, name)``."""
    cleaned: dict[str, str | None] = {}
    for name, value in fields.items():
        field = (*at, name)
        if name == "email":
            cleaned[name] = clean_email(problems, value, field)
        elif name == "phone":
            cleaned[name] = clean_phone(problems, value, field)
        else:
            label = name.replace("_", " ").capitalize()
            cleaned[name] = clean_text(problems, value, field, max_length=NAME_LENGTH, label=label)
    return cleaned


async def create_customer(
    session: AsyncSession,
    principal: Principal,
    fields: Mapping[str, str | None],
    *,
    number: int | None = None,
) -> Customer:
    """A new customer; at least a name or an email, so staff can find them again.

    ``number`` keeps the number an imported contact had elsewhere (NUMBER_TAKEN when another customer
    of the account has or had it); without it the customer gets the account's next number.
    """
    problems = Problems()
    cleaned = clean_contact(problems, {name: fields.get(name) for name in CONTACT_FIELDS})
    if not any(cleaned.get(name) for name in ("first_name", "last_name", "email")) and not problems.items:
        problems.add(
            ErrorCode.REQUIRED, "Give at least a first name, a last name or an email.", ("first_name",)
        )
    problems.raise_any()
    if number is not None:
        await numbers.take(session, principal.account_id, "customer", number, ("number",))
    customer = Customer(
        id=ids.new_id(ids.CUSTOMER),
        account_id=principal.account_id,
        number=number or 0,
        first_name=cleaned["first_name"],
        last_name=cleaned["last_name"],
        email=cleaned["email"],
        phone=cleaned["phone"],
    )
    session.add(customer)
    await session.flush()
    record_event(session, customer.account_id, "customer.created", data.customer(customer), actor=principal)
    return customer


async def update_customer(
    session: AsyncSession, principal: Principal, customer_id: str, changes: Mapping[str, str | None]
) -> Customer:
    """Change the given fields only; a field given as null is cleared."""
    customer = await repo.get(session, principal.account_id, customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    problems = Problems()
    cleaned = clean_contact(problems, {k: v for k, v in changes.items() if k in CONTACT_FIELDS})
    merged = {name: cleaned.get(name, getattr(customer, name)) for name in CONTACT_FIELDS}
    if not any(merged[name] for name in ("first_name", "last_name", "email")) and not problems.items:
        problems.add(
            ErrorCode.REQUIRED, "A customer keeps a first name, a last name or an email.", ("first_name",)
        )
    problems.raise_any()
    for name, value in cleaned.items():
        setattr(customer, name, value)
    customer.updated_at = utcnow()
    session.add(customer)
    await session.flush()
    record_event(session, customer.account_id, "customer.updated", data.customer(customer), actor=principal)
    return customer


async def get_customer(session: AsyncSession, principal: Principal, customer_id: str) -> Customer | None:
    return await repo.get(session, principal.account_id, customer_id)


async def customers_by_ids(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str]
) -> list[CustomerRecord]:
    """The account's customers among these ids, as plain records (for the API's loader)."""
    return await repo.records_by_ids(session, principal.account_id, customer_ids)


async def list_customers(
    session: AsyncSession, principal: Principal, request: PageRequest, search: str | None = None
) -> Page[CustomerRecord]:
    """Newest first; ``search`` matches names, email and phone, ignoring case (plain records)."""
    term = (search or "").strip()[:200] or None
    rows, total = await repo.page(session, principal.account_id, request, term)
    return Page(rows[: request.first], len(rows) > request.first, request.after is not None, total)


ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "country")


def clean_address(
    problems: Problems, fields: Mapping[str, str | None], at: FieldPath = ()
) -> dict[str, str | None]:
    """The checks of every address field given in ``fields`` (the same for adding and changing)."""
    cleaned: dict[str, str | None] = {}
    for name, value in fields.items():
        field = (*at, name)
        if name == "line1":
            cleaned[name] = clean_required(problems, value, field, max_length=200, label="Line 1")
        elif name == "line2":
            cleaned[name] = clean_text(problems, value, field, max_length=200, label="Line 2")
        elif name == "city":
            cleaned[name] = clean_required(problems, value, field, max_length=100, label="City")
        elif name == "state":
            cleaned[name] = clean_text(problems, value, field, max_length=100, label="State")
        elif name == "postal_code":
            cleaned[name] = clean_text(problems, value, field, max_length=20, label="Postal code")
        elif name == "country":
            cleaned[name] = clean_country(problems, value, field)
    return cleaned


async def add_address(
    session: AsyncSession, principal: Principal, customer_id: str, fields: AddressFields
) -> Address:
    customer = await repo.get(session, principal.account_id, customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    problems = Problems()
    cleaned = clean_address(problems, {name: getattr(fields, name) for name in ADDRESS_FIELDS})
    problems.raise_any()
    address = Address(
        id=ids.new_id(ids.ADDRESS),
        account_id=principal.account_id,
        customer_id=customer.id,
        line1=cleaned["line1"] or "",
        line2=cleaned["line2"],
        city=cleaned["city"] or "",
        state=cleaned["state"],
        postal_code=cleaned["postal_code"],
        country=cleaned["country"] or "",
    )
    session.add(address)
    await session.flush()
    return address


async def update_address(
    session: AsyncSession, principal: Principal, address_id: str, changes: Mapping[str, str | None]
) -> Address:
    """Change the given fields only, checked as when adding; null clears an optional field.

    Line 1, city and country are required, so null for one of them is ``REQUIRED``.
    """
    address = await repo.address(session, principal.account_id, address_id)
    if address is None:
        raise not_found("address", ("address_id",))
    problems = Problems()
    cleaned = clean_address(problems, {k: v for k, v in changes.items() if k in ADDRESS_FIELDS})
    problems.raise_any()
    for name, value in cleaned.items():
        setattr(address, name, value)
    session.add(address)
    await session.flush()
    return address


async def addresses_of(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str]
) -> list[AddressRecord]:
    return await repo.addresses_of(session, principal.account_id, customer_ids)


async def get_address(session: AsyncSession, principal: Principal, address_id: str) -> Address | None:
    return await repo.address(session, principal.account_id, address_id)


async def add_comment(session: AsyncSession, principal: Principal, customer_id: str, body: str) -> Comment:
    customer = await repo.get(session, principal.account_id, customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    problems = Problems()
    text = clean_text(problems, body, ("body",), max_length=COMMENT_LENGTH, required=True, label="Comment")
    problems.raise_any()
    assert text is not None
    comment = Comment(
        id=ids.new_id(ids.COMMENT),
        account_id=principal.account_id,
        customer_id=customer.id,
        author_id=principal.user_id,
        body=text,
    )
    session.add(comment)
    await session.flush()
    return comment


async def get_comment(session: AsyncSession, principal: Principal, comment_id: str) -> Comment | None:
    return await repo.comment(session, principal.account_id, comment_id)


async def comment_pages(
    session: AsyncSession, principal: Principal, customer_ids: Sequence[str], request: PageRequest
) -> list[Page[CommentRecord]]:
    """One page of comments for each customer, in the order of ``customer_ids`` (plain records)."""
    account_id = principal.account_id
    by_customer: dict[str, list[CommentRecord]] = {cid: [] for cid in customer_ids}
    counts: dict[str, int] = {}
    if request.after is None:
        # First pages carry their totals (a window count per customer): one statement for all.
        firsts = await repo.first_comments(session, account_id, customer_ids, request.first + 1)
        for comment, total in firsts:
            by_customer[comment.customer_id].append(comment)
            counts[comment.customer_id] = total
    else:
        counts = await repo.comment_counts(session, account_id, customer_ids)
        for cid in customer_ids:
            by_customer[cid] = await repo.comments_after(session, account_id, cid, request)
    return [
        Page(rows[: request.first], len(rows) > request.first, request.after is not None, counts.get(cid, 0))
        for cid, rows in ((cid, by_customer[cid]) for cid in customer_ids)
    ]
