"""A product's delivery email, sent when a sale of it is paid.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.add_column(sa.Column("delivery_subject", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("delivery_body", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.drop_column("delivery_body")
        batch.drop_column("delivery_subject")
