"""Indexes for the billing runner: an order's sales by installment key, idempotency claims by result.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 05:22:17.258333
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_idempotency_record_result", "idempotency_record", ["result_id"], unique=False)
    op.create_index("ix_sale_subscription", "sale", ["subscription_id", "installment_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sale_subscription", table_name="sale")
    op.drop_index("ix_idempotency_record_result", table_name="idempotency_record")
