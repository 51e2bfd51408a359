"""The account's own wording of the emails paydesk sends its customers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from paydesk.models.base import created_at_field


class EmailTemplate(SQLModel, table=True):
    """One email an account rewrote (subject and plain-text body, sandboxed Jinja2); an email with no
    row is sent with paydesk's built-in wording."""

    __tablename__ = "email_template"

    account_id: str = Field(foreign_key="account.id", max_length=40, primary_key=True)
    # RECEIPT, DUNNING_NOTICE, RENEWAL_REMINDER or PLAN_COMPLETED (email_templates.kinds.Kind).
    kind: str = Field(max_length=30, primary_key=True)
    subject: str = Field(max_length=500)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_by_id: str | None = Field(default=None, max_length=40)
    updated_at: datetime = created_at_field()
