"""Stripe's webhook events applied once, and disputes on sales.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 01:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paydesk.models.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stripe_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("gateway_id", sa.String(length=40), sa.ForeignKey("gateway.id"), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("gateway_id", "event_id", name="ux_stripe_event_gateway_event"),
    )
    with op.batch_alter_table("sale") as batch:
        batch.add_column(sa.Column("dispute_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("dispute_amount", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("dispute_reason", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("dispute_status", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("disputed_at", UTCDateTime(), nullable=True))
    op.create_index("ix_sale_gateway_external", "sale", ["gateway_id", "external_id"])


def downgrade() -> None:
    op.drop_index("ix_sale_gateway_external", table_name="sale")
    with op.batch_alter_table("sale") as batch:
        batch.drop_column("disputed_at")
        batch.drop_column("dispute_status")
        batch.drop_column("dispute_reason")
        batch.drop_column("dispute_amount")
        batch.drop_column("dispute_id")
    op.drop_table("stripe_event")
