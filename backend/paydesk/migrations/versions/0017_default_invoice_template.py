"""Every account has a default invoice template: older accounts without one get the built-in Standard.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 03:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from paydesk import ids
from paydesk.invoices.render import DEFAULT_TEMPLATE_NAME, default_source

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

accounts = sa.table("account", sa.column("id"))
templates = sa.table(
    "invoice_template",
    sa.column("id"),
    sa.column("account_id"),
    sa.column("number"),
    sa.column("name"),
    sa.column("body"),
    sa.column("is_default"),
    sa.column("created_at"),
)
counters = sa.table("number_counter", sa.column("account_id"), sa.column("kind"), sa.column("last"))
KIND = "invoice_template"


def upgrade() -> None:
    db = op.get_bind()
    with_default = sa.select(templates.c.account_id).where(templates.c.is_default == sa.true())
    missing = db.execute(sa.select(accounts.c.id).where(accounts.c.id.not_in(with_default))).scalars().all()
    now = datetime.now(UTC)
    if db.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # the UTC columns keep naive UTC on SQLite
    for account_id in missing:
        last = db.execute(
            sa.select(counters.c.last).where(counters.c.account_id == account_id, counters.c.kind == KIND)
        ).scalar()
        number = (last or 0) + 1
        if last is None:
            db.execute(counters.insert().values(account_id=account_id, kind=KIND, last=number))
        else:
            db.execute(
                counters.update()
                .where(counters.c.account_id == account_id, counters.c.kind == KIND)
                .values(last=number)
            )
        db.execute(
            templates.insert().values(
                id=ids.new_id(ids.INVOICE_TEMPLATE),
                account_id=account_id,
                number=number,
                name=DEFAULT_TEMPLATE_NAME,
                body=default_source(),
                is_default=True,
                created_at=now,
            )
        )


def downgrade() -> None:
    """The templates stay: an account's invoices may name them."""
