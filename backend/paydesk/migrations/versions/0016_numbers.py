"""Per-account numbers of customers, products, gateways and invoice templates, for classic integrations.

Existing rows are numbered 1, 2, ... per account in creation order; each
account's counter starts at its highest number.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each numbered table and its counter's kind.
TABLES = {
    "customer": "customer",
    "product": "product",
    "gateway": "gateway",
    "invoice_template": "invoice_template",
}


def upgrade() -> None:
    op.create_table(
        "number_counter",
        sa.Column("account_id", sa.String(length=40), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "kind"),
    )
    for table, kind in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
        rows = sa.table(
            table, sa.column("id"), sa.column("account_id"), sa.column("created_at"), sa.column("number")
        )
        order = sa.func.row_number().over(
            partition_by=rows.c.account_id, order_by=(rows.c.created_at, rows.c.id)
        )
        numbered = sa.select(rows.c.id, order.label("n")).subquery("numbered")
        op.execute(
            rows.update().values(
                number=sa.select(numbered.c.n).where(numbered.c.id == rows.c.id).scalar_subquery()
            )
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("number", existing_type=sa.Integer(), nullable=False)
            batch.create_index(f"ux_{table}_number", ["account_id", "number"], unique=True)
        counters = sa.table("number_counter", sa.column("account_id"), sa.column("kind"), sa.column("last"))
        highest = sa.select(rows.c.account_id, sa.literal(kind), sa.func.max(rows.c.number)).group_by(
            rows.c.account_id
        )
        op.execute(counters.insert().from_select(["account_id", "kind", "last"], highest))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ux_{table}_number")
            batch.drop_column("number")
    op.drop_table("number_counter")
