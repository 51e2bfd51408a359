"""Where domain errors become GraphQL answers.

Expected failures become ``userErrors`` on the payload; the few top-level
errors (bad page requests) carry ``extensions.code``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError

from paydesk.errors import DomainError, FieldPath
from paydesk.errors import ErrorCode as DomainErrorCode


@strawberry.enum(description="Why a mutation did not do what was asked.")
class ErrorCode(Enum):
    INVALID = strawberry.enum_value("INVALID", description="A value is malformed or not allowed.")
    REQUIRED = strawberry.enum_value("REQUIRED", description="A value is missing.")
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="No such object in your account (another account's ids answer the same)."
    )
    FORBIDDEN = strawberry.enum_value("FORBIDDEN", description="Your role may not run this mutation.")
    CARD_INVALID = strawberry.enum_value(
        "CARD_INVALID", description="The card number, month or CVC is invalid."
    )
    CARD_EXPIRED = strawberry.enum_value("CARD_EXPIRED", description="The card has expired.")
    CARD_DECLINED = strawberry.enum_value(
        "CARD_DECLINED", description="The gateway refused to keep the card."
    )
    COUPON_INVALID = strawberry.enum_value(
        "COUPON_INVALID", description="The coupon does not exist, has expired or is used up."
    )
    NO_PAYMENT_METHOD = strawberry.enum_value(
        "NO_PAYMENT_METHOD", description="No card was given and the customer has no default card."
    )
    CURRENCY_NOT_SUPPORTED = strawberry.enum_value(
        "CURRENCY_NOT_SUPPORTED", description="The gateway does not accept this currency."
    )
    AMOUNT_EXCEEDS_REFUNDABLE = strawberry.enum_value(
        "AMOUNT_EXCEEDS_REFUNDABLE", description="The refund is larger than what is left to refund."
    )
    INVALID_STATE = strawberry.enum_value(
        "INVALID_STATE", description="The object's status does not allow this action now."
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED", description="This idempotency key was used with different input."
    )
    IDEMPOTENCY_KEY_IN_USE = strawberry.enum_value(
        "IDEMPOTENCY_KEY_IN_USE", description="A call with this key is still running; retry shortly."
    )
    GATEWAY_ERROR = strawberry.enum_value(
        "GATEWAY_ERROR", description="The payment gateway refused or failed the request."
    )
    NUMBER_TAKEN = strawberry.enum_value(
        "NUMBER_TAKEN",
        description="createCustomer was given a number that another customer of the account has or had.",
    )


@strawberry.type(description="Something wrong with a mutation's input or with what it asked for.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "card", "number"]; null: all of it.'
    )
    code: ErrorCode = strawberry.field(description="What kind of problem it is, for programs.")
    message: str = strawberry.field(description="What is wrong, for people.")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def api_path(field: FieldPath | None, root: tuple[str, ...] = ("input",)) -> list[str] | None:
    """A service's field path in the schema's names, list positions as strings."""
    if field is None:
        return list(root) or None
    return [*root, *(str(p) if isinstance(p, int) else camel(p) for p in field)]


def user_errors(error: DomainError) -> list[UserError]:
    return [
        UserError(field=api_path(p.field), code=ErrorCode[p.code.value], message=p.message)
        for p in error.problems
    ]


def forbidden_error(message: str) -> UserError:
    return UserError(field=None, code=ErrorCode[DomainErrorCode.FORBIDDEN.value], message=message)


def bad_user_input(message: str) -> GraphQLError:
    """A top-level error for requests the client must fix (a page size over 100, a foreign cursor)."""
    extensions: dict[str, Any] = {"code": "BAD_USER_INPUT"}
    return GraphQLError(message, extensions=extensions)


def forbidden_read(message: str) -> GraphQLError:
    """A top-level FORBIDDEN error for a query field the caller's role may not read (the field is null)."""
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})
