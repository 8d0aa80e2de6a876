"""Translations (gettext catalogs, English and French) and Babel formatting.

The language is per user action: the UI sets it once per rerun from the user's choice,
and every `_()` in the domain and the UI then speaks that language. Catalogs are read
from the `.po` files directly, so there is no compile step to forget.
"""

from __future__ import annotations

import gettext
import io
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"

_language: ContextVar[str] = ContextVar("care_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_language(lang: str) -> None:
    _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


@contextmanager
def use_language(lang: str):
    token = _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_()`."""
    return message


def fmt_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return babel_dates.format_datetime(value, format=fmt, locale=_language.get(), tzinfo=babel_dates.UTC)
    return babel_dates.format_date(value, format=fmt, locale=_language.get())


def fmt_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    return babel_numbers.format_currency(amount, currency, locale=_language.get())


def fmt_number(value: int | float | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=_language.get())
