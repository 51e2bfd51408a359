"""Queueing an email in the change's own transaction (never sending it from a service)."""

from __future__ import annotations

import json
from dataclasses import asdict

from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk import ids
from paydesk.auth.principal import Principal
from paydesk.crypto import decrypt_text, encrypt_text
from paydesk.models import OutgoingEmail
from paydesk.notify.email import Email, address_of
from paydesk.unit_of_work import note_outbox_written

# The key derivation purpose of stored messages (crypto.derive_key), apart from gateway credentials.
MESSAGES = "outgoing-email"


class EmailStatus:
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


def queue_email(
    session: AsyncSession,
    secret: bytes,
    email: Email,
    *,
    account_id: str,
    purpose: str,
    customer_id: str | None = None,
    subject_id: str | None = None,
    principal: Principal | None = None,
) -> OutgoingEmail:
    """Add ``email`` to the outbox; it goes out once this transaction commits, never if it rolls back.

    The rendered message is stored encrypted with the server secret (it
    carries payment and card links); ``email.to`` must be a valid address.
    """
    row = OutgoingEmail(
        id=ids.new_id(ids.EMAIL),
        account_id=account_id,
        customer_id=customer_id,
        purpose=purpose,
        subject_id=subject_id,
        recipient=address_of(email.to),
        subject=email.subject[:500],
        message_encrypted=encrypt_text(secret, MESSAGES, json.dumps(asdict(email))),
        status=EmailStatus.PENDING,
        actor_user_id=principal.user_id if principal else None,
        actor_api_key_id=principal.api_key_id if principal else None,
    )
    session.add(row)
    note_outbox_written(session)
    return row


def message_of(secret: bytes, row: OutgoingEmail) -> Email:
    """The rendered message a pending row carries."""
    assert row.message_encrypted is not None, "only a pending email carries its message"
    return Email(**json.loads(decrypt_text(secret, MESSAGES, row.message_encrypted)))
