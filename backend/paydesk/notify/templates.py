"""Email bodies from Jinja2 templates: ``{name}.subject.txt``, ``{name}.txt`` and ``{name}.html``.

HTML templates are autoescaped; the text ones are not (they are never shown
as HTML). A missing variable is an error, not an empty string, so a typo
cannot send a customer a half-written message.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import jinja2
from markupsafe import Markup, escape

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("paydesk.notify", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


# Spelled out here rather than with %B, which follows the process locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: datetime | date) -> str:
    """``14 March 2025``: a date no reader can misread; naive values are taken as UTC, dates as they are."""
    day = value.astimezone(UTC) if isinstance(value, datetime) and value.tzinfo is not None else value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def sentence_end(text: object) -> str:
    """``text`` closing a sentence: a full stop is added unless it ends with one already.

    A merchant called "Demo Outdoor Supply Co." ends "... with Demo Outdoor Supply Co.", not "Co..".
    """
    words = str(text).rstrip()
    return words if words.endswith((".", "!", "?", "\u2026")) else f"{words}."


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def linkify(text: object) -> Markup:
    """Plain ``text`` as HTML: escaped, its http(s) URLs made links (a merchant's own email body)."""
    words = str(text)
    parts: list[str] = []
    last = 0
    for found in _URL.finditer(words):
        url = found.group(0)
        parts.append(escape(words[last : found.start()]))
        parts.append(
            Markup(
                '<a href="{0}" target="_blank" style="color:#1a56db; word-break:break-all;">{0}</a>'
            ).format(url)
        )
        last = found.end()
    parts.append(escape(words[last:]))
    return Markup("").join(parts)


_env.filters["long_date"] = long_date
_env.filters["linkify"] = linkify
_env.filters["sentence_end"] = sentence_end


def render(name: str, **context: Any) -> tuple[str, str, str]:
    """The subject (one line), the plain text and the HTML of email ``name``."""
    subject = _env.get_template(f"{name}.subject.txt").render(context)
    text = _env.get_template(f"{name}.txt").render(context)
    html = _env.get_template(f"{name}.html").render(context)
    # A header must be one line: a newline in a merchant name must not start a new header.
    return " ".join(subject.split()), text, html
