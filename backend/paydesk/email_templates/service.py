"""Rewriting, previewing and using the account's email templates.

``compose`` is what every sender calls: the account's own wording when it
has one, paydesk's built-in wording otherwise. A rewritten template is
checked with sample values (with and without the optional ones) when saved,
so a paid sale never meets one that does not render; if one still fails
(a value it never saw), the built-in wording goes out and a warning is
logged, since the email matters more than its wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from paydesk.auth.principal import Principal
from paydesk.clock import utcnow
from paydesk.email_templates.kinds import KINDS, Kind, KindInfo
from paydesk.errors import ErrorCode, Problems, fail
from paydesk.invoices import render as sandbox
from paydesk.logs import get_logger
from paydesk.models import EmailTemplate
from paydesk.notify.email import Email
from paydesk.notify.templates import render as builtin_render

log = get_logger("paydesk.email_templates")

MAX_SUBJECT = 200
MAX_SUBJECT_SOURCE = 500
MAX_BODY = 10_000
# Values a template may meet empty: each is also tried as None when a template is checked.
_OPTIONAL = ("customer_name", "next_try")


@dataclass(frozen=True)
class Template:
    """One kind's wording as the account sends it now."""

    info: KindInfo
    subject: str
    body: str
    custom: bool
    updated_at: datetime | None


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _builtin(info: KindInfo) -> Template:
    return Template(info, info.default_subject(), info.default_body(), False, None)


def _of(info: KindInfo, row: EmailTemplate | None) -> Template:
    if row is None:
        return _builtin(info)
    return Template(info, row.subject, row.body, True, row.updated_at)


async def templates_of(session: AsyncSession, account_id: str) -> list[Template]:
    """Every kind, in a fixed order, with the account's wording or the built-in one."""
    rows = {
        r.kind: r
        for r in await session.exec(select(EmailTemplate).where(col(EmailTemplate.account_id) == account_id))
    }
    return [_of(info, rows.get(kind.value)) for kind, info in KINDS.items()]


async def template_of(session: AsyncSession, account_id: str, kind: Kind) -> Template:
    return _of(KINDS[kind], await session.get(EmailTemplate, (account_id, kind.value)))


def _render_custom(info: KindInfo, subject: str, body: str, values: Mapping[str, Any]) -> Rendered:
    """The account's wording with ``values``; ``sandbox.TemplateRefused`` when it does not render."""
    line = " ".join(sandbox.render(subject, values, text=True).split())[:MAX_SUBJECT]
    text = sandbox.render(body, values, text=True).strip() + "\n"
    _subject, _text, html = builtin_render(
        "custom", subject=line, body=text, merchant_name=values.get("merchant_name", "")
    )
    return Rendered(line, text, html)


def _check(problems: Problems, info: KindInfo, subject: str, body: str) -> None:
    """Problems on ("subject",) or ("body",) when either fails with the kind's sample values."""
    emptied = {**info.sample, **{name: None for name in _OPTIONAL if name in info.sample}}
    for part, source in (("subject", subject), ("body", body)):
        for values in (info.sample, emptied):
            try:
                out = sandbox.render(source, values, text=True)
            except sandbox.TemplateRefused as refused:
                problems.add(ErrorCode.INVALID, f"The template does not render: {refused}", (part,))
                break
            if part == "subject" and not out.strip():
                problems.add(ErrorCode.INVALID, "The subject comes out empty.", (part,))
                break


def _cleaned(kind: Kind, subject: str, body: str) -> tuple[str, str]:
    info = KINDS[kind]
    subject, body = subject.strip(), body.strip() + "\n"
    problems = Problems()
    if not subject:
        problems.add(ErrorCode.REQUIRED, "Write a subject.", ("subject",))
    elif len(subject) > MAX_SUBJECT_SOURCE:
        problems.add(
            ErrorCode.INVALID, f"A subject is at most {MAX_SUBJECT_SOURCE} characters.", ("subject",)
        )
    if not body.strip():
        problems.add(ErrorCode.REQUIRED, "Write the email's text.", ("body",))
    elif len(body) > MAX_BODY:
        problems.add(ErrorCode.INVALID, f"The text is at most {MAX_BODY} characters.", ("body",))
    problems.raise_any()
    _check(problems, info, subject, body)
    problems.raise_any()
    return subject, body


async def save_template(
    session: AsyncSession, principal: Principal, kind: Kind, *, subject: str, body: str
) -> Template:
    """The account's own wording of ``kind`` from now on; INVALID or REQUIRED on subject or body.

    Saving the built-in wording unchanged goes back to it (as ``reset_template``).
    """
    subject, body = _cleaned(kind, subject, body)
    if _is_builtin(KINDS[kind], subject, body):
        # The built-in wording, unchanged: kept as built-in, with its own HTML.
        return await reset_template(session, principal, kind)
    row = await session.get(EmailTemplate, (principal.account_id, kind.value))
    if row is None:
        row = EmailTemplate(account_id=principal.account_id, kind=kind.value, subject=subject, body=body)
    row.subject, row.body = subject, body
    row.updated_by_id, row.updated_at = principal.user_id, utcnow()
    session.add(row)
    await session.flush()
    return _of(KINDS[kind], row)


async def reset_template(session: AsyncSession, principal: Principal, kind: Kind) -> Template:
    """Back to paydesk's built-in wording of ``kind``."""
    row = await session.get(EmailTemplate, (principal.account_id, kind.value))
    if row is not None:
        await session.delete(row)
        await session.flush()
    return _builtin(KINDS[kind])


def preview(kind: Kind, merchant_name: str, *, subject: str, body: str) -> Rendered:
    """``kind`` in the given wording with sample values and the account's name, as it would go out
    (the built-in wording with its own HTML). DomainError on subject or body when it does not render."""
    info = KINDS[kind]
    values = {**info.sample, "merchant_name": merchant_name}
    subject, body = _cleaned(kind, subject, body)
    if _is_builtin(info, subject, body):
        return Rendered(*builtin_render(info.builtin, **values))
    try:
        return _render_custom(info, subject, body, values)
    except sandbox.TemplateRefused as refused:  # the samples passed; the account's name is the one change
        raise fail(ErrorCode.INVALID, f"The template does not render: {refused}", ("body",)) from None


def _is_builtin(info: KindInfo, subject: str, body: str) -> bool:
    return subject.strip() == info.default_subject().strip() and body.strip() == info.default_body().strip()


async def compose(
    session: AsyncSession,
    account_id: str,
    kind: Kind,
    values: Mapping[str, Any],
    *,
    to: str,
    reply_to: str | None = None,
) -> Email:
    """The email of ``kind`` to ``to``, in the account's wording (or the built-in one) with ``values``."""
    info = KINDS[kind]
    row = await session.get(EmailTemplate, (account_id, kind.value))
    if row is not None:
        try:
            custom = _render_custom(info, row.subject, row.body, values)
            return Email(to=to, subject=custom.subject, text=custom.text, html=custom.html, reply_to=reply_to)
        except sandbox.TemplateRefused as refused:
            log.warning("email_template.failed", account_id=account_id, kind=kind.value, error=str(refused))
    subject, text, html = builtin_render(info.builtin, **values)
    return Email(to=to, subject=subject, text=text, html=html, reply_to=reply_to)
