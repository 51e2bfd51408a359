"""Sales listed by their own date; how a sale paid outside was paid; a refund's reason code.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sale") as batch:
        batch.add_column(sa.Column("paid_with", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("reference", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("note", sa.String(length=500), nullable=True))
    with op.batch_alter_table("refund") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(length=30), nullable=True))
    op.create_index("ix_sale_customer_date", "sale", ["customer_id", "transaction_date", "id"], unique=False)
    op.create_index("ix_sale_account_date", "sale", ["account_id", "transaction_date", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sale_account_date", table_name="sale")
    op.drop_index("ix_sale_customer_date", table_name="sale")
    with op.batch_alter_table("refund") as batch:
        batch.drop_column("reason_code")
    with op.batch_alter_table("sale") as batch:
        batch.drop_column("note")
        batch.drop_column("reference")
        batch.drop_column("paid_with")
