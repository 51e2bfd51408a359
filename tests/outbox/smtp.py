"""A real SMTP server for outbox tests (aiosmtpd): keeps messages, can say "later" or hang in DATA."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Smtp:
    """An aiosmtpd handler: keeps messages, can refuse for now (``reply``) or hang in DATA until released."""

    port: int
    messages: list[Envelope] = field(default_factory=list)
    reply: str | None = None
    hang: bool = False
    hanging: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.reply is not None:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.hang:
            self.hanging.set()
            await asyncio.to_thread(self.release.wait, 30)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"
