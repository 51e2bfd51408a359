"""Calling the classic ``/1/`` endpoints as integrations do: JSON bodies, the key in the headers.

``MANUAL`` is processManual's body as the classic documentation gives it;
tests change only its ids to the test account's numbers (and, where they say
so, the card's expiry, which the documentation set in 2017).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

from tests.classic.client import Numbers
from tests.helpers import Caller

MANUAL = """
{ "objectID":0, "contact_id":123456, "chargeNow":"chargeNow", "trans_date":1431551200, "invoice_template":1, "gateway_id":1,
  "offer":{ "products":[ { "quantity":1, "owner":1, "tax":false, "shipping":false, "id":40, "uid":0,
  "price":[ { "price":"49", "payment_count":1, "unit":"day" } ] } ] },
  "billing_address":{ "address":"123 Test st", "address2":"Unit 123", "city":"Santa Barbara", "state":"CA", "zip":"93103", "country":"US" },
  "payer":{ "ccnumber":4111111111111111, "expire_month":5, "expire_year":2017, "code":123 },
  "hasTaxes":false, "hasShipping":false, "delay":0 }
"""


def manual(numbers: Numbers, *, expire_year: int | None = None, **changes: Any) -> dict[str, Any]:
    """The documented body with this account's numbers, the expiry and top-level keys as given."""
    body: dict[str, Any] = json.loads(MANUAL)
    body["contact_id"] = numbers.contact
    body["invoice_template"] = numbers.invoice
    body["gateway_id"] = numbers.gateway
    body["offer"]["products"][0]["id"] = numbers.product
    if expire_year is not None:
        body["payer"]["expire_year"] = expire_year
    return {**body, **copy.deepcopy(changes)}


def priced(body: dict[str, Any], *prices: dict[str, Any], **product: Any) -> dict[str, Any]:
    """``body`` with its one product's price entries (and other product keys) replaced."""
    changed = copy.deepcopy(body)
    changed["offer"]["products"][0].update(product)
    if prices:
        changed["offer"]["products"][0]["price"] = list(prices)
    return changed


class V1:
    """A client of /1/transaction/processManual and /1/objects."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, caller: Caller | None, body: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        content = body if isinstance(body, str | bytes) else json.dumps(body)
        sent = {"content-type": "application/json", **(caller.headers if caller else {}), **(headers or {})}
        return await self.http.post("/1/transaction/processManual", content=content, headers=sent)

    async def process(self, caller: Caller, body: Any, **options: Any) -> dict[str, Any]:
        """The ``data`` of an answer that must be HTTP 200 and ``code`` 0."""
        response = await self.post(caller, body, **options)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert answer["code"] == 0, answer
        return dict(answer["data"])

    async def objects(self, caller: Caller | None, object_id: object) -> httpx.Response:
        params = {} if object_id is None else {"objectID": str(object_id)}
        return await self.http.get("/1/objects", params=params, headers=caller.headers if caller else {})
