"""The one check of free text before it is stored: what a database and a screen can hold.

Text is stored exactly as typed (after trimming the ends), because names, notes and
places are written in many scripts: right-to-left marks, zero-width joiners and
combining marks are letters of Arabic, Persian and Devanagari names and must survive.
Refused, with a message next to the field, is only what no one types on purpose and
that breaks something downstream: control characters (PostgreSQL refuses NUL outright;
ESC and the others corrupt exports, PDFs and terminals), lone surrogates (a Python
string that cannot be written as UTF-8 at all), and text longer than its column.
"""

from __future__ import annotations

import unicodedata

from care.errors import Problems
from care.i18n import _

NOTE_MAX = 2000  # a note, reason or description in a TEXT column, where the module sets no other limit
_MULTILINE_CONTROLS = frozenset("\n\t")


def _first_bad(value: str, *, multiline: bool) -> str | None:
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            return "surrogate"
        if category == "Cc" and not (multiline and ch in _MULTILINE_CONTROLS):
            return "newline" if ch in "\n\r\t" else "control"
    return None


def cleaned_text(value: str | None, *, multiline: bool = False) -> str:
    """The text as it will be stored: ends trimmed; in multi-line text, Windows line ends as "\\n"."""
    text = (value or "").strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def text_problem(value: str, *, limit: int, multiline: bool = False) -> str | None:
    """Why this cleaned text cannot be stored, or None."""
    bad = _first_bad(value, multiline=multiline)
    if bad == "surrogate":
        return _("This text contains a broken character (an unpaired surrogate). Type it again or paste it "
                 "from another place.")
    if bad == "newline":
        return _("Write this on one line, without line breaks or tabs.")
    if bad == "control":
        return _("This text contains an invisible control character that cannot be stored. "
                 "Delete it (it often comes with pasted text) and save again.")
    if len(value) > limit:
        return _("At most {n} characters.").format(n=limit)
    return None


def checked_text(problems: Problems, field: str, value: str | None, *, limit: int, multiline: bool = False,
                 required: str | None = None) -> str:
    """The cleaned text; a field error in `problems` if it cannot be stored.

    `required` is the message for an empty text, when the field must be filled in.
    """
    text = cleaned_text(value, multiline=multiline)
    if not text:
        if required:
            problems.add(field, required)
        return text
    if problem := text_problem(text, limit=limit, multiline=multiline):
        problems.add(field, problem)
    return text


def searchable(value: str | None, *, limit: int) -> str | None:
    """A search text trimmed, or None when it cannot match anything stored: it holds what
    stores refuse, or is longer than what it searches (`limit`).

    A search is not a write: such text is not an error to show, it simply finds nothing,
    instead of reaching the database (PostgreSQL refuses NUL even in a query, and SQLite a
    query of a thousand words).
    """
    text = cleaned_text(value)
    return None if len(text) > limit or _first_bad(text, multiline=True) else text
