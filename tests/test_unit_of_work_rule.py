"""DESIGN.md's rule, checked on the source: services never commit, never send.

Every module under a domain package is read as Python (not grepped) and
refused when it calls ``.commit()`` on anything, imports a way to send email
or HTTP (aiosmtplib, smtplib, httpx, requests, urllib.request, the concrete
mailers) or calls ``.send(...)`` on a mailer. The exceptions are the places
whose job it is: the unit of work itself (outside the domain packages), the
outbox jobs (``paydesk.outbox``) and the gateway adapters, which talk to
remote payment networks by definition.
"""

from __future__ import annotations

import ast
from pathlib import Path

import paydesk

ROOT = Path(paydesk.__file__).parent
# Packages whose modules hold business rules (services, repositories, rules, jobs' domain work).
DOMAIN_PACKAGES = (
    "accounts",
    "auth",
    "billing",
    "card_links",
    "coupons",
    "customers",
    "email_templates",
    "events",
    "gateways",
    "invoices",
    "offers",
    "payment_methods",
    "payment_requests",
    "products",
    "referrals",
    "subscriptions",
    "transactions",
    "webhooks",
)
# Adapters to the remote payment networks (and the sandbox that simulates one in its own tables).
GATEWAY_ADAPTERS = ("gateways/registry.py", "gateways/sandbox.py", "gateways/stripe/")
SENDING_MODULES = {"aiosmtplib", "smtplib", "httpx", "requests", "urllib.request", "aiohttp"}
MAILERS = {"SmtpMailer", "OutboxMailer", "mailer_for"}


def problems_in(source: str, where: str) -> list[str]:
    """What in ``source`` breaks the rule, one line each (empty when nothing does)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "commit":
                found.append(f"{line} calls commit(): end a phase with paydesk.unit_of_work.end_phase")
            target = ast.unparse(node.func.value).lower()
            if node.func.attr == "send" and "mailer" in target:
                found.append(f"{line} sends email: queue it with paydesk.outbox.emails.queue_email")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in SENDING_MODULES or alias.name.split(".")[0] in SENDING_MODULES:
                    found.append(f"{line} imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module in SENDING_MODULES or node.module.split(".")[0] in SENDING_MODULES:
                found.append(f"{line} imports from {node.module}")
            for alias in node.names:
                if alias.name in MAILERS:
                    found.append(f"{line} imports the mailer {alias.name}")
    return found


def domain_modules() -> list[Path]:
    modules = []
    for package in DOMAIN_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not any(relative.startswith(adapter) for adapter in GATEWAY_ADAPTERS):
                modules.append(path)
    return modules


def test_no_domain_module_commits_or_sends() -> None:
    modules = domain_modules()
    assert len(modules) > 40, "the domain packages were found"
    found = [
        problem
        for path in modules
        for problem in problems_in(path.read_text(), path.relative_to(ROOT).as_posix())
    ]
    assert found == []


def test_the_check_finds_a_commit_an_email_and_http() -> None:
    source = """
import httpx
from aiosmtplib import send
from paydesk.notify.email import SmtpMailer

async def pay(session, services, email):
    await session.commit()
    await services.mailer.send(email)
"""
    found = problems_in(source, "x.py")

    assert [problem.split(" ", 1)[1] for problem in found] == [
        "imports httpx",
        "imports from aiosmtplib",
        "imports the mailer SmtpMailer",
        "calls commit(): end a phase with paydesk.unit_of_work.end_phase",
        "sends email: queue it with paydesk.outbox.emails.queue_email",
    ]


def test_every_domain_package_is_checked() -> None:
    """A new package of business rules is added to the list, or named here as not one."""
    # The front doors (GraphQL, the hosted pages, the classic Payments API) are adapters, not rules.
    not_domain = {"graphql", "web", "classic", "migrations", "models", "notify", "outbox", "__pycache__"}
    packages = {path.name for path in ROOT.iterdir() if path.is_dir()}
    assert packages - not_domain == set(DOMAIN_PACKAGES)
