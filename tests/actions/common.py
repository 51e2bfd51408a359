"""What the transaction-action suites share: the mutations, a sale's fields, and sales made to order."""

from __future__ import annotations

from typing import Any

from tests.api.test_sales import MONEY, card, charged, logged, put_on_file, run
from tests.helpers import Api, Caller

SALE = f"""
  id status origin markedPaidAt
  subtotal {{ {MONEY} }} discount {{ {MONEY} }}
  lines {{ total {{ minorUnits }} discount {{ minorUnits }} }}
  total {{ {MONEY} }} amountRefunded {{ {MONEY} }} refundableAmount {{ {MONEY} }}
  refunds {{ id status externalId reason throughGateway failureMessage amount {{ {MONEY} }} }}
  events {{ kind note amount {{ minorUnits }} actor {{ id }} }}
  invoice {{ id number lastSentAt }}
  availableActions {{ action allowed reason maxAmount {{ {MONEY} }} }}
  commission {{ amount {{ {MONEY} }} gross {{ minorUnits }} partner {{ id }} }}
"""
PAYLOAD = f"transaction {{ {SALE} }} userErrors {{ field code message }}"
REFUND = f"mutation($i: RefundTransactionInput!) {{ refundTransaction(input: $i) {{ {PAYLOAD} }} }}"
VOID = f"mutation($i: VoidTransactionInput!) {{ voidTransaction(input: $i) {{ {PAYLOAD} }} }}"
WRITE_OFF = f"mutation($i: WriteOffTransactionInput!) {{ writeOffTransaction(input: $i) {{ {PAYLOAD} }} }}"
MARK_PAID = f"mutation($i: MarkTransactionPaidInput!) {{ markTransactionPaid(input: $i) {{ {PAYLOAD} }} }}"
RERUN = f"mutation($i: RerunCommissionInput!) {{ rerunCommission(input: $i) {{ {PAYLOAD} }} }}"
RESEND = """
mutation($i: ResendInvoiceInput!) {
  resendInvoice(input: $i) { invoice { id number lastSentAt } userErrors { field code message } }
}"""
SALE_QUERY = f"query($id: ID!) {{ transaction(id: $id) {{ {SALE} }} }}"

# Lines of a sale that opens a plan (six monthly payments of 150.00, the first one 100.00) and a club.
CANOE_PLAN = {
    "description": "Canoe plan",
    "unitPrice": "150.00",
    "kind": "PAYMENT_PLAN",
    "unit": "MONTH",
    "paymentCount": 6,
    "firstPayment": "100.00",
}
GEAR_CLUB = {
    "description": "Gear club membership",
    "unitPrice": "9.99",
    "kind": "SUBSCRIPTION",
    "unit": "MONTH",
}


def amount_of(line_total: str) -> list[dict[str, Any]]:
    return [{"description": "Service", "unitPrice": line_total}]


async def act(api: Api, mutation: str, caller: Caller, **input: Any) -> dict[str, Any]:
    """The payload of one action mutation."""
    return await run(api, mutation, caller, **input)


async def read(api: Api, caller: Caller, transaction_id: str) -> dict[str, Any]:
    return dict((await api.gql(SALE_QUERY, caller, id=transaction_id))["transaction"])


async def paid_charge(
    api: Api, caller: Caller, customer_id: str, total: str = "100.00", **input: Any
) -> dict[str, Any]:
    """A PAID sandbox charge of ``total`` on a Visa typed in for it."""
    sale = await charged(
        api, caller, customer_id, lines=amount_of(total), card=card("4242424242424242"), **input
    )
    assert sale["status"] == "PAID", sale
    return sale


async def paid_log(api: Api, caller: Caller, customer_id: str, total: str = "100.00") -> dict[str, Any]:
    sale = await logged(api, caller, customer_id, lines=amount_of(total))
    assert sale["status"] == "PAID", sale
    return sale


async def declined_charge(
    api: Api, caller: Caller, customer_id: str, total: str = "100.00"
) -> dict[str, Any]:
    method = await put_on_file(api, caller, customer_id, "4000000000000341", makeDefault=False)
    sale = await charged(api, caller, customer_id, lines=amount_of(total), paymentMethodId=method["id"])
    assert sale["status"] == "DECLINED", sale
    return sale


async def failed_charge(api: Api, caller: Caller, customer_id: str, total: str = "100.00") -> dict[str, Any]:
    sale = await charged(api, caller, customer_id, lines=amount_of(total), card=card("4000000000000119"))
    assert sale["status"] == "FAILED", sale
    return sale


def actions(sale: dict[str, Any]) -> dict[str, tuple[bool, str | None]]:
    return {a["action"]: (a["allowed"], a["reason"]) for a in sale["availableActions"]}
