"""Which receivers a webhook may go to: never this server's own network (SSRF), in production.

A URL is checked on the addresses its host resolves to, at creation and
again at each delivery, and the delivery connects to the address that was
checked (``Target.address``), so a name that resolves to a public address
once and to 127.0.0.1 the next time (DNS rebinding) gets nothing. Loopback,
private, link-local (cloud metadata at 169.254.169.254 included), shared,
multicast, reserved and unspecified addresses are refused. Development mode
allows them all, so a receiver on the developer's machine works.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from paydesk.config import Environment, Settings

MAX_URL_LENGTH = 2000
# Cloud metadata services answer here besides link-local 169.254.169.254.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


def allows_internal(settings: Settings) -> bool:
    """Development mode sends to any address (a receiver on the developer's machine); production never
    to loopback, private, link-local or metadata addresses."""
    return settings.env is not Environment.PRODUCTION


class TargetRefused(ValueError):
    """The URL is not one paydesk sends webhooks to; the message says why, for people."""


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    # The address the delivery connects to: the one that was checked.
    address: str


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL without credentials; TargetRefused otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"A URL has at most {MAX_URL_LENGTH} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TargetRefused("Give an http:// or https:// URL with a host, e.g. https://example.com/hooks.")
    if parts.username or parts.password:
        raise TargetRefused("A webhook URL cannot carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The URL's port is not valid.") from None
    return parts.scheme, parts.hostname.lower(), port


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # Not global covers loopback, private, link-local, shared, reserved and unspecified addresses.
    return not ip.is_global or ip.is_multicast


async def resolve(url: str, *, allow_private: bool) -> Target:
    """The URL's target, with the address to connect to; TargetRefused for a refused or unknown host."""
    scheme, host, port = parse(url)
    if not allow_private and host in METADATA_HOSTS:
        raise TargetRefused("Webhooks cannot go to a cloud metadata service.")
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise TargetRefused(f"The host {host} could not be found.") from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise TargetRefused(f"The host {host} could not be found.")
    if not allow_private and any(_refused_address(a) for a in addresses):
        raise TargetRefused(
            "Webhooks cannot go to loopback, private, link-local or other internal addresses."
        )
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])
