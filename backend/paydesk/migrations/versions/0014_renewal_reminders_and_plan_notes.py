"""The renewal reminder and plan-completed note merchants switch on.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("renewal_reminder_days", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("email_plan_completed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(sa.Column("reminded_for", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("reminded_for")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("email_plan_completed")
        batch.drop_column("renewal_reminder_days")
