"""``GET /1/objects?objectID=N``: the lists of payments.php by the classic object types' numbers.

The classic API numbers its object types; the two a sale names are here:
70, the gateways (``list_gateways``), and 46, the invoice templates
(``list_invoices``), with the same entries. Any other ``objectID`` is code 2.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.classic import lists
from paydesk.classic.answers import Body
from paydesk.classic.fields import Malformed
from paydesk.classic.requests import Call
from paydesk.gateways.base import ResultCode

# The classic object type numbers (70 gateways, 46 invoice templates) and who lists them.
OBJECTS: dict[int, Callable[[AsyncSession, Call], Awaitable[list[Body]]]] = {
    70: lists.gateways_of,
    46: lists.templates_of,
}


async def list_objects(session: AsyncSession, call: Call) -> Body:
    """The objects of the type ``objectID`` names, under ``objects``."""
    object_id = call.data.required("objectID", call.data.whole("objectID"))
    listing = OBJECTS.get(object_id)
    if listing is None:
        known = ", ".join(str(number) for number in OBJECTS)
        raise Malformed("objectID", f"is not an object type listed here; use one of {known}.")
    return {"result_code": int(ResultCode.GOOD), "objects": await listing(session, call)}
