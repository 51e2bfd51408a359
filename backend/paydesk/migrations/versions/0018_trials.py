"""Free trials: the sale's trial days and the order's first charge after its trial.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sale") as batch:
        batch.add_column(sa.Column("trial_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(sa.Column("trial_ends_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("trial_ends_on")
    with op.batch_alter_table("sale") as batch:
        batch.drop_column("trial_days")
