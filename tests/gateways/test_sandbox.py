"""The sandbox gateway keeps its own books and answers exactly as DESIGN.md's test-card table says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from paydesk.accounts.service import create_account
from paydesk.clock import utcnow
from paydesk.gateways import sandbox as sandbox_module
from paydesk.gateways import service as gateways
from paydesk.gateways.base import (
    CardDetails,
    ChargeRequest,
    ChargeStatus,
    Gateway,
    RefundRequest,
    ResultCode,
    TokenizeRequest,
    VoidRequest,
)
from paydesk.money import Money
from tests.helpers import resources

CARDS = {
    "4242424242424242": (ResultCode.GOOD, None),
    "5555555555554444": (ResultCode.GOOD, None),
    "378282246310005": (ResultCode.GOOD, None),
    "6011111111111117": (ResultCode.GOOD, None),  # any other Luhn-valid number
    "4000000000000002": (ResultCode.BAD_DATA, "generic_decline"),
    "4000000000009995": (ResultCode.BAD_DATA, "insufficient_funds"),
    "4000000000000069": (ResultCode.BAD_DATA, "expired_card"),
    "4000000000009979": (ResultCode.BAD_DATA, "stolen_card"),
    "4000000000000119": (ResultCode.REMOTE_GATEWAY_ERROR, None),
    "4000000000000127": (ResultCode.GATEWAY_ACCOUNT_ERROR, None),
    "4000000000000135": (ResultCode.GATEWAY_CREDENTIALS_ERROR, None),
    "4000000000000341": (ResultCode.BAD_DATA, "generic_decline"),
}


@dataclass
class Sandbox:
    app: Starlette
    gateway: Gateway
    account_id: str

    async def token(self, number: str = "4242424242424242") -> str:
        card = CardDetails(number=number, exp_month=12, exp_year=2030, cvc="123")
        result = await self.gateway.tokenize(TokenizeRequest(card, None, "cus_x", f"tok:{number}"))
        assert result.outcome.code is ResultCode.GOOD
        assert result.token is not None
        return result.token

    async def charge(
        self, token: str, key: str, amount: Money | None = None
    ) -> tuple[ResultCode, str | None, str | None]:
        result = await self.gateway.charge(
            ChargeRequest(amount or Money(1000, "USD"), token, key, f"txn_{key}")
        )
        return result.outcome.code, result.outcome.decline_code, result.external_id


async def make_sandbox(app: Starlette, **credentials: str | int | None) -> Sandbox:
    res = resources(app)
    async with res.sessions() as db:
        created = await create_account(
            db,
            res.secret,
            name="Sandbox Co",
            owner_email="o@sandbox.test",
            owner_password="correct horse battery",
        )
        record = await gateways.choose(db, created.account.id, None)
        if credentials:
            record = await gateways.add_gateway(
                db,
                res.secret,
                created.account.id,
                kind="sandbox",
                name="Faulty",
                credentials=credentials,
                make_default=False,
            )
        await db.commit()
    return Sandbox(app, res.gateways.adapter(record), created.account.id)


@pytest.fixture
async def sandbox(app: Starlette) -> Sandbox:
    return await make_sandbox(app)


async def test_every_test_card_tokenizes_and_charges_as_documented(sandbox: Sandbox) -> None:
    outcomes = {}
    for number in CARDS:
        token = await sandbox.token(number)
        code, decline, _ = await sandbox.charge(token, f"charge-{number}")
        outcomes[number] = (code, decline)

    assert outcomes == CARDS


async def test_a_declining_card_declines_every_time(sandbox: Sandbox) -> None:
    token = await sandbox.token("4000000000000341")

    results = [await sandbox.charge(token, f"attempt-{n}") for n in range(3)]

    assert [(code, decline) for code, decline, _ in results] == [(ResultCode.BAD_DATA, "generic_decline")] * 3


async def test_tokenize_remembers_brand_and_expiry_and_resolves_its_own_tokens(sandbox: Sandbox) -> None:
    token = await sandbox.token("378282246310005")

    again = await sandbox.gateway.tokenize(TokenizeRequest(None, token, "cus_x", "again"))
    unknown = await sandbox.gateway.tokenize(TokenizeRequest(None, "tok_" + "0" * 22, "cus_x", "unknown"))

    assert (again.outcome.code, again.token, again.brand, again.last4, again.exp_month, again.exp_year) == (
        ResultCode.GOOD,
        token,
        "amex",
        "0005",
        12,
        2030,
    )
    assert unknown.outcome.code is ResultCode.BAD_DATA


async def test_the_same_idempotency_key_charges_once(sandbox: Sandbox) -> None:
    token = await sandbox.token()

    first = await sandbox.charge(token, "paydesk:charge:txn_1")
    second = await sandbox.charge(token, "paydesk:charge:txn_1", Money(999_999, "USD"))
    lookup = await sandbox.gateway.find_charge("paydesk:charge:txn_1", "txn_paydesk:charge:txn_1")
    missing = await sandbox.gateway.find_charge("paydesk:charge:never", "txn_never")

    assert first == second
    assert (lookup.status, lookup.external_id) == (ChargeStatus.SUCCEEDED, first[2])
    assert (missing.outcome.code, missing.status) == (ResultCode.GOOD, None)


@pytest.mark.parametrize(
    ("currency", "code"),
    [
        ("JPY", ResultCode.GOOD),
        ("KWD", ResultCode.GOOD),
        ("XAU", ResultCode.BAD_DATA),
        ("XTS", ResultCode.BAD_DATA),
    ],
)
async def test_currencies(sandbox: Sandbox, currency: str, code: ResultCode) -> None:
    token = await sandbox.token()

    result = await sandbox.gateway.charge(
        ChargeRequest(Money(1000, currency), token, f"cur-{currency}", "txn")
    )

    assert result.outcome.code is code
    assert ("XAU" in sandbox.gateway.currencies()) is False
    assert {"USD", "JPY", "KWD", "EUR"} <= set(sandbox.gateway.currencies())


async def test_refunds_never_exceed_the_charge_and_repeat_idempotently(sandbox: Sandbox) -> None:
    token = await sandbox.token()
    _, _, charge_id = await sandbox.charge(token, "refundable")
    assert charge_id is not None

    async def refund(minor: int, key: str) -> ResultCode:
        result = await sandbox.gateway.refund(RefundRequest(charge_id, Money(minor, "USD"), key))
        return result.outcome.code

    assert await refund(600, "r1") is ResultCode.GOOD
    assert await refund(600, "r1") is ResultCode.GOOD  # the same refund again, not a second one
    assert await refund(500, "r2") is ResultCode.BAD_DATA  # 600 + 500 > 1000
    assert await refund(400, "r3") is ResultCode.GOOD
    assert await refund(1, "r4") is ResultCode.BAD_DATA


async def test_void_only_before_settlement_and_without_refunds(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await sandbox.token()
    _, _, fresh = await sandbox.charge(token, "fresh")
    _, _, settled = await sandbox.charge(token, "settled")
    _, _, refunded = await sandbox.charge(token, "refunded")
    assert fresh is not None
    assert settled is not None
    assert refunded is not None
    await sandbox.gateway.refund(RefundRequest(refunded, Money(100, "USD"), "part"))

    voided = await sandbox.gateway.void(VoidRequest(fresh, "void-fresh"))
    partly = await sandbox.gateway.void(VoidRequest(refunded, "void-refunded"))
    later = utcnow() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(sandbox_module, "utcnow", lambda: later)
    too_late = await sandbox.gateway.void(VoidRequest(settled, "void-settled"))

    assert voided.outcome.code is ResultCode.GOOD
    assert partly.outcome.code is ResultCode.BAD_DATA
    assert (too_late.outcome.code, too_late.outcome.message) == (
        ResultCode.BAD_DATA,
        "This charge has settled; refund it instead.",
    )
    lookup = await sandbox.gateway.find_charge("fresh", "txn_fresh")
    assert lookup.status is ChargeStatus.VOIDED


async def test_faults_before_and_after_acting(app: Starlette) -> None:
    healthy = await make_sandbox(app)
    token = await healthy.token()
    res = resources(app)

    async def faulty(fault: str) -> Gateway:
        async with res.sessions() as db:
            record = await gateways.add_gateway(
                db,
                res.secret,
                healthy.account_id,
                kind="sandbox",
                name=fault,
                credentials={"fault": fault},
                make_default=False,
            )
            await db.commit()
        # The fault sits on its own gateway record; point it at the healthy gateway's books.
        adapter = res.gateways.adapter(record)
        adapter.gateway_id = healthy.gateway.gateway_id  # type: ignore[attr-defined]
        return adapter

    before = await (await faulty("timeout_before")).charge(
        ChargeRequest(Money(100, "USD"), token, "k-before", "t1")
    )
    after = await (await faulty("timeout_after")).charge(
        ChargeRequest(Money(100, "USD"), token, "k-after", "t2")
    )
    server = await (await faulty("server_error")).charge(
        ChargeRequest(Money(100, "USD"), token, "k-5xx", "t3")
    )

    assert before.outcome.code is ResultCode.CONNECTION_ERROR
    assert after.outcome.code is ResultCode.CONNECTION_ERROR
    assert server.outcome.code is ResultCode.REMOTE_GATEWAY_ERROR
    # Only the "after" charge happened: reconciliation finds it by its key.
    assert (await healthy.gateway.find_charge("k-before", "t1")).status is None
    assert (await healthy.gateway.find_charge("k-after", "t2")).status is ChargeStatus.SUCCEEDED
    assert (await healthy.gateway.find_charge("k-5xx", "t3")).status is None
