"""The account's gateways: the built-in sandbox every account starts with, and the ones admins add."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.crypto import decrypt_json, encrypt_json
from paydesk.errors import ErrorCode, Problems, fail, not_found
from paydesk.gateways import repository as repo
from paydesk.gateways.registry import GatewayRegistry
from paydesk.gateways.sandbox import FAULTS, supported_currencies
from paydesk.models import Gateway
from paydesk.validation import clean_required

KINDS = ("sandbox", "stripe")
STRIPE_KEY_PREFIXES = ("sk_live_", "sk_test_", "rk_live_", "rk_test_")


@dataclass(frozen=True)
class GatewayView:
    """A gateway as callers may see it: never its credentials."""

    record: Gateway
    currencies: list[str]


async def create_sandbox(session: AsyncSession, account_id: str, *, default: bool) -> Gateway:
    gateway = Gateway(
        id=ids.new_id(ids.GATEWAY), account_id=account_id, kind="sandbox", name="Sandbox", test_mode=True
    )
    return await _store(session, gateway, default=default)


async def add_gateway(
    session: AsyncSession,
    secret: bytes,
    account_id: str,
    *,
    kind: str,
    name: str,
    credentials: Mapping[str, str | int | None],
    make_default: bool,
) -> Gateway:
    """A gateway with its credentials encrypted at rest."""
    problems = Problems()
    clean_name = clean_required(problems, name, ("name",), max_length=100, label="Name")
    kind = kind.strip().lower()
    stored: dict[str, str | int | None] = {}
    if kind == "stripe":
        key = str(credentials.get("secret_key") or "").strip()
        if not key.startswith(STRIPE_KEY_PREFIXES):
            problems.add(
                ErrorCode.INVALID,
                "A Stripe secret key starts with sk_ or rk_.",
                ("credentials", "secret_key"),
            )
        stored["secret_key"] = key
        test_mode = key.startswith(("sk_test_", "rk_test_"))
        hook_secret = str(credentials.get("webhook_secret") or "").strip()
        if hook_secret and not hook_secret.startswith("whsec_"):
            problems.add(
                ErrorCode.INVALID,
                "A Stripe webhook signing secret starts with whsec_.",
                ("credentials", "webhook_secret"),
            )
        stored["webhook_secret"] = hook_secret or None
    elif kind == "sandbox":
        fault = credentials.get("fault")
        if fault is not None and fault not in FAULTS:
            problems.add(
                ErrorCode.INVALID, f"fault is one of {', '.join(sorted(FAULTS))}.", ("credentials", "fault")
            )
        latency = credentials.get("latency_ms") or 0
        if not isinstance(latency, int) or not 0 <= latency <= 60_000:
            problems.add(ErrorCode.INVALID, "latency_ms is 0 to 60000.", ("credentials", "latency_ms"))
        stored = {"fault": fault, "latency_ms": latency}
        test_mode = True
    else:
        problems.add(ErrorCode.INVALID, f"kind is one of {', '.join(KINDS)}.", ("kind",))
        test_mode = True
    problems.raise_any()
    gateway = Gateway(
        id=ids.new_id(ids.GATEWAY),
        account_id=account_id,
        kind=kind,
        name=clean_name,
        credentials=encrypt_json(secret, stored),
        test_mode=test_mode,
    )
    return await _store(session, gateway, default=make_default)


async def _store(session: AsyncSession, gateway: Gateway, *, default: bool) -> Gateway:
    if default:
        await repo.clear_default(session, gateway.account_id)
        await session.flush()
        gateway.is_default = True
    session.add(gateway)
    await session.flush()
    return gateway


async def set_default(session: AsyncSession, account_id: str, gateway_id: str) -> Gateway:
    gateway = await repo.get(session, account_id, gateway_id)
    if gateway is None:
        raise not_found("gateway", ("gateway_id",))
    if not gateway.is_default:
        await repo.clear_default(session, account_id)
        await session.flush()
        gateway.is_default = True
        session.add(gateway)
        await session.flush()
    return gateway


async def list_gateways(
    session: AsyncSession, registry: GatewayRegistry, account_id: str
) -> list[GatewayView]:
    return [GatewayView(g, currencies(registry, g)) for g in await repo.of_account(session, account_id)]


def currencies(registry: GatewayRegistry, gateway: Gateway) -> list[str]:
    if gateway.kind == "sandbox":
        return supported_currencies()
    return registry.adapter(gateway).currencies()


async def get_gateway(session: AsyncSession, account_id: str, gateway_id: str) -> Gateway | None:
    return await repo.get(session, account_id, gateway_id)


async def gateways_by_ids(session: AsyncSession, gateway_ids: list[str]) -> list[Gateway]:
    return await repo.get_many(session, gateway_ids)


async def choose(session: AsyncSession, account_id: str, gateway_id: str | None) -> Gateway:
    """The given gateway of the account, else its default."""
    if gateway_id is not None:
        gateway = await repo.get(session, account_id, gateway_id)
        if gateway is None:
            raise not_found("gateway", ("gateway_id",))
        return gateway
    gateway = await repo.default(session, account_id)
    if gateway is None:
        raise fail(ErrorCode.INVALID_STATE, "The account has no default gateway.", ("gateway_id",))
    return gateway


def webhook_secret_of(registry_secret: bytes, gateway: Gateway) -> str | None:
    """The Stripe endpoint signing secret stored with a gateway, if one was given."""
    if gateway.kind != "stripe" or not gateway.credentials:
        return None
    value = decrypt_json(registry_secret, gateway.credentials).get("webhook_secret")
    return str(value) if value else None


def webhook_path(gateway: Gateway) -> str | None:
    """Where Stripe sends this gateway's events (under PUBLIC_URL); None for gateways without webhooks."""
    return f"/webhooks/stripe/{gateway.id}" if gateway.kind == "stripe" else None


async def gateway_by_id(session: AsyncSession, gateway_id: str) -> Gateway | None:
    """A gateway of any account: for Stripe's webhooks, which name the gateway in their URL."""
    return await session.get(Gateway, gateway_id)
