"""Mutations as units of work, with the role each needs declared beside it.

``@mutation(role=Role.REP, description=...)`` wraps a resolver so that a
caller whose role is too low gets a ``FORBIDDEN`` userError, a domain error
becomes the payload's userErrors with nothing written, and success commits
the request's unit of work (``paydesk.unit_of_work``; a flow with phases has
committed the earlier ones through it already). Graphql-core runs a
request's mutation fields one after another, so each commits or rolls back
alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver
from strawberry.types.field import StrawberryField

from paydesk.auth.roles import Role, allows
from paydesk.errors import DomainError
from paydesk.graphql.context import Info
from paydesk.graphql.errors import UserError, forbidden_error, user_errors
from paydesk.unit_of_work import UnitOfWork


class Payload(Protocol):
    """Every mutation payload: one result field and userErrors, both defaulted."""

    def __init__(self, *, user_errors: list[UserError]) -> None: ...


class MutationBoundary(FieldExtension):
    def __init__(self, role: Role | None) -> None:
        self.role = role

    def apply(self, field: StrawberryField) -> None:
        self.field = field
        for argument in field.arguments:
            if argument.python_name == "input" and not argument.description:
                argument.description = "What to do; see the input type for each field."

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        raise NotImplementedError("mutations are async")

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        payload: type[Payload] = self.field.type  # type: ignore[assignment]
        ctx = info.context
        if self.role is not None:
            role = ctx.caller.role
            if not allows(role, self.role):
                name, needed = info.field_name, self.role.value
                message = f"{name} needs the {needed} role or higher; you have {role.value}."
                return payload(user_errors=[forbidden_error(message)])
        unit = UnitOfWork.of(ctx.db)
        committed = len(unit.phases)
        try:
            result = await next_(source, info, **kwargs)
        except DomainError as error:
            await unit.rollback()
            return payload(user_errors=user_errors(error))
        except BaseException as error:
            await unit.abort(error, committed)
            raise
        await unit.commit(info.field_name)
        return result


def mutation(*, role: Role | None, description: str) -> Any:
    """A mutation field that needs ``role`` (None: anyone, e.g. signIn)."""
    return strawberry.mutation(description=description, extensions=[MutationBoundary(role)])
