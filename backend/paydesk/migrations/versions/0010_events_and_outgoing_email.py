"""The outbox: the account's events and the emails waiting to go.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paydesk.models.base import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("account_id", sa.String(length=40), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("actor_type", sa.String(length=10), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_event_account_created", "event", ["account_id", "created_at", "id"])
    op.create_index("ix_event_account_type", "event", ["account_id", "type", "created_at", "id"])
    op.create_index("ix_event_created", "event", ["created_at"])
    op.create_table(
        "outgoing_email",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("account_id", sa.String(length=40), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("customer_id", sa.String(length=40), sa.ForeignKey("customer.id"), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=40), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("message_encrypted", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("actor_user_id", sa.String(length=40), nullable=True),
        sa.Column("actor_api_key_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_outgoing_email_due", "outgoing_email", ["status", "next_attempt_at"])
    op.create_index("ix_outgoing_email_customer", "outgoing_email", ["customer_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outgoing_email_customer", table_name="outgoing_email")
    op.drop_index("ix_outgoing_email_due", table_name="outgoing_email")
    op.drop_table("outgoing_email")
    op.drop_index("ix_event_created", table_name="event")
    op.drop_index("ix_event_account_type", table_name="event")
    op.drop_index("ix_event_account_created", table_name="event")
    op.drop_table("event")
