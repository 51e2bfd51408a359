"""The sandbox gateway: deterministic, built in, driven by the test card numbers partners know.

It behaves like a remote gateway that keeps its own books: tokens, charges
by idempotency key, and refunds live in its own tables, written in its own
transactions (never the caller's), so every process sees the same sandbox.
It never keeps a card number: the outcome of every future charge is decided
from the number when it tokenizes and remembered with the token.

    4242424242424242, 5555555555554444, 378282246310005   approved
    4000000000000002   declined generic_decline (soft)
    4000000000009995   declined insufficient_funds (soft)
    4000000000000069   declined expired_card (hard)
    4000000000009979   declined stolen_card (hard)
    4000000000000119   fails: REMOTE_GATEWAY_ERROR
    4000000000000127   fails: GATEWAY_ACCOUNT_ERROR (classic result code 3)
    4000000000000135   fails: GATEWAY_CREDENTIALS_ERROR (classic result code 6)
    4000000000000341   declined generic_decline, every time
    any other Luhn-valid number                           approved

Charges settle 24 hours after they are made; until then they can be voided.
For fault tests a sandbox gateway can be configured (``latency_ms`` and a
``fault``) to be slow, to time out before or after it acts, or to answer 5xx.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from paydesk import ids
from paydesk.clock import utcnow
from paydesk.db import SessionFactory
from paydesk.gateways.base import (
    GOOD,
    ChargeLookup,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    Outcome,
    RefundRequest,
    RefundResult,
    ResultCode,
    TokenizeRequest,
    TokenizeResult,
    VoidRequest,
    VoidResult,
)
from paydesk.models import SandboxCharge, SandboxRefund, SandboxToken
from paydesk.money import all_currencies, is_currency
from paydesk.one_of import one_of
from paydesk.payment_methods.cards import detect_brand
from paydesk.statistics import GrownTables

SETTLEMENT_DELAY = timedelta(hours=24)
APPROVE = "approve"
FAIL = "fail"
# Failures of the merchant's side rather than the sandbox's: its account, and the credentials it sent.
ACCOUNT_FAULT = "fail:account_error"
CREDENTIALS_FAULT = "fail:credentials_error"
BEHAVIOURS = {
    "4000000000000002": "decline:generic_decline",
    "4000000000009995": "decline:insufficient_funds",
    "4000000000000069": "decline:expired_card",
    "4000000000009979": "decline:stolen_card",
    "4000000000000119": FAIL,
    "4000000000000127": ACCOUNT_FAULT,
    "4000000000000135": CREDENTIALS_FAULT,
    "4000000000000341": "decline:generic_decline",
}
ADVICE = {
    "generic_decline": "The bank declined the card without saying why; ask for another card or retry later.",
    "insufficient_funds": "The card has insufficient funds; try again later or use another card.",
    "expired_card": "The card has expired; ask the customer for a new card.",
    "stolen_card": "The card was reported stolen; do not retry it.",
}
FAULTS = frozenset({"timeout_before", "timeout_after", "server_error"})


@dataclass(frozen=True)
class SandboxConfig:
    """Fault injection, kept in the gateway's (encrypted) credentials."""

    latency_ms: int = 0
    # None, or one of FAULTS: time out before acting, act then time out, or answer 5xx.
    fault: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any]) -> SandboxConfig:
        fault = credentials.get("fault")
        return cls(int(credentials.get("latency_ms") or 0), fault if fault in FAULTS else None)


class SandboxTimeout(Exception):
    """Raised inside the sandbox to stand for an answer that never arrived."""


def _sandbox_currency(code: str) -> bool:
    return is_currency(code) and not code.startswith("X")


class SandboxGateway:
    kind = "sandbox"
    test_mode = True
    # Its books are read directly: a charge it has not recorded never happened.
    absence_proves_after = timedelta(0)
    # A sandbox charge settles SETTLEMENT_DELAY after it is made; until then it can be voided.
    void_window: timedelta | None = SETTLEMENT_DELAY

    def __init__(
        self, gateway_id: str, sessions: SessionFactory, config: SandboxConfig | None = None
    ) -> None:
        self.gateway_id = gateway_id
        self.sessions = sessions
        self.config = config or SandboxConfig()

    def currencies(self) -> list[str]:
        return supported_currencies()

    async def _enter(self) -> Outcome | None:
        """Latency, and faults that strike before the sandbox acts."""
        if self.config.latency_ms:
            await asyncio.sleep(self.config.latency_ms / 1000)
        if self.config.fault == "timeout_before":
            return Outcome(ResultCode.CONNECTION_ERROR, "The sandbox did not answer in time.")
        if self.config.fault == "server_error":
            return Outcome(ResultCode.REMOTE_GATEWAY_ERROR, "The sandbox answered 503 Service Unavailable.")
        return None

    def _lost_answer(self) -> bool:
        return self.config.fault == "timeout_after"

    async def tokenize(self, request: TokenizeRequest) -> TokenizeResult:
        if fault := await self._enter():
            return TokenizeResult(fault)
        async with self.sessions() as db:
            if request.gateway_token is not None:
                existing = await db.get(SandboxToken, request.gateway_token)
                if existing is None or existing.gateway_id != self.gateway_id:
                    return TokenizeResult(Outcome(ResultCode.BAD_DATA, "No such sandbox token."))
                token = existing
            else:
                card = request.card
                assert card is not None, "tokenize needs a card or a gateway token"
                number = card.number
                token = SandboxToken(
                    id=ids.new_id(ids.SANDBOX_TOKEN),
                    gateway_id=self.gateway_id,
                    behaviour=BEHAVIOURS.get(number, APPROVE),
                    brand=detect_brand(number),
                    last4=number[-4:],
                    exp_month=card.exp_month,
                    exp_year=card.exp_year,
                )
                db.add(token)
                await db.commit()
        if self._lost_answer():
            return TokenizeResult(Outcome(ResultCode.CONNECTION_ERROR, "The sandbox's answer was lost."))
        return TokenizeResult(
            GOOD,
            token=token.id,
            brand=token.brand,
            last4=token.last4,
            exp_month=token.exp_month,
            exp_year=token.exp_year,
        )

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        if fault := await self._enter():
            return ChargeResult(fault)
        previous = await ChargeLedger.of(self.sessions).charge(self.gateway_id, request)
        if self._lost_answer():
            return ChargeResult(Outcome(ResultCode.CONNECTION_ERROR, "The sandbox's answer was lost."))
        return ChargeResult(_charge_outcome(previous), previous.id)

    async def _charge_by_key(self, db: Any, key: str) -> SandboxCharge | None:
        return await _charge_by_key(db, self.gateway_id, key)

    async def find_charge(self, idempotency_key: str, reference: str) -> ChargeLookup:
        if fault := await self._enter():
            return ChargeLookup(fault)
        async with self.sessions() as db:
            charge = await self._charge_by_key(db, idempotency_key)
        if charge is None:
            return ChargeLookup(GOOD)
        return ChargeLookup(_charge_outcome(charge), ChargeStatus(charge.status), charge.id)

    async def refund(self, request: RefundRequest) -> RefundResult:
        if fault := await self._enter():
            return RefundResult(fault)
        async with self.sessions() as db:
            charge = await db.get(SandboxCharge, request.external_id)
            if charge is None or charge.gateway_id != self.gateway_id:
                return RefundResult(Outcome(ResultCode.BAD_DATA, "No such sandbox charge."))
            query = select(SandboxRefund).where(
                SandboxRefund.charge_id == charge.id, SandboxRefund.idempotency_key == request.idempotency_key
            )
            if (previous := (await db.exec(query)).first()) is not None:
                return RefundResult(GOOD, previous.id)
            if charge.status != ChargeStatus.SUCCEEDED.value:
                return RefundResult(
                    Outcome(ResultCode.BAD_DATA, f"A {charge.status} charge cannot be refunded.")
                )
            if request.amount.currency != charge.currency or request.amount.minor_units <= 0:
                return RefundResult(
                    Outcome(ResultCode.BAD_DATA, "The refund amount is not valid for this charge.")
                )
            refunded_query = select(func.coalesce(func.sum(SandboxRefund.amount), 0)).where(
                SandboxRefund.charge_id == charge.id
            )
            refunded = int((await db.exec(refunded_query)).one())
            if refunded + request.amount.minor_units > charge.amount:
                return RefundResult(
                    Outcome(ResultCode.BAD_DATA, "The refund is larger than what is left of the charge.")
                )
            refund = SandboxRefund(
                id=ids.new_id(ids.SANDBOX_REFUND),
                charge_id=charge.id,
                idempotency_key=request.idempotency_key,
                amount=request.amount.minor_units,
            )
            db.add(refund)
            await db.commit()
        if self._lost_answer():
            return RefundResult(Outcome(ResultCode.CONNECTION_ERROR, "The sandbox's answer was lost."))
        return RefundResult(GOOD, refund.id)

    async def void(self, request: VoidRequest) -> VoidResult:
        if fault := await self._enter():
            return VoidResult(fault)
        async with self.sessions() as db:
            charge = await db.get(SandboxCharge, request.external_id)
            if charge is None or charge.gateway_id != self.gateway_id:
                return VoidResult(Outcome(ResultCode.BAD_DATA, "No such sandbox charge."))
            if charge.status == ChargeStatus.VOIDED.value:
                return VoidResult(GOOD)
            if charge.status != ChargeStatus.SUCCEEDED.value:
                return VoidResult(Outcome(ResultCode.BAD_DATA, f"A {charge.status} charge cannot be voided."))
            if utcnow() - charge.created_at >= SETTLEMENT_DELAY:
                return VoidResult(Outcome(ResultCode.BAD_DATA, "This charge has settled; refund it instead."))
            refunds = (
                select(func.count()).select_from(SandboxRefund).where(SandboxRefund.charge_id == charge.id)
            )
            if int((await db.exec(refunds)).one()):
                return VoidResult(Outcome(ResultCode.BAD_DATA, "A partly refunded charge cannot be voided."))
            charge.status, charge.voided_at = ChargeStatus.VOIDED.value, utcnow()
            db.add(charge)
            await db.commit()
        return VoidResult(GOOD)


async def _charge_by_key(db: Any, gateway_id: str, key: str) -> SandboxCharge | None:
    query = select(SandboxCharge).where(
        SandboxCharge.gateway_id == gateway_id, SandboxCharge.idempotency_key == key
    )
    result: SandboxCharge | None = (await db.exec(query)).first()
    return result


@dataclass(frozen=True, slots=True)
class Charge:
    """A charge in the sandbox's book, as its ledger writes and reads it (a plain row, not an object)."""

    id: str
    gateway_id: str
    idempotency_key: str
    reference: str
    token_id: str
    amount: int
    currency: str
    status: str
    decline_code: str | None
    created_at: datetime

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "gateway_id": self.gateway_id, "idempotency_key": self.idempotency_key,
            "reference": self.reference, "token_id": self.token_id, "amount": self.amount,
            "currency": self.currency, "status": self.status, "decline_code": self.decline_code,
            "created_at": self.created_at, "voided_at": None,
        }  # fmt: skip


_CHARGES = SandboxCharge.__table__  # type: ignore[attr-defined]
_TOKENS = SandboxToken.__table__  # type: ignore[attr-defined]
_CHARGE_COLUMNS = [_CHARGES.c[name] for name in Charge.__slots__]


class _Token(Protocol):
    gateway_id: str
    behaviour: str


def _new_charge(
    gateway_id: str, request: ChargeRequest, token: _Token | None, created_at: datetime
) -> Charge:
    """What the sandbox makes of a charge it has not seen: approved, declined or failed by the card."""
    status, decline_code = ChargeStatus.SUCCEEDED.value, None
    if token is None or token.gateway_id != gateway_id:
        status, decline_code = ChargeStatus.FAILED.value, "no_such_token"
    elif not _sandbox_currency(request.amount.currency):
        status, decline_code = ChargeStatus.FAILED.value, "currency_not_supported"
    elif request.amount.minor_units <= 0:
        status, decline_code = ChargeStatus.FAILED.value, "invalid_amount"
    elif token.behaviour == FAIL:
        status, decline_code = ChargeStatus.FAILED.value, "processing_error"
    elif token.behaviour.startswith("fail:"):
        status, decline_code = ChargeStatus.FAILED.value, token.behaviour.split(":", 1)[1]
    elif token.behaviour.startswith("decline:"):
        status, decline_code = ChargeStatus.DECLINED.value, token.behaviour.split(":", 1)[1]
    return Charge(
        ids.new_id(ids.SANDBOX_CHARGE), gateway_id, request.idempotency_key, request.reference,
        request.token, request.amount.minor_units, request.amount.currency, status, decline_code, created_at,
    )  # fmt: skip


async def _charges_by_keys(db: Any, gateway_ids: Sequence[str], keys: Sequence[str]) -> list[Charge]:
    # Both columns, so the (gateway_id, idempotency_key) unique index finds them (a key alone would
    # read the whole book).
    query = sa_select(*_CHARGE_COLUMNS).where(
        one_of(_CHARGES.c.gateway_id, gateway_ids), one_of(_CHARGES.c.idempotency_key, keys)
    )
    return [Charge(*row) for row in await db.exec(query)]


async def _tokens_by_ids(db: Any, token_ids: Sequence[str]) -> dict[str, _Token]:
    query = sa_select(_TOKENS.c.id, _TOKENS.c.gateway_id, _TOKENS.c.behaviour).where(
        one_of(_TOKENS.c.id, token_ids)
    )
    return {row.id: row for row in await db.exec(query)}


_Pending = tuple[str, ChargeRequest, "asyncio.Future[Charge]"]
# Event-loop turns the ledger waits before it takes a group (each costs microseconds).
GATHER_TURNS = 4


class ChargeLedger:
    """The sandbox's book of charges, written in group commits.

    A remote gateway's bookkeeping costs its caller nothing but the wait; the
    sandbox keeps its books in paydesk's database, so each charge would cost a
    transaction (and on SQLite an fsync). Charges that arrive while one
    transaction is being written queue and go in the next one together: one
    read of the keys seen before, one of the tokens, one insert, one commit,
    all plain rows. Each call still returns only once its charge is durable,
    and a key is charged once: a key seen before (or twice in one group) gets
    the first charge; a key another process wrote meanwhile makes that group
    go one charge at a time.
    """

    _ledgers: weakref.WeakKeyDictionary[Any, dict[asyncio.AbstractEventLoop, ChargeLedger]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        self._queue: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        # The book grows by a group at a time; its statistics follow it (paydesk.statistics).
        self._grown = GrownTables(sessions, [_CHARGES.name])

    @classmethod
    def of(cls, sessions: SessionFactory) -> ChargeLedger:
        """The ledger of these sessions on the running event loop."""
        per_loop = cls._ledgers.setdefault(sessions, {})
        loop = asyncio.get_running_loop()
        if (ledger := per_loop.get(loop)) is None:
            ledger = per_loop[loop] = cls(sessions)
        return ledger

    async def charge(self, gateway_id: str, request: ChargeRequest) -> Charge:
        """The charge under the request's key: made now, or the one made before. The writing is a
        task of the ledger's own, so a caller that stops waiting does not stop its group's commit."""
        done: asyncio.Future[Charge] = asyncio.get_running_loop().create_future()
        self._queue.append((gateway_id, request, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="paydesk-sandbox-ledger")
        return await done

    async def _drain(self) -> None:
        while self._queue:
            # A few turns of the event loop first: callers the last commit set free (and those they
            # let in) join this group instead of each making a group of one.
            for _turn in range(GATHER_TURNS):
                await asyncio.sleep(0)
            group, self._queue = self._queue, []
            await self._write(group)

    async def _write(self, group: list[_Pending]) -> None:
        try:
            try:
                charges = await self._write_together(group)
            except IntegrityError:
                charges = [await self._write_one(gateway_id, request) for gateway_id, request, _done in group]
        except BaseException as error:
            for _gateway_id, _request, done in group:
                if not done.done():
                    done.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for (_gateway_id, _request, done), charge in zip(group, charges, strict=True):
            if not done.done():
                done.set_result(charge)

    async def _write_together(self, group: list[_Pending]) -> list[Charge]:
        gateway_ids = sorted({gateway_id for gateway_id, _request, _done in group})
        keys = sorted({request.idempotency_key for _gateway_id, request, _done in group})
        token_ids = sorted({request.token for _gateway_id, request, _done in group})
        async with self.sessions() as db:
            seen = {
                (charge.gateway_id, charge.idempotency_key): charge
                for charge in await _charges_by_keys(db, gateway_ids, keys)
            }
            tokens = await _tokens_by_ids(db, token_ids)
            new = []
            now = utcnow()
            for gateway_id, request, _done in group:
                if (gateway_id, request.idempotency_key) not in seen:
                    charge = _new_charge(gateway_id, request, tokens.get(request.token), now)
                    seen[(gateway_id, request.idempotency_key)] = charge
                    new.append(charge)
            if new:
                await db.exec(insert(_CHARGES), params=[charge.row() for charge in new])
                await db.commit()
        await self._grown.wrote(len(new))
        return [seen[(gateway_id, request.idempotency_key)] for gateway_id, request, _done in group]

    async def _write_one(self, gateway_id: str, request: ChargeRequest) -> Charge:
        async with self.sessions() as db:
            if previous := _keyed(
                await _charges_by_keys(db, [gateway_id], [request.idempotency_key]), gateway_id
            ):
                return previous
            tokens = await _tokens_by_ids(db, [request.token])
            charge = _new_charge(gateway_id, request, tokens.get(request.token), utcnow())
            try:
                await db.exec(insert(_CHARGES), params=[charge.row()])
                await db.commit()
            except IntegrityError:
                # Another process charged with this key at the same moment: its charge stands.
                await db.rollback()
                existing = _keyed(
                    await _charges_by_keys(db, [gateway_id], [request.idempotency_key]), gateway_id
                )
                assert existing is not None
                return existing
            return charge


def _keyed(charges: Sequence[Charge], gateway_id: str) -> Charge | None:
    return next((charge for charge in charges if charge.gateway_id == gateway_id), None)


def _charge_outcome(charge: SandboxCharge | Charge) -> Outcome:
    if charge.status in (ChargeStatus.SUCCEEDED.value, ChargeStatus.VOIDED.value):
        return GOOD
    if charge.status == ChargeStatus.DECLINED.value and charge.decline_code:
        return Outcome(
            ResultCode.BAD_DATA,
            "The card was declined.",
            charge.decline_code,
            ADVICE.get(charge.decline_code),
        )
    messages = {
        "no_such_token": (ResultCode.BAD_DATA, "The sandbox does not know this card token."),
        "currency_not_supported": (ResultCode.BAD_DATA, f"The sandbox does not accept {charge.currency}."),
        "invalid_amount": (ResultCode.BAD_DATA, "The amount must be positive."),
        "account_error": (
            ResultCode.GATEWAY_ACCOUNT_ERROR,
            "The sandbox account cannot take this charge; check the gateway account.",
        ),
        "credentials_error": (
            ResultCode.GATEWAY_CREDENTIALS_ERROR,
            "The sandbox refused the gateway's credentials; check the gateway settings.",
        ),
    }
    code, message = messages.get(
        charge.decline_code or "", (ResultCode.REMOTE_GATEWAY_ERROR, "The sandbox failed.")
    )
    return Outcome(code, message)


def supported_currencies() -> list[str]:
    """Every ISO 4217 currency with a minor unit, except the X-codes (XAU, XTS, ...)."""
    return sorted(code for code in all_currencies() if _sandbox_currency(code))
