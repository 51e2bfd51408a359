"""The `paydesk` command: serve, migrate, accounts, users, API keys, demo data, schema.

With --json, stdout holds only the JSON object; logs always go to stderr.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from alembic import command

from paydesk.auth.roles import Role
from paydesk.config import Settings, SettingsError, load_settings
from paydesk.db import alembic_config, is_migrated
from paydesk.errors import DomainError
from paydesk.logs import configure_logging, get_logger
from paydesk.resources import Resources
from paydesk.unit_of_work import unit_of_work

T = TypeVar("T")

app = typer.Typer(help="paydesk: a self-hosted payments desk.", no_args_is_help=True, add_completion=False)
account_app = typer.Typer(help="Merchant accounts.", no_args_is_help=True)
user_app = typer.Typer(help="Staff users.", no_args_is_help=True)
apikey_app = typer.Typer(help="Partner API keys.", no_args_is_help=True)
app.add_typer(account_app, name="account")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")

log = get_logger("paydesk.cli")


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as error:
        typer.echo(f"paydesk: {error}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level)
    return settings


def _run(settings: Settings, work: Callable[[Resources], Awaitable[T]]) -> T:
    """Run ``work`` with this process's resources, turning domain errors into one line and exit 1."""

    async def main() -> T:
        resources = Resources.open(settings)
        try:
            if not await is_migrated(resources.engine):
                typer.echo("paydesk: the database is not migrated; run `paydesk migrate` first", err=True)
                raise typer.Exit(1)
            return await work(resources)
        finally:
            await resources.close()

    try:
        return asyncio.run(main())
    except DomainError as error:
        typer.echo(f"paydesk: {error}", err=True)
        raise typer.Exit(1) from None


def _print_json(value: dict[str, str]) -> None:
    sys.stdout.write(json.dumps(value) + "\n")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Serving processes; above 1 needs a shared rate-limit storage.")
    ] = 1,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="Run the billing runner and reconciliation in this process too (PAYDESK_JOBS).",
        ),
    ] = True,
) -> None:
    """Serve the API, the portal and the hosted pages (and, unless --no-jobs, bill due installments)."""
    import os

    import uvicorn

    if not jobs:
        os.environ["PAYDESK_JOBS"] = "false"  # the app factory reads the environment in each process
    settings = _settings()
    if workers > 1 and settings.rate_limit_storage == "memory":
        typer.echo(
            "paydesk: --workers above 1 needs PAYDESK_RATE_LIMIT_STORAGE=database or a redis:// URL", err=True
        )
        raise typer.Exit(2)

    async def check(resources: Resources) -> None:
        return None

    _run(settings, check)
    log.info(
        "serve.start", url=f"http://{host}:{port}", graphiql=f"http://{host}:{port}/graphql", workers=workers
    )
    uvicorn.run(
        "paydesk.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=True,
    )


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    lease_seconds: Annotated[
        float, typer.Option(help="How long a claim on an order holds before another worker may take it over.")
    ] = 300.0,
    as_json: Annotated[bool, typer.Option("--json", help="With --once: print only a JSON object.")] = False,
) -> None:
    """Bill due installments (dunning, resumes, cancellations) and reconcile, without serving HTTP.

    Any number of workers may run against one PostgreSQL: each installment is charged once.
    """
    import signal

    from paydesk.billing.jobs import run_forever, run_pass, runner_for, webhook_sender
    from paydesk.collector import settle_after_start_up
    from paydesk.transactions.service import Services

    settings = _settings()

    async def work(resources: Resources) -> dict[str, int] | None:
        services = Services(
            resources.sessions, resources.gateways, resources.secret, resources.mailer, settings.public_url
        )
        runner = runner_for(services, lease_seconds=lease_seconds, concurrency=settings.worker_concurrency)
        settle_after_start_up()
        if once:
            done = await run_pass(runner, webhook_sender(resources, lease_seconds))
            return {**vars(done.billing), "reconciled": done.charges + done.refunds + done.voids}
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker.start", worker=runner.worker_id, interval=settings.jobs_interval)
        await run_forever(
            runner,
            stop,
            settings.jobs_interval,
            resources.outbox_bell,
            webhook_sender(resources, lease_seconds),
        )
        return None

    summary = _run(settings, work)
    if summary is not None:
        if as_json:
            sys.stdout.write(json.dumps(summary) + "\n")
        else:
            typer.echo(
                f"{summary['charged']} charged, {summary['declined']} declined, "
                f"{summary['unknown']} without an answer, {summary['reconciled']} reconciled",
                err=True,
            )


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema."""
    settings = _settings()
    command.upgrade(alembic_config(settings.database_url), "head")
    log.info("migrate.done")


@account_app.command("create")
def account_create(
    name: Annotated[str, typer.Option(help="The merchant's name.")],
    owner_email: Annotated[str, typer.Option(help="The first owner's sign-in email.")],
    owner_password: Annotated[
        str, typer.Option(help="The first owner's password (12 characters or more, not a common one).")
    ],
    currency: Annotated[str, typer.Option(help="Default ISO 4217 currency.")] = "USD",
    timezone: Annotated[str, typer.Option(help="IANA time zone for billing days.")] = "UTC",
    locale: Annotated[str, typer.Option(help="BCP 47 locale for money and dates.")] = "en-US",
    as_json: Annotated[bool, typer.Option("--json", help="Print only a JSON object.")] = False,
) -> None:
    """Create an account with its owner and an ADMIN API key (the key is shown only now)."""
    from paydesk.accounts.service import create_account

    async def work(resources: Resources) -> dict[str, str]:
        async with unit_of_work(resources.sessions) as db:
            created = await create_account(
                db,
                resources.secret,
                name=name,
                owner_email=owner_email,
                owner_password=owner_password,
                currency=currency,
                timezone=timezone,
                locale=locale,
            )
        return {
            "accountId": created.account.id,
            "appId": created.api_key.key.id,
            "apiKey": created.api_key.secret,
        }

    result = _run(_settings(), work)
    if as_json:
        _print_json(result)
    else:
        typer.echo(f"account {result['accountId']}")
        typer.echo(f"app id  {result['appId']}\napi key {result['apiKey']} (shown once)")


@user_app.command("create")
def user_create(
    account: Annotated[str, typer.Option(help="The account id (acct_...).")],
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    password: Annotated[str, typer.Option(help="Password (12 characters or more, not a common one).")],
    role: Annotated[str, typer.Option(help="OWNER, ADMIN, REP or VIEWER, in any case.")],
) -> None:
    """Add a staff user to an account."""
    from paydesk.accounts.service import get_account
    from paydesk.auth.service import add_user

    parsed = _role(role)

    async def work(resources: Resources) -> str:
        async with unit_of_work(resources.sessions) as db:
            if await get_account(db, account) is None:
                typer.echo(f"paydesk: no account {account}", err=True)
                raise typer.Exit(1)
            user = await add_user(db, account, email, password, parsed)
            return user.id

    typer.echo(_run(_settings(), work))


@apikey_app.command("create")
def apikey_create(
    account: Annotated[str, typer.Option(help="The account id (acct_...).")],
    role: Annotated[str, typer.Option(help="OWNER, ADMIN, REP or VIEWER, in any case.")] = "ADMIN",
    as_json: Annotated[bool, typer.Option("--json", help="Print only a JSON object.")] = False,
) -> None:
    """Create an API key; its secret is shown only now."""
    from paydesk.accounts.service import get_account
    from paydesk.auth.service import issue_api_key

    parsed = _role(role)

    async def work(resources: Resources) -> dict[str, str]:
        async with unit_of_work(resources.sessions) as db:
            if await get_account(db, account) is None:
                typer.echo(f"paydesk: no account {account}", err=True)
                raise typer.Exit(1)
            issued = await issue_api_key(db, resources.secret, account, parsed)
        return {"appId": issued.key.id, "apiKey": issued.secret, "role": parsed.value}

    result = _run(_settings(), work)
    if as_json:
        _print_json(result)
    else:
        typer.echo(
            f"app id  {result['appId']}\napi key {result['apiKey']} (shown once)\nrole    {result['role']}"
        )


@apikey_app.command("revoke")
def apikey_revoke(app_id: Annotated[str, typer.Argument(help="The key's app id (app_...).")]) -> None:
    """Stop accepting an API key."""
    from paydesk.auth.service import revoke_api_key

    async def work(resources: Resources) -> None:
        async with unit_of_work(resources.sessions) as db:
            await revoke_api_key(db, None, app_id)

    _run(_settings(), work)
    typer.echo(f"revoked {app_id}")


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo account with a few customers, once."""
    from paydesk.demo import DEMO_API_SECRET, DEMO_APP_ID, DEMO_EMAIL, DEMO_PASSWORD
    from paydesk.demo import seed_demo as seed
    from paydesk.transactions.service import Services

    async def work(resources: Resources) -> bool:
        services = Services(
            resources.sessions,
            resources.gateways,
            resources.secret,
            resources.mailer,
            resources.settings.public_url,
        )
        async with unit_of_work(resources.sessions) as db:
            created = await seed(db, services)
            return created

    created = _run(_settings(), work)
    state = "created" if created else "already there"
    typer.echo(f"demo account {state}: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}", err=True)
    typer.echo(
        f"demo API key (development only): Api-Appid {DEMO_APP_ID} / Api-Key {DEMO_API_SECRET}", err=True
    )


@app.command()
def reconcile(
    limit: Annotated[int, typer.Option(help="Settle at most this many of each kind.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print only a JSON object.")] = False,
) -> None:
    """Settle what a gateway never answered (a timeout, a crash): PENDING charges, refunds and voids."""
    from paydesk.transactions.actions import reconcile_voids
    from paydesk.transactions.refunds import reconcile_refunds
    from paydesk.transactions.service import Services
    from paydesk.transactions.service import reconcile as settle_pending

    Pairs = list[tuple[str, str]]

    async def work(resources: Resources) -> tuple[Pairs, Pairs, Pairs]:
        services = Services(
            resources.sessions,
            resources.gateways,
            resources.secret,
            resources.mailer,
            resources.settings.public_url,
        )
        charges = await settle_pending(services, limit=limit)
        refunds = await reconcile_refunds(services, limit=limit)
        voids = await reconcile_voids(services, limit=limit)
        return charges, refunds, voids

    settled, refunds, voids = _run(_settings(), work)
    if as_json:
        document = {
            "settled": [{"transactionId": t, "status": s} for t, s in settled],
            "refunds": [{"refundId": r, "status": s} for r, s in refunds],
            "voids": [{"transactionId": t, "status": s} for t, s in voids],
        }
        sys.stdout.write(json.dumps(document) + "\n")
    else:
        for object_id, status in [*settled, *refunds, *voids]:
            typer.echo(f"{object_id} {status}")
        typer.echo(
            f"{len(settled)} pending charge(s), {len(refunds)} refund(s), {len(voids)} void(s) settled",
            err=True,
        )


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema (SDL); `make schema` writes it to schema.graphql."""
    from paydesk.graphql.schema import schema

    _settings()  # reports a misspelt PAYDESK_ variable like every other command
    sys.stdout.write(schema.as_str() + "\n")


def _role(value: str) -> Role:
    try:
        return Role.parse(value)
    except ValueError as error:
        typer.echo(f"paydesk: {error}", err=True)
        raise typer.Exit(2) from None


def main() -> None:
    app()
