"""The Node interface: every object a client can fetch again by its opaque id."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with an opaque, prefixed id that node(id:) can fetch again.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque id, prefixed by kind (cus_, usr_, ...).")
