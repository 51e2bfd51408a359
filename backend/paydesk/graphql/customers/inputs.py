"""Inputs of the customer mutations."""

from __future__ import annotations

import strawberry

from paydesk.customers.service import AddressFields


@strawberry.input(description="A new customer: at least a first name, a last name or an email.")
class CreateCustomerInput:
    first_name: str | None = strawberry.field(default=None, description="Given name, up to 100 characters.")
    last_name: str | None = strawberry.field(default=None, description="Family name, up to 100 characters.")
    email: str | None = strawberry.field(default=None, description="Email address.")
    phone: str | None = strawberry.field(
        default=None, description="Phone number: digits, spaces, +, -, ( and )."
    )
    number: int | None = strawberry.field(
        default=None,
        description=(
            "Keep the number an imported contact had elsewhere; taken numbers are NUMBER_TAKEN. Left out: "
            "the account's next number."
        ),
    )

    def fields(self) -> dict[str, str | None]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "phone": self.phone,
        }


@strawberry.input(description="Changes to a customer: omitted fields stay as they are, null clears one.")
class UpdateCustomerInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="Given name.")
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="Family name.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="Email address.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Phone number.")

    def changes(self) -> dict[str, str | None]:
        given = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "phone": self.phone,
        }
        return {name: value for name, value in given.items() if value is not strawberry.UNSET}


@strawberry.input(description="A postal address for a customer.")
class AddAddressInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    line1: str = strawberry.field(description="Street and number.")
    line2: str | None = strawberry.field(default=None, description="Apartment, suite, building.")
    city: str = strawberry.field(description="City or town.")
    state: str | None = strawberry.field(default=None, description="State, province or region.")
    postal_code: str | None = strawberry.field(default=None, description="ZIP or postal code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. US.")

    def fields(self) -> AddressFields:
        return AddressFields(
            line1=self.line1,
            line2=self.line2,
            city=self.city,
            state=self.state,
            postal_code=self.postal_code,
            country=self.country,
        )


@strawberry.input(
    description="Changes to an address: omitted fields stay as they are, null clears an optional one."
)
class UpdateAddressInput:
    address_id: strawberry.ID = strawberry.field(description="The address, prefix addr_.")
    line1: str | None = strawberry.field(
        default=strawberry.UNSET, description="Street and number; required, so null is REQUIRED."
    )
    line2: str | None = strawberry.field(
        default=strawberry.UNSET, description="Apartment, suite, building; null clears it."
    )
    city: str | None = strawberry.field(
        default=strawberry.UNSET, description="City or town; required, so null is REQUIRED."
    )
    state: str | None = strawberry.field(
        default=strawberry.UNSET, description="State, province or region; null clears it."
    )
    postal_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="ZIP or postal code; null clears it."
    )
    country: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="ISO 3166-1 alpha-2 code, e.g. US; required, so null is REQUIRED.",
    )

    def changes(self) -> dict[str, str | None]:
        given = {
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
            "country": self.country,
        }
        return {name: value for name, value in given.items() if value is not strawberry.UNSET}


@strawberry.input(description="A staff note on a customer.")
class AddCommentInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer, prefix cus_.")
    body: str = strawberry.field(description="The note, up to 5000 characters.")
