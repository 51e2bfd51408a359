"""Webhook endpoints, their delivery attempts, and which events were fanned out to them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paydesk.models.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("fanned_out_at", UTCDateTime(), nullable=True))
    op.create_index("ix_event_fan_out", "event", ["fanned_out_at", "created_at"])
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("account_id", sa.String(length=40), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("previous_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("previous_secret_until", UTCDateTime(), nullable=True),
        sa.Column("failing_since", UTCDateTime(), nullable=True),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_webhook_endpoint_account", "webhook_endpoint", ["account_id", "created_at"])
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("account_id", sa.String(length=40), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), sa.ForeignKey("webhook_endpoint.id"), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("first_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_webhook_delivery_due", "webhook_delivery", ["status", "next_attempt_at"])
    op.create_index("ix_webhook_delivery_endpoint", "webhook_delivery", ["endpoint_id", "created_at", "id"])
    op.create_index("ix_webhook_delivery_event", "webhook_delivery", ["event_id", "endpoint_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_event", table_name="webhook_delivery")
    op.drop_index("ix_webhook_delivery_endpoint", table_name="webhook_delivery")
    op.drop_index("ix_webhook_delivery_due", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_endpoint_account", table_name="webhook_endpoint")
    op.drop_table("webhook_endpoint")
    op.drop_index("ix_event_fan_out", table_name="event")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("fanned_out_at")
