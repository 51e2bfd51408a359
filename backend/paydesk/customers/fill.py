"""Filling a customer's blanks from the contact details a payer gave with a card.

Classic integrations send the cardholder's name, email and billing address
beside the card (``card_details.contact_*`` of ``/payments.php``). They
complete the customer, never correct it: only empty name and email fields
are filled, and the address is added only to a customer who has none, so
nothing staff entered is overwritten. Every value given is checked as the
customer's own fields are, used or not, so a bad one is refused the same way
whatever the customer already holds. Problems are at ``("contact", field)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.customers import repository as repo
from paydesk.customers.service import AddressFields, add_address, clean_address, clean_contact
from paydesk.errors import Problems, not_found
from paydesk.events import data
from paydesk.events.record import record_event
from paydesk.models import Address

AT = ("contact",)
NAME_FIELDS = ("first_name", "last_name", "email")
ADDRESS_PARTS = ("line1", "line2", "city", "state", "postal_code", "country")


@dataclass(frozen=True)
class ContactDetails:
    """What a payer said about themselves; every part optional."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


def check(details: ContactDetails) -> tuple[dict[str, str | None], AddressFields | None]:
    """The cleaned name and email fields given, and the address when any part of one was given
    (then line 1, city and country are required); a DomainError lists what is wrong."""
    problems = Problems()
    given = {name: getattr(details, name) for name in NAME_FIELDS if getattr(details, name) is not None}
    names = clean_contact(problems, given, AT)
    parts = {name: getattr(details, name) for name in ADDRESS_PARTS}
    address = None
    if any(value is not None and value.strip() for value in parts.values()):
        cleaned = clean_address(problems, parts, AT)
        address = AddressFields(
            line1=cleaned["line1"] or "",
            city=cleaned["city"] or "",
            country=cleaned["country"] or "",
            line2=cleaned["line2"],
            state=cleaned["state"],
            postal_code=cleaned["postal_code"],
        )
    problems.raise_any()
    return names, address


async def fill_blanks(
    session: AsyncSession, principal: Principal, customer_id: str, details: ContactDetails
) -> Address | None:
    """Fill the customer's empty fields from ``details``; the address added, if the customer had none."""
    names, address = check(details)
    customer = await repo.get(session, principal.account_id, customer_id)
    if customer is None:
        raise not_found("customer", ("customer_id",))
    blanks = {name: value for name, value in names.items() if value and not getattr(customer, name)}
    if blanks:
        for name, value in blanks.items():
            setattr(customer, name, value)
        customer.updated_at = utcnow()
        session.add(customer)
        await session.flush()
        record_event(
            session, customer.account_id, "customer.updated", data.customer(customer), actor=principal
        )
    if address is None or await repo.addresses_of(session, principal.account_id, [customer.id]):
        return None
    return await add_address(session, principal, customer.id, address)
