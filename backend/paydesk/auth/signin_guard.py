"""Sign-in throttling: failed sign-ins counted per email address and per client IP, in the rate-limit storage.

After ``FREE_FAILURES`` failures for one address within ``WINDOW`` seconds,
its next attempts are refused for ``FIRST_DELAY`` seconds, a delay that
doubles with each further failure up to ``MAX_DELAY``; ``IP_FAILURES``
failures from one IP within the window block that IP's sign-ins for the
whole window. A refused attempt checks no password (the right one is
refused too) and is answered as every rate limit is (HTTP 429, Retry-After).
Addresses are counted whether or not a user has them, so the answer never
tells which exist, and are kept only as a keyed hash. A successful sign-in
clears its address's count. With Redis or database storage the counts hold
across every server.

The counts change after the request's own transaction has ended (``flush``,
called by the endpoint), as other effects do: the storage may be the same
database, which the request holds while it runs.
"""

from __future__ import annotations

import hashlib

from paydesk.auth.ratelimit import RateLimiter

WINDOW = 15 * 60
FREE_FAILURES = 5
FIRST_DELAY = 30
MAX_DELAY = 15 * 60
IP_FAILURES = 50


class SignInThrottled(Exception):
    """Too many failed sign-ins: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many failed sign-ins; try again later.")
        self.retry_after = retry_after


def delay_after(failures: int) -> int:
    """Seconds an address waits after its ``failures``-th failure (0 while still free)."""
    if failures < FREE_FAILURES:
        return 0
    doubled: int = FIRST_DELAY * 2 ** min(failures - FREE_FAILURES, 16)
    return min(MAX_DELAY, doubled)


class SignInGuard:
    def __init__(self, counters: RateLimiter) -> None:
        self.counters = counters
        self._pending: list[tuple[str, str, str]] = []

    @staticmethod
    def _address(email: str) -> str:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return f"signin:address:{digest}"

    async def check(self, email: str, ip: str) -> None:
        """Raise SignInThrottled while the address or the IP is locked out."""
        address = self._address(email)
        wait = max(
            await self.counters.locked_for(f"{address}:lock"),
            await self.counters.locked_for(f"signin:ip:{ip}:lock"),
        )
        if wait > 0:
            raise SignInThrottled(wait)

    def failed(self, email: str, ip: str) -> None:
        """Count a failure (when the request's transaction has ended)."""
        self._pending.append(("failed", email, ip))

    def succeeded(self, email: str) -> None:
        """Clear the address's count (when the request's transaction has ended)."""
        self._pending.append(("succeeded", email, ""))

    async def flush(self) -> None:
        """Apply what this request's sign-ins said, outside its database transaction."""
        pending, self._pending = self._pending, []
        for outcome, email, ip in pending:
            if outcome == "failed":
                await self._failed(email, ip)
            else:
                await self._succeeded(email)

    async def _failed(self, email: str, ip: str) -> None:
        address = self._address(email)
        failures = await self.counters.incr(f"{address}:failures", WINDOW)
        if (wait := delay_after(failures)) > 0:
            await self.counters.lock(f"{address}:lock", wait)
        if await self.counters.incr(f"signin:ip:{ip}:failures", WINDOW) >= IP_FAILURES:
            await self.counters.lock(f"signin:ip:{ip}:lock", WINDOW)

    async def _succeeded(self, email: str) -> None:
        address = self._address(email)
        await self.counters.clear(f"{address}:failures")
        await self.counters.clear(f"{address}:lock")
